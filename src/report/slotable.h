/*
 * slotable.h - an SLO report (analyze/slo.h) as a terminal table fitted
 * to the width (report/table.h), and as CI gate cases (report/export.h).
 *
 * An objective fails the gate when it failed in this run, when its
 * error budget is exhausted (VIOLATED), or when it has no data and does
 * not allow that; INCONCLUSIVE and an allowed NODATA are "skipped" (not
 * decided by this run).
 */
#ifndef TL_SLOTABLE_H
#define TL_SLOTABLE_H

#include <stddef.h>

#include "analyze/slo.h"
#include "report/export.h"
#include "base/util.h"

void tl_slotable_render(struct tl_buf *b, const struct tl_slo *slo,
			const struct tl_slo_report *rep, size_t npast,
			size_t width, int color);

/*
 * Fills cases[0..rep->n); strings they point to are kept in own.
 */
void tl_slotable_cases(const struct tl_slo *slo,
		       const struct tl_slo_report *rep, struct tl_case *cases,
		       struct tl_strv *own);

/* One CSV row per objective and case, with a header row. */
void tl_slotable_csv(struct tl_buf *out, const struct tl_slo_report *rep);

#endif
