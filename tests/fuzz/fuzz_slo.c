/*
 * fuzz_slo.c - libFuzzer target for the SLO file parser: any input must
 * load or give diagnostics, never crash, leak or read out of bounds.
 * A loaded file is also evaluated against a fixed tiny run, so the
 * evaluation paths (units, ratios, budgets) are fuzzed too.
 */
#include <stddef.h>
#include <stdint.h>

#include "analyze/slo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char run_text[] =
		"{\"schema\":\"traplab.results/1\",\"env\":{\"fingerprint\":"
		"\"f\"},\"experiments\":[{\"name\":\"alloc\",\"cases\":[{"
		"\"params\":{\"size\":\"64\"},\"variants\":[{\"name\":"
		"\"c.arena\",\"status\":\"ok\",\"metrics\":{\"ns_per_op\":{"
		"\"unit\":\"ns\",\"median\":2,\"ci95\":[1.9,2.1],"
		"\"samples\":[2,2.1,1.9]}}},{\"name\":\"c.glibc\",\"status\":"
		"\"ok\",\"metrics\":{\"ns_per_op\":{\"unit\":\"ns\",\"median\":"
		"12,\"samples\":[12,13,11]}}}]}]}]}";
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_slo_report rep;
	struct tl_slo slo;
	json_t *run;

	if (tl_slo_load(&slo, "fuzz.yaml", (const char *)data, size, &d) == 0) {
		run = json_loads(run_text, 0, NULL);
		if (run) {
			tl_slo_check(&slo, run, &run, 1, &rep);
			tl_slo_report_release(&rep);
			json_decref(run);
		}
		tl_slo_release(&slo);
	}
	tl_diag_release(&d);
	return 0;
}
