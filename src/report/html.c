/*
 * html.c - HTML escaping, shared by the report and the evidence view.
 */
#include "report/html.h"

#include "base/banned.h"

void tl_html_escape(struct tl_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			tl_buf_puts(b, "&amp;");
			break;
		case '<':
			tl_buf_puts(b, "&lt;");
			break;
		case '>':
			tl_buf_puts(b, "&gt;");
			break;
		case '"':
			tl_buf_puts(b, "&quot;");
			break;
		case '\'':
			tl_buf_puts(b, "&#39;");
			break;
		default:
			tl_buf_append(b, s, 1);
		}
	}
}
