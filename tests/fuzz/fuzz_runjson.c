/*
 * fuzz_runjson.c - libFuzzer target for the readers of a results JSON
 * (schema traplab.results/1): whatever a run file holds once it parses as
 * JSON with the right schema, the Prometheus exposition (metrics, serve),
 * the run comparison (compare) and SLO evaluation (slo) must accept it or
 * refuse it, never crash, leak or read out of bounds.
 *
 * The fuzzed run is compared against itself and against a fixed run in
 * both directions, so both sides of every comparison see odd input.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "analyze/compare.h"
#include "measure/results.h"
#include "report/expo.h"
#include "analyze/slo.h"
#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_run[] =
	"{\"schema\":\"traplab.results/1\",\"env\":{\"fingerprint\":\"f\"},"
	"\"experiments\":[{\"name\":\"alloc\",\"cases\":[{\"params\":{"
	"\"size\":\"64\"},\"variants\":[{\"name\":\"c.arena\",\"lang\":\"c\","
	"\"status\":\"ok\",\"metrics\":{\"ns_per_op\":{\"unit\":\"ns\","
	"\"median\":2,\"ci95\":[1.9,2.1],\"samples\":[2,2.1,1.9,2,2]}}},{"
	"\"name\":\"c.glibc\",\"lang\":\"c\",\"status\":\"ok\",\"metrics\":{"
	"\"ns_per_op\":{\"unit\":\"ns\",\"median\":12,\"samples\":[12,13,11,"
	"12,12]}}}]}]}]}";

static const char slo_text[] =
	"apiVersion: traplab/v1\n"
	"kind: SLO\n"
	"metadata: {name: fuzz}\n"
	"spec:\n"
	"  timeWindow: [{duration: 10runs, isRolling: true}]\n"
	"  budgetingMethod: Occurrences\n"
	"  objectives:\n"
	"    - displayName: arena under 3 ns\n"
	"      experiment: alloc\n"
	"      variant: c.arena\n"
	"      params: {size: 64}\n"
	"      metric: ns_per_op\n"
	"      op: lte\n"
	"      value: 3ns\n"
	"      target: 90%\n"
	"    - displayName: arena at most a quarter of glibc\n"
	"      experiment: alloc\n"
	"      variant: c.arena\n"
	"      ratioTo: c.glibc\n"
	"      metric: ns_per_op\n"
	"      op: lte\n"
	"      value: 0.25\n"
	"      target: 90%\n"
	"    - displayName: slowest start under 1 ms\n"
	"      experiment: startup\n"
	"      variant: c.hello\n"
	"      metric: wall_ns\n"
	"      stat: max\n"
	"      op: lte\n"
	"      value: 1ms\n"
	"      target: 90%\n";

static void compare(json_t *a, json_t *b)
{
	struct tl_compare c;

	memset(&c, 0, sizeof(c));
	if (tl_compare_runs(&a, 1, b, 0.05, &c) == 0)
		tl_compare_release(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_buf err = TL_BUF_INIT, out = TL_BUF_INIT;
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_slo_report rep;
	struct tl_expo *e;
	struct tl_slo slo;
	json_t *run, *fixed, *past[2];

	if (tl_results_parse("fuzz.json", (const char *)data, size, &run,
			     &err)) {
		tl_buf_release(&err);
		return 0;
	}
	e = tl_expo_new();
	tl_expo_run(e, run);
	tl_expo_write(e, &out);
	tl_expo_free(e);

	fixed = json_loads(fixed_run, 0, NULL);
	if (fixed) {
		compare(run, run);
		compare(fixed, run);
		compare(run, fixed);
		if (tl_slo_load(&slo, "fuzz.yaml", slo_text, strlen(slo_text),
				&d) == 0) {
			past[0] = fixed;
			past[1] = run;
			tl_slo_check(&slo, run, past, 2, &rep);
			e = tl_expo_new();
			tl_expo_slo(e, &slo, &rep);
			tl_expo_write(e, &out);
			tl_expo_free(e);
			tl_slo_report_release(&rep);
			tl_slo_release(&slo);
		}
		json_decref(fixed);
	}
	json_decref(run);
	tl_diag_release(&d);
	tl_buf_release(&out);
	tl_buf_release(&err);
	return 0;
}
