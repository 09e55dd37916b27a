/*
 * evidence_view.h - draws a verdict's evidence (analyze/evidence.h): the
 * samples of every side as a distribution on one axis, the claimed band
 * on the same axis, and the figures that decide it. As terminal text
 * (`traplab explain`) and as an HTML section with an inline SVG (the
 * report places it where its layout wants).
 *
 * The axis is logarithmic when the values span more than a factor of 30
 * and are all positive, linear otherwise.
 */
#ifndef TL_EVIDENCE_VIEW_H
#define TL_EVIDENCE_VIEW_H

#include "analyze/evidence.h"
#include "base/util.h"

/*
 * The distribution strip in text, `width` columns wide in all (>= 40):
 * one row per side (a density of its samples), a row for the claimed
 * band, and the axis ends.
 */
void tl_evidence_text(struct tl_buf *b, const struct tl_claim *c,
		      const struct tl_evidence *ev, int width);

/*
 * The evidence section of one claim as HTML (a <section> holding an SVG
 * strip per side with the band, and a table of the sides: case, n,
 * median, source, build). Self-contained: no script, no external file.
 */
void tl_evidence_html(struct tl_buf *b, const struct tl_claim *c,
		      const struct tl_verdict *v, const struct tl_evidence *ev);

#endif
