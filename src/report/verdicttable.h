/*
 * verdicttable.h - the claims' verdicts as a terminal table (report/
 * table.h): id, section, claim, claimed, measured [CI], verdict, fitted
 * to the width. The id and the verdict are never dropped or cut; the
 * claim's text wraps; the section, then "claimed", then the CI go first
 * when the width is short. UNTESTABLE reasons and notes follow their
 * row, wrapped. Verdicts are coloured when asked.
 */
#ifndef TL_VERDICTTABLE_H
#define TL_VERDICTTABLE_H

#include <stddef.h>

#include "analyze/claims.h"
#include "analyze/verdict.h"
#include "base/util.h"

/* Appends the table and the one-line count to b. */
void tl_verdicttable_render(struct tl_buf *b, const struct tl_claimset *cs,
			    const struct tl_verdict *v, size_t width,
			    int color);

/* The SGR colour of a verdict (base/term.h). */
const char *tl_verdicttable_sgr(enum tl_verdict_kind k);

#endif
