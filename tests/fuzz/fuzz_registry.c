/*
 * fuzz_registry.c - libFuzzer target for experiment.yaml parsing: any
 * bytes give an experiment or diagnostics, never a crash or a leak.
 */
#include <stddef.h>
#include <stdint.h>

#include "measure/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_experiment e;
	struct tl_diag d = TL_DIAG_INIT;

	tl_registry_parse(&e, "fuzz/experiment.yaml", (const char *)data, size,
			  &d);
	tl_experiment_release(&e);
	tl_diag_release(&d);
	return 0;
}
