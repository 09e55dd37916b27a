/*
 * term.h - what a table printer needs to know about the terminal: its
 * width and whether to colour.
 *
 * Width: --wide (no limit) wins, then $COLUMNS, then the TTY's width
 * (TIOCGWINSZ), else 80: a CI log or a pipe gets tables that fit the
 * narrowest common terminal. Colour: --color=always|never|auto; auto
 * colours only a TTY, and never when $NO_COLOR is set and not empty
 * (https://no-color.org) or TERM is "dumb".
 */
#ifndef TL_TERM_H
#define TL_TERM_H

#include <stddef.h>

#include "base/util.h"

enum tl_color_mode { TL_COLOR_AUTO, TL_COLOR_ALWAYS, TL_COLOR_NEVER };

/* 0, or -EINVAL for a word other than auto, always, never. */
int tl_term_color_parse(const char *s, enum tl_color_mode *out);

/* Sets the process-wide choices (from --color and --wide). */
void tl_term_set(enum tl_color_mode color, int wide);

/* Columns for tables written to fd; SIZE_MAX with --wide. */
size_t tl_term_width(int fd);

/* Whether output to fd is coloured. */
int tl_term_color(int fd);

/* The SGR colours used: verdicts and changes, one meaning each. */
#define TL_SGR_GOOD "32" /* green: HOLDS, pass, improvement */
#define TL_SGR_BAD  "31" /* red: REFUTED, fail, regression */
#define TL_SGR_WARN "33" /* yellow: INCONCLUSIVE, unclear */
#define TL_SGR_DIM  "2"	 /* faint: UNTESTABLE, skipped, missing */

/*
 * Appends s to b, wrapped in the SGR code when on is set. The text
 * width is that of s either way (escape codes take no columns).
 */
void tl_term_paint(struct tl_buf *b, int on, const char *sgr, const char *s);

/* The number of columns s takes (UTF-8 code points; escapes skipped). */
size_t tl_term_cols(const char *s);

/*
 * Appends text wrapped at word boundaries to lines of at most width
 * columns, the first after first_indent spaces, the others after
 * indent. A word longer than the line is split.
 */
void tl_term_wrap(struct tl_buf *out, const char *text, size_t width,
		  size_t first_indent, size_t indent);

/*
 * A "traplab: ..." note on stderr, wrapped to the width of stderr (at
 * most 200 columns; --wide too), continuation lines indented by two.
 */
void tl_term_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
