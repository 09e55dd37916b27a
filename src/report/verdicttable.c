/*
 * verdicttable.c - the verdict table (verdicttable.h).
 *
 * Sample (80 columns):
 *   id                       claim                      measured [CI]  verdict
 *   alloc-tcmalloc-25ns      tcmalloc malloc(64) takes  21.8 ns [20.6  HOLDS
 *                            about 25 ns                ns, 67.3 ns]
 */
#include "report/verdicttable.h"

#include <stdint.h>
#include <stdlib.h>

#include "report/table.h"
#include "report/verdictcols.h"
#include "base/term.h"
#include "base/banned.h"

const char *tl_verdicttable_sgr(enum tl_verdict_kind k)
{
	switch (k) {
	case TL_VERDICT_HOLDS:
		return TL_SGR_GOOD;
	case TL_VERDICT_REFUTED:
		return TL_SGR_BAD;
	case TL_VERDICT_INCONCLUSIVE:
		return TL_SGR_WARN;
	default:
		return TL_SGR_DIM;
	}
}

/* The verdict, coloured when asked, and "(sim)" for simulated counts. */
static void verdict_cell(struct tl_buf *b, const struct tl_verdict *v,
			 int color)
{
	tl_term_paint(b, color, tl_verdicttable_sgr(v->kind),
		      tl_verdict_name(v->kind));
	if (v->simulated && v->kind != TL_VERDICT_UNTESTABLE)
		tl_buf_puts(b, " (sim)");
}

void tl_verdicttable_render(struct tl_buf *b, const struct tl_claimset *cs,
			    const struct tl_verdict *v, size_t width, int color)
{
	struct tl_col cols[TL_VCOL_COUNT_];
	size_t counts[TL_VERDICT_COUNT_], i, idw = 2, mw = 13;
	enum tl_verdictcol k;
	struct tl_table t;
	int below;

	/*
	 * When the id, the measure and the verdict leave under 24 columns
	 * for the claim, its text goes on a line of its own under the row,
	 * wrapped: it is read, not dropped.
	 */
	for (i = 0; i < cs->nclaims; i++) {
		struct tl_buf m = TL_BUF_INIT;
		size_t n = tl_term_cols(cs->claims[i].id);

		tl_verdict_fmt_measured(&m, &cs->claims[i], &v[i]);
		idw = n > idw ? n : idw;
		mw = tl_term_cols(tl_buf_str(&m)) > mw
			     ? tl_term_cols(tl_buf_str(&m))
			     : mw;
		tl_buf_release(&m);
	}
	below = width != SIZE_MAX && idw + mw + 12 + 6 + 24 > width;
	for (k = 0; k < TL_VCOL_COUNT_; k++)
		cols[k] = (struct tl_col){tl_verdictcols[k].head, 0,
					  tl_verdictcols[k].prio,
					  tl_verdictcols[k].flex};
	if (below) /* the claim is dropped first: its text is below */
		cols[TL_VCOL_CLAIM].prio = 9;
	tl_table_init(&t, cols, TL_VCOL_COUNT_, 0);
	for (i = 0; i < cs->nclaims; i++) {
		const struct tl_claim *c = &cs->claims[i];
		struct tl_buf cell[TL_VCOL_COUNT_];
		const char *row[TL_VCOL_COUNT_];

		for (k = 0; k < TL_VCOL_COUNT_; k++) {
			cell[k] = (struct tl_buf)TL_BUF_INIT;
			if (k == TL_VCOL_VERDICT)
				verdict_cell(&cell[k], &v[i], color);
			else
				tl_verdictcols_cell(&cell[k], k, c, &v[i]);
			row[k] = tl_buf_str(&cell[k]);
		}
		tl_table_row(&t, row);
		if (below && c->text)
			tl_table_line(&t, 2, c->text);
		if (v[i].kind == TL_VERDICT_UNTESTABLE && v[i].reason) {
			char *s = xasprintf("untestable: %s", v[i].reason);

			tl_table_line(&t, 2, s);
			free(s);
		}
		for (k = 0; k < TL_VCOL_COUNT_; k++)
			tl_buf_release(&cell[k]);
	}
	tl_table_render(&t, b, width);
	tl_table_release(&t);
	tl_verdict_count(v, cs->nclaims, counts);
	tl_buf_printf(b,
		      "%zu claims: %zu hold, %zu refuted, %zu inconclusive, "
		      "%zu untestable\n",
		      cs->nclaims, counts[TL_VERDICT_HOLDS],
		      counts[TL_VERDICT_REFUTED],
		      counts[TL_VERDICT_INCONCLUSIVE],
		      counts[TL_VERDICT_UNTESTABLE]);
}
