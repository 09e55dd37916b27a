/*
 * verdictcols.h - the columns of the verdict table, defined once for the
 * terminal (verdicttable.c), Markdown (mdreport.c) and HTML (htmlreport.c).
 *
 * A column is its header, its place in the terminal's dropping order and
 * the plain text of its cell; each reporter only decorates the text
 * (Markdown puts the id in backticks, HTML links it, the terminal colours
 * the verdict). Adding a column is one X line and one case in
 * tl_verdictcols_cell().
 */
#ifndef TL_VERDICTCOLS_H
#define TL_VERDICTCOLS_H

#include "analyze/claims.h"
#include "analyze/verdict.h"
#include "base/util.h"

/*
 * X(ID, terminal header, document header, terminal priority, flexible):
 * priority 0 is never dropped; higher numbers go first when the terminal
 * is narrow (report/table.h); the flexible column wraps.
 */
#define TL_VERDICT_COLS(X)                                                     \
	X(ID, "id", "id", 0, 0)                                                \
	X(SECTION, "sec", "\xc2\xa7", 4, 0) /* § */                           \
	X(CLAIM, "claim", "claim", 2, 1)                                       \
	X(CLAIMED, "claimed", "claimed", 3, 0)                                 \
	X(MEASURED, "measured [CI]", "measured [CI]", 1, 0)                    \
	X(VERDICT, "verdict", "verdict", 0, 0)

enum tl_verdictcol {
#define X(id, head, doc, prio, flex) TL_VCOL_##id,
	TL_VERDICT_COLS(X)
#undef X
		TL_VCOL_COUNT_
};

struct tl_verdictcol_def {
	const char *head;     /* the terminal's header */
	const char *doc_head; /* Markdown's and HTML's header */
	int prio, flex;	      /* report/table.h's struct tl_col */
};

extern const struct tl_verdictcol_def tl_verdictcols[TL_VCOL_COUNT_];

/* Appends the plain text of column k for claim c and its verdict v. */
void tl_verdictcols_cell(struct tl_buf *b, enum tl_verdictcol k,
			 const struct tl_claim *c, const struct tl_verdict *v);

#endif
