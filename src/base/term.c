/*
 * term.c - terminal width and colour choices (term.h).
 *
 * The choices are process-wide because every table of one command
 * shares them; they are set once by the command's argument parsing
 * before any output, so no locking is needed.
 */
#include "base/term.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/banned.h"

static enum tl_color_mode color_mode = TL_COLOR_AUTO;
static int wide_mode;

int tl_term_color_parse(const char *s, enum tl_color_mode *out)
{
	if (!strcmp(s, "auto"))
		*out = TL_COLOR_AUTO;
	else if (!strcmp(s, "always"))
		*out = TL_COLOR_ALWAYS;
	else if (!strcmp(s, "never"))
		*out = TL_COLOR_NEVER;
	else
		return -EINVAL;
	return 0;
}

void tl_term_set(enum tl_color_mode color, int wide)
{
	color_mode = color;
	wide_mode = wide;
}

size_t tl_term_width(int fd)
{
	const char *c = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	long n;

	if (wide_mode)
		return SIZE_MAX;
	if (c && *c) {
		n = strtol(c, &end, 10);
		if (!*end && n >= 20)
			return (size_t)n;
	}
	if (isatty(fd) && !ioctl(fd, TIOCGWINSZ, &ws) && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

int tl_term_color(int fd)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (color_mode != TL_COLOR_AUTO)
		return color_mode == TL_COLOR_ALWAYS;
	if (no && *no)
		return 0;
	if (term && !strcmp(term, "dumb"))
		return 0;
	return isatty(fd);
}

void tl_term_paint(struct tl_buf *b, int on, const char *sgr, const char *s)
{
	if (on)
		tl_buf_printf(b, "\033[%sm%s\033[0m", sgr, s);
	else
		tl_buf_puts(b, s);
}

size_t tl_term_cols(const char *s)
{
	size_t n = 0;

	while (*s) {
		if (*s == '\033') {
			s++;
			if (*s == '[')
				while (*++s && !(*s >= '@' && *s <= '~'))
					;
			if (*s)
				s++;
			continue;
		}
		n += ((unsigned char)*s & 0xc0) != 0x80;
		s++;
	}
	return n;
}
