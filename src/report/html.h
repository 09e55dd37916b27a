/*
 * html.h - what every HTML writer shares: escaping text for element
 * content and quoted attribute values.
 */
#ifndef TL_HTML_H
#define TL_HTML_H

#include "base/util.h"

/* Appends s with & < > " ' escaped (NULL appends nothing). */
void tl_html_escape(struct tl_buf *b, const char *s);

#endif
