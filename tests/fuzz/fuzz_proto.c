/*
 * fuzz_proto.c - libFuzzer target for the workload protocol parser: any
 * bytes must give 0 or -EINVAL with a message, never a crash or a leak.
 */
#include <stddef.h>
#include <stdint.h>

#include "measure/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_proto p = TL_PROTO_INIT;
	char err[256];

	tl_proto_parse(&p, (const char *)data, size, err, sizeof(err));
	tl_proto_release(&p);
	return 0;
}
