/*
 * fuzz_claims.c - libFuzzer target for the claim-file parser and, when a
 * file parses, for resolution (no registry), formatting and verdicts on an
 * empty run: none of it may crash, leak or read out of bounds, whatever
 * the bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "analyze/claims.h"
#include "analyze/verdict.h"
#include "report/verdicttable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_claimset cs;
	struct tl_verdict *v;
	struct tl_verdict_opts o = TL_VERDICT_OPTS_INIT;
	struct tl_buf b = TL_BUF_INIT;
	json_t *run;
	size_t i;

	if (tl_claims_parse(&cs, "fuzz.yaml", (const char *)data, size, &d)) {
		tl_diag_release(&d);
		return 0;
	}
	tl_claims_resolve(&cs, NULL, &d);
	run = json_pack("{s:{s:b, s:i}, s:[]}", "env", "pmu", 0, "numa_nodes",
			1, "experiments");
	v = xcalloc(cs.nclaims + 1, sizeof(*v));
	o.resamples = 100;
	tl_verdict_eval(&cs, &run, 1, &o, v);
	tl_verdicttable_render(&b, &cs, v, 80, 1);
	for (i = 0; i < cs.nclaims; i++) {
		tl_claims_fmt_pred(&b, &cs.claims[i]);
		tl_claims_fmt_measure(&b, &cs.claims[i].m);
		tl_verdict_release(&v[i]);
	}
	free(v);
	json_decref(run);
	tl_buf_release(&b);
	tl_claimset_release(&cs);
	tl_diag_release(&d);
	return 0;
}
