/*
 * term.c - terminal width and colour choices (term.h).
 *
 * The choices are process-wide because every table of one command
 * shares them; they are set once by the command's argument parsing
 * before any output, so no locking is needed.
 */
#include "base/term.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
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

/* Bytes of s that take at most cols columns (UTF-8 aware). */
static size_t bytes_for(const char *s, size_t cols)
{
	size_t b = 0, c = 0;

	while (s[b]) {
		size_t n = 1;

		while ((s[b + n] & 0xc0) == 0x80)
			n++;
		if (c + 1 > cols)
			break;
		b += n;
		c++;
	}
	return b;
}

void tl_term_wrap(struct tl_buf *out, const char *text, size_t width,
		  size_t first_indent, size_t indent)
{
	size_t ind = first_indent, room, used, wl, nb;
	const char *p = text;

	while (*p) {
		for (size_t i = 0; i < ind; i++)
			tl_buf_puts(out, " ");
		room = width > ind + 8 ? width - ind : 8;
		used = 0;
		while (*p == ' ')
			p++;
		while (*p) {
			const char *w = p;

			while (*p && *p != ' ')
				p++;
			{
				char *word = xstrndup(w, (size_t)(p - w));

				wl = tl_term_cols(word);
				if (used && used + 1 + wl > room) {
					free(word);
					p = w;
					break;
				}
				if (!used && wl > room) {
					nb = bytes_for(w, room);
					tl_buf_append(out, w, nb);
					p = w + nb;
					free(word);
					used = room;
					break;
				}
				if (used)
					tl_buf_puts(out, " ");
				tl_buf_puts(out, word);
				used += (used ? 1 : 0) + wl;
				free(word);
			}
			while (*p == ' ')
				p++;
		}
		tl_buf_puts(out, "\n");
		ind = indent;
	}
	if (!*text)
		tl_buf_puts(out, "\n");
}

void tl_term_say(const char *fmt, ...)
{
	struct tl_buf msg = TL_BUF_INIT, out = TL_BUF_INIT;
	size_t w = tl_term_width(2);
	va_list ap;

	tl_buf_puts(&msg, "traplab: ");
	va_start(ap, fmt);
	tl_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	tl_term_wrap(&out, msg.s, w > 200 ? 200 : w, 0, 2);
	fputs(out.s, stderr);
	tl_buf_release(&msg);
	tl_buf_release(&out);
}
