/*
 * verdictcols.c - the verdict table's columns (verdictcols.h).
 */
#include "report/verdictcols.h"

#include "base/banned.h"

const struct tl_verdictcol_def tl_verdictcols[TL_VCOL_COUNT_] = {
#define X(id, head, doc, prio, flex) {head, doc, prio, flex},
	TL_VERDICT_COLS(X)
#undef X
};

void tl_verdictcols_cell(struct tl_buf *b, enum tl_verdictcol k,
			 const struct tl_claim *c, const struct tl_verdict *v)
{
	const char *s = NULL;

	switch (k) {
	case TL_VCOL_ID:
		s = c->id;
		break;
	case TL_VCOL_SECTION:
		s = c->section;
		break;
	case TL_VCOL_CLAIM:
		s = c->text;
		break;
	case TL_VCOL_CLAIMED:
		s = c->claimed;
		break;
	case TL_VCOL_MEASURED:
		tl_verdict_fmt_measured(b, c, v);
		break;
	case TL_VCOL_VERDICT:
		s = tl_verdict_name(v->kind);
		break;
	default:
		break;
	}
	if (s)
		tl_buf_puts(b, s);
}
