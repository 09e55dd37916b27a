/*
 * htmlreport.h - one self-contained HTML page of a claims run: the
 * machine and toolchains, the verdict table, and per article section the
 * claims with their evidence and one SVG chart per experiment (every
 * variant's median with its CI, per case). Inline CSS and SVG only: no
 * script, no external resource, so the page opens anywhere and renders
 * the same in a headless browser.
 */
#ifndef TL_HTMLREPORT_H
#define TL_HTMLREPORT_H

#include <jansson.h>
#include <stddef.h>

#include "analyze/claims.h"
#include "base/util.h"
#include "analyze/verdict.h"

/*
 * Verdicts of one claim set on several machines (runs grouped by machine
 * fingerprint, see matrix.h): v[k] holds machine k's verdicts. Borrowed.
 */
struct tl_verdict_matrix {
	size_t n;
	const char *const *labels;	 /* "AMD EPYC, 2 CPUs, ..." */
	const char *const *fingerprints; /* env.fingerprint */
	struct tl_verdict *const *v;
};

/*
 * Appends the page to out; arguments as tl_mdreport_render(). When mx has
 * more than one machine the page opens with the claims x machines matrix;
 * v and runs are then machine 0's.
 */
void tl_htmlreport_render(struct tl_buf *out, const struct tl_claimset *cs,
			  const struct tl_verdict *v, json_t *const *runs,
			  size_t nruns, const struct tl_verdict_opts *o,
			  size_t m, const struct tl_verdict_matrix *mx);

#endif
