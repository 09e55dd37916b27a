/*
 * table.h - terminal tables that fit the width they are given.
 *
 * Every table of the terminal (run, claims, list, slo, compare) is a
 * list of columns with a priority and rows of cells. Rendering measures
 * the cells; while the table is wider than the terminal it drops the
 * column of the lowest priority (priority 0 is never dropped), then it
 * narrows the one flexible column (a claim's text, a description), whose
 * cells wrap at word boundaries onto continuation lines. Identifiers sit
 * in priority-0, non-flexible columns, so they are never cut. Full-width
 * lines (a group heading, a reason under a row) wrap to the width with
 * their indentation. --wide (width SIZE_MAX) shows every column.
 *
 * Cells may hold SGR colour codes (base/term.h); widths count columns,
 * not bytes.
 */
#ifndef TL_TABLE_H
#define TL_TABLE_H

#include <stddef.h>

#include "base/util.h"

#define TL_TABLE_MAX_COLS 12

struct tl_col {
	const char *head;
	int right; /* right-aligned (numbers) */
	int prio;  /* 0: always shown; higher numbers are dropped first */
	int flex;  /* wraps to fit (at most one column) */
};

struct tl_table {
	struct tl_col cols[TL_TABLE_MAX_COLS]; /* private */
	size_t ncols;
	struct tl_strv cells; /* ncols per row; a line row: its text */
	struct tl_strv kinds; /* per row: "r" or "lN" (line, indent N) */
	int indent;	      /* spaces before every row */
};

/* cols are copied (their strings borrowed); indent: the left margin. */
void tl_table_init(struct tl_table *t, const struct tl_col *cols, size_t n,
		   int indent);

/* A row of ncols cells (copied; NULL is empty). */
void tl_table_row(struct tl_table *t, const char *const *cells);

/* A line across the table, wrapped at width, indented by indent. */
void tl_table_line(struct tl_table *t, int indent, const char *text);

/* Appends the table to out, no line wider than width. */
void tl_table_render(const struct tl_table *t, struct tl_buf *out,
		     size_t width);

void tl_table_release(struct tl_table *t);

#endif
