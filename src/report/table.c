/*
 * table.c - terminal tables fitted to a width (table.h).
 *
 * Fitting is greedy and predictable: drop whole columns, lowest priority
 * first (ties: the rightmost), until the fixed columns plus the flexible
 * one at its minimum (12 columns or its header) fit; the flexible column
 * then gets what is left and wraps. A table that cannot fit even so (a
 * very narrow terminal) is printed at its minimum.
 */
#include "report/table.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/term.h"
#include "base/banned.h"

#define FLEX_MIN 12

void tl_table_init(struct tl_table *t, const struct tl_col *cols, size_t n,
		   int indent)
{
	memset(t, 0, sizeof(*t));
	if (n > TL_TABLE_MAX_COLS)
		n = TL_TABLE_MAX_COLS;
	memcpy(t->cols, cols, n * sizeof(*cols));
	t->ncols = n;
	t->indent = indent;
}

void tl_table_row(struct tl_table *t, const char *const *cells)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		tl_strv_push(&t->cells, cells[i] ? cells[i] : "");
	tl_strv_push(&t->kinds, "r");
}

void tl_table_line(struct tl_table *t, int indent, const char *text)
{
	char k[16];

	tl_strv_push(&t->cells, text);
	snprintf(k, sizeof(k), "l%d", indent);
	tl_strv_push(&t->kinds, k);
}

void tl_table_release(struct tl_table *t)
{
	tl_strv_release(&t->cells);
	tl_strv_release(&t->kinds);
}

static const char *cell(const struct tl_table *t, size_t row0, size_t c)
{
	return t->cells.v[row0 + c];
}

/* Widths of every column's content (0 for dropped ones). */
static void measure(const struct tl_table *t, size_t *w)
{
	size_t i, r = 0, c;

	for (c = 0; c < t->ncols; c++)
		w[c] = tl_term_cols(t->cols[c].head);
	for (i = 0; i < t->kinds.n; i++) {
		if (t->kinds.v[i][0] != 'r') {
			r++;
			continue;
		}
		for (c = 0; c < t->ncols; c++) {
			size_t n = tl_term_cols(cell(t, r, c));

			if (n > w[c])
				w[c] = n;
		}
		r += t->ncols;
	}
}

static size_t total(const struct tl_table *t, const size_t *w, const int *shown,
		    int flex_min)
{
	size_t sum = (size_t)t->indent, c, n = 0;

	for (c = 0; c < t->ncols; c++) {
		if (!shown[c])
			continue;
		if (t->cols[c].flex && flex_min) {
			size_t h = tl_term_cols(t->cols[c].head);
			size_t m = h > FLEX_MIN ? h : FLEX_MIN;

			sum += w[c] < m ? w[c] : m;
		} else {
			sum += w[c];
		}
		n++;
	}
	return sum + (n ? 2 * (n - 1) : 0);
}

/* Which columns show, and the flexible column's width. */
static void fit(const struct tl_table *t, size_t width, size_t *w, int *shown)
{
	size_t c, flex = SIZE_MAX;

	for (c = 0; c < t->ncols; c++) {
		shown[c] = 1;
		if (t->cols[c].flex)
			flex = c;
	}
	while (total(t, w, shown, 1) > width) {
		size_t drop = SIZE_MAX;

		for (c = 0; c < t->ncols; c++)
			if (shown[c] && t->cols[c].prio > 0 &&
			    (drop == SIZE_MAX ||
			     t->cols[c].prio >= t->cols[drop].prio))
				drop = c;
		if (drop == SIZE_MAX)
			break;
		shown[drop] = 0;
	}
	if (flex != SIZE_MAX && shown[flex]) {
		size_t full = total(t, w, shown, 0);

		if (full > width) {
			size_t over = full - width,
			       h = tl_term_cols(t->cols[flex].head);
			size_t m = h > FLEX_MIN ? h : FLEX_MIN;

			w[flex] = w[flex] > over + m ? w[flex] - over : m;
		}
	}
}

static void pad(struct tl_buf *b, const char *s, size_t w, int right)
{
	size_t n = tl_term_cols(s);

	for (; right && n < w; n++)
		tl_buf_puts(b, " ");
	tl_buf_puts(b, s);
	for (; !right && n < w; n++)
		tl_buf_puts(b, " ");
}

/* One row; the flexible cell wraps onto continuation lines. */
static void render_row(const struct tl_table *t, struct tl_buf *out,
		       const char *const *cells, const size_t *w,
		       const int *shown)
{
	struct tl_buf fl = TL_BUF_INIT;
	const char *rest = NULL, *nl;
	size_t c, flex = SIZE_MAX;
	int first = 1;

	for (c = 0; c < t->ncols; c++)
		if (shown[c] && t->cols[c].flex) {
			flex = c;
			tl_term_wrap(&fl, cells[c], w[c], 0, 0);
			rest = tl_buf_str(&fl);
		}
	do {
		size_t shown_n = 0, last = 0;

		for (c = 0; c < t->ncols; c++)
			if (shown[c])
				last = c;
		for (size_t i = 0; i < (size_t)t->indent; i++)
			tl_buf_puts(out, " ");
		for (c = 0; c < t->ncols; c++) {
			if (!shown[c])
				continue;
			if (shown_n++)
				tl_buf_puts(out, "  ");
			if (c == flex) {
				char *line;

				nl = strchr(rest, '\n');
				line = xstrndup(rest, nl ? (size_t)(nl - rest)
							 : strlen(rest));
				pad(out, line, c == last ? 0 : w[c], 0);
				rest = nl ? nl + 1 : rest + strlen(rest);
				free(line);
			} else {
				pad(out, first ? cells[c] : "",
				    c == last && !t->cols[c].right ? 0 : w[c],
				    t->cols[c].right);
			}
		}
		while (out->len && out->s[out->len - 1] == ' ')
			out->s[--out->len] = '\0';
		tl_buf_puts(out, "\n");
		first = 0;
	} while (rest && *rest);
	tl_buf_release(&fl);
}

void tl_table_render(const struct tl_table *t, struct tl_buf *out, size_t width)
{
	size_t w[TL_TABLE_MAX_COLS], i, r = 0, c;
	int shown[TL_TABLE_MAX_COLS];
	const char *heads[TL_TABLE_MAX_COLS];

	measure(t, w);
	fit(t, width, w, shown);
	for (c = 0; c < t->ncols; c++)
		heads[c] = t->cols[c].head;
	render_row(t, out, heads, w, shown);
	for (i = 0; i < t->kinds.n; i++) {
		if (t->kinds.v[i][0] == 'l') {
			size_t ind = strtoul(t->kinds.v[i] + 1, NULL, 10);

			tl_term_wrap(out, t->cells.v[r], width, ind, ind + 2);
			r++;
			continue;
		}
		render_row(t, out, (const char *const *)&t->cells.v[r], w,
			   shown);
		r += t->ncols;
	}
}
