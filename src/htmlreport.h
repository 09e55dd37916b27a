/*
 * htmlreport.h - one self-contained HTML page of a claims run: the
 * machine and toolchains, the verdict table, and per article section the
 * claims with their evidence and one SVG chart per experiment (every
 * variant's median with its CI, per case). Inline CSS and SVG only: no
 * script, no external resource, so the page opens anywhere and renders
 * the same in a headless browser.
 */
#ifndef TL_HTMLREPORT_H
#define TL_HTMLREPORT_H

#include <jansson.h>
#include <stddef.h>

#include "claims.h"
#include "util.h"
#include "verdict.h"

/* Appends the page to out; arguments as tl_mdreport_render(). */
void tl_htmlreport_render(struct tl_buf *out, const struct tl_claimset *cs,
			  const struct tl_verdict *v, json_t *const *runs,
			  size_t nruns, const struct tl_verdict_opts *o,
			  size_t m);

/* Appends s with & < > " ' escaped. */
void tl_html_escape(struct tl_buf *b, const char *s);

#endif
