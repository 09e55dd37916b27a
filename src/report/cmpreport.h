/*
 * cmpreport.h - a comparison (analyze/compare.h) for people and for CI:
 * a terminal table that fits the width it is given, Markdown for a pull
 * request, and JSON (schema "traplab.compare/1").
 *
 * Every figure of either run is listed (a figure in one run only says
 * "missing" or "new"), medians in human units (12.3 ns, 1.2 MB, 3.4M),
 * the change as a percentage with its CI, never a bare "same" unless
 * the equivalence test said so.
 */
#ifndef TL_CMPREPORT_H
#define TL_CMPREPORT_H

#include <jansson.h>
#include <stddef.h>

#include "analyze/compare.h"
#include "base/util.h"

/*
 * The table into b, at most width columns per line (a figure's name
 * longer than its column goes on a line of its own); color paints the
 * verdicts. what says which runs (one line above the table).
 */
void tl_cmpreport_table(struct tl_buf *b, const struct tl_compare *c,
			const char *what, size_t width, int color);

/* Markdown: a heading, the runs, a table, the rule used. */
void tl_cmpreport_md(struct tl_buf *b, const struct tl_compare *c,
		     const char *what);

/* JSON; a new reference owned by the caller. Absent numbers are null. */
json_t *tl_cmpreport_json(const struct tl_compare *c, const char *what);

#endif
