/*
 * mdreport.h - the verdict table as Markdown, to paste into a reply to
 * the article or a pull request: the machine, the method, one row per
 * claim, and the reasons and caveats under the table.
 */
#ifndef TL_MDREPORT_H
#define TL_MDREPORT_H

#include <jansson.h>
#include <stddef.h>

#include "analyze/claims.h"
#include "base/util.h"
#include "analyze/verdict.h"

/*
 * Appends the report to out. v has cs->nclaims verdicts from
 * tl_verdict_eval() over runs[0..nruns) (runs[0]'s env is the machine);
 * m is the family size it returned. Borrows everything; cannot fail.
 */
void tl_mdreport_render(struct tl_buf *out, const struct tl_claimset *cs,
			const struct tl_verdict *v, json_t *const *runs,
			size_t nruns, const struct tl_verdict_opts *o,
			size_t m);

/*
 * The machine in one line ("AMD EPYC 7B13, 2 CPUs, Linux 6.1, KVM, no
 * PMU, 1 NUMA node") and the toolchains ("cc gcc 12.2.0, go go1.26.8").
 * Shared with the HTML report.
 */
void tl_mdreport_machine(struct tl_buf *b, json_t *env);
void tl_mdreport_toolchains(struct tl_buf *b, json_t *env);

/*
 * The run in one line, from runs[0]'s options: "quick, counters auto,
 * started 2025-01-02T03:04:05Z (3 runs combined)". Plain text (the HTML
 * report escapes it). Shared with the HTML report.
 */
void tl_mdreport_run(struct tl_buf *b, json_t *const *runs, size_t nruns);

/* s as one Markdown table cell: '|' escaped, line breaks as spaces. */
void tl_md_cell(struct tl_buf *b, const char *s);

#endif
