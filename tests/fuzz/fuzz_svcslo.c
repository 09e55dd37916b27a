/*
 * fuzz_svcslo.c - libFuzzer target for the service SLO parser (the
 * article's service-slo.yaml and OpenSLO v1): any input must load or give
 * diagnostics, never crash, leak or read out of bounds. A loaded file is
 * also turned into Prometheus rules, so the generator is fuzzed too.
 */
#include <stddef.h>
#include <stdint.h>

#include "analyze/svcslo.h"
#include "report/promrules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_buf out = TL_BUF_INIT;
	struct tl_svc_slo slo;

	if (tl_svc_slo_load(&slo, "fuzz.yaml", (const char *)data, size, &d) ==
	    0) {
		tl_promrules_write(&slo, 0, &out);
		tl_buf_release(&out);
		tl_svc_slo_release(&slo);
	}
	tl_diag_release(&d);
	return 0;
}
