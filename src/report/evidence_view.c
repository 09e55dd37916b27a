/*
 * evidence_view.c - a verdict's samples and claimed band on one axis, in
 * text and in SVG.
 *
 * Text: each side is a row of density characters (" .:-=+*#%@", scaled
 * to the row's busiest column), the band a row of '=' between its edges
 * ('<' or '>' where it is open). SVG: each sample a dot (jittered inside
 * its row), the band a shaded rectangle across every row, the median a
 * tick. Both use the same axis function.
 */
#include "report/evidence_view.h"

#include <math.h>
#include <string.h>

#include "report/html.h"
#include "base/banned.h"

struct axis {
	double lo, hi;
	int log;
};

static void widen(struct axis *a, double x, int *any)
{
	if (!isfinite(x))
		return;
	if (!*any) {
		a->lo = a->hi = x;
		*any = 1;
		return;
	}
	a->lo = fmin(a->lo, x);
	a->hi = fmax(a->hi, x);
}

/* The axis covering every sample, the medians and the band's finite edges. */
static int make_axis(const struct tl_evidence *ev, struct axis *a)
{
	int any = 0, pos = 1;
	size_t k, i;

	memset(a, 0, sizeof(*a));
	for (k = 0; k < ev->nsides; k++) {
		for (i = 0; i < ev->side[k].n; i++)
			widen(a, ev->side[k].x[i], &any);
		widen(a, ev->side[k].median, &any);
	}
	if (!any)
		return -1;
	if (ev->has_band) {
		widen(a, ev->band_lo, &any);
		widen(a, ev->band_hi, &any);
	}
	for (k = 0; k < ev->nsides; k++)
		for (i = 0; i < ev->side[k].n; i++)
			pos &= ev->side[k].x[i] > 0;
	if (ev->has_band)
		pos &= !(isfinite(ev->band_lo) && ev->band_lo <= 0) &&
		       !(isfinite(ev->band_hi) && ev->band_hi <= 0);
	a->log = pos && a->lo > 0 && a->hi / a->lo > 30;
	if (a->log) {
		a->lo /= 1.15;
		a->hi *= 1.15;
	} else {
		double span = a->hi - a->lo;

		if (!(span > 0))
			span = fabs(a->hi) > 0 ? fabs(a->hi) * 0.2 : 1;
		a->lo -= span * 0.06;
		a->hi += span * 0.06;
	}
	return 0;
}

/* x as a fraction of the axis, clamped to [0, 1]. */
static double frac(const struct axis *a, double x)
{
	double f;

	if (x == INFINITY)
		return 1;
	if (x == -INFINITY)
		return 0;
	if (a->log)
		f = x > 0 ? log(x / a->lo) / log(a->hi / a->lo) : 0;
	else
		f = (x - a->lo) / (a->hi - a->lo);
	return f < 0 ? 0 : f > 1 ? 1 : f;
}

static int col(const struct axis *a, double x, int w)
{
	int c = (int)(frac(a, x) * (w - 1) + 0.5);

	return c < 0 ? 0 : c >= w ? w - 1 : c;
}

static void label(struct tl_buf *b, const char *s, int w)
{
	tl_buf_printf(b, "  %-*.*s ", w, w, s);
}

static void text_side(struct tl_buf *b, const struct axis *a,
		      const struct tl_evidence_side *s, int w, enum tl_dim dim)
{
	static const char shades[] = " .:-=+*#%@";
	int *cnt = xcalloc((size_t)w, sizeof(int)), mx = 0, i;
	size_t k;

	for (k = 0; k < s->n; k++)
		cnt[col(a, s->x[k], w)]++;
	for (i = 0; i < w; i++)
		mx = cnt[i] > mx ? cnt[i] : mx;
	label(b, s->variant, 18);
	tl_buf_puts(b, "|");
	for (i = 0; i < w; i++) {
		int lvl = cnt[i] ? 1 + (cnt[i] * 8 + mx - 1) / mx : 0;

		tl_buf_printf(b, "%c", shades[lvl > 9 ? 9 : lvl]);
	}
	tl_buf_printf(b, "| n=%zu", s->n);
	if (isfinite(s->median)) {
		tl_buf_puts(b, " median ");
		tl_metric_fmt_value(b, s->median, dim);
	}
	tl_buf_puts(b, "\n");
	free(cnt);
}

static void text_band(struct tl_buf *b, const struct axis *a,
		      const struct tl_evidence *ev, int w)
{
	int lo = col(a, ev->band_lo, w), hi = col(a, ev->band_hi, w), i;

	label(b, "claimed band", 18);
	tl_buf_puts(b, "|");
	for (i = 0; i < w; i++) {
		char ch = ' ';

		if (i >= lo && i <= hi)
			ch = '=';
		if (i == lo)
			ch = isfinite(ev->band_lo) ? '[' : '<';
		if (i == hi)
			ch = isfinite(ev->band_hi) ? ']' : '>';
		tl_buf_printf(b, "%c", ch);
	}
	tl_buf_puts(b, "|\n");
}

void tl_evidence_text(struct tl_buf *b, const struct tl_claim *c,
		      const struct tl_evidence *ev, int width)
{
	enum tl_dim dim = c->m.kind == TL_MEASURE_RATIO
				  ? tl_metric_dim(c->m.metric, NULL)
				  : c->m.dim;
	struct tl_buf l = TL_BUF_INIT, r = TL_BUF_INIT;
	struct axis a;
	int w = width - 22 - 24;
	size_t k;

	if (!c->m.metric || make_axis(ev, &a)) {
		tl_buf_puts(b, "  (no samples to draw)\n");
		return;
	}
	if (w < 20)
		w = 20;
	for (k = 0; k < ev->nsides; k++)
		if (ev->side[k].n)
			text_side(b, &a, &ev->side[k], w, dim);
	if (ev->has_band)
		text_band(b, &a, ev, w);
	tl_metric_fmt_value(&l, a.lo, dim);
	tl_metric_fmt_value(&r, a.hi, dim);
	label(b, a.log ? "axis (log)" : "axis (linear)", 18);
	tl_buf_printf(b, "%-*s%*s\n", w / 2 + 1, tl_buf_str(&l), w - w / 2 + 1,
		      tl_buf_str(&r));
	tl_buf_release(&l);
	tl_buf_release(&r);
}

/* HTML */

#define SVG_W 560.0
#define SVG_L 130.0
#define SVG_R 12.0
#define ROW_H 22.0

static double svg_x(const struct axis *a, double x)
{
	return SVG_L + frac(a, x) * (SVG_W - SVG_L - SVG_R);
}

static void esc_value(struct tl_buf *b, double x, enum tl_dim dim)
{
	struct tl_buf t = TL_BUF_INIT;

	tl_metric_fmt_value(&t, x, dim);
	tl_html_escape(b, tl_buf_str(&t));
	tl_buf_release(&t);
}

/* A deterministic jitter in [-1, 1] for sample i (no rand()). */
static double jitter(size_t i)
{
	unsigned long h = (unsigned long)i * 2654435761u;

	return ((double)(h % 1000) / 500.0) - 1.0;
}

static void svg_rows(struct tl_buf *b, const struct axis *a,
		     const struct tl_evidence *ev, enum tl_dim dim)
{
	size_t k, i;

	for (k = 0; k < ev->nsides; k++) {
		const struct tl_evidence_side *s = &ev->side[k];
		double y = 8 + ROW_H * (double)k + ROW_H / 2;

		tl_buf_printf(b,
			      "<text x=\"4\" y=\"%.1f\" "
			      "font-size=\"11\">",
			      y + 4);
		tl_html_escape(b, s->variant);
		tl_buf_puts(b, "</text>");
		for (i = 0; i < s->n; i++)
			tl_buf_printf(b,
				      "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" "
				      "fill=\"%s\" fill-opacity=\"0.5\"/>",
				      svg_x(a, s->x[i]),
				      y + jitter(i) * ROW_H * 0.3,
				      k ? "#2a7" : "#36c");
		if (isfinite(s->median)) {
			tl_buf_printf(b,
				      "<line x1=\"%.1f\" x2=\"%.1f\" "
				      "y1=\"%.1f\" y2=\"%.1f\" stroke=\"#111\" "
				      "stroke-width=\"2\"><title>median ",
				      svg_x(a, s->median), svg_x(a, s->median),
				      y - ROW_H * 0.4, y + ROW_H * 0.4);
			esc_value(b, s->median, dim);
			tl_buf_puts(b, "</title></line>");
		}
	}
}

static void svg_strip(struct tl_buf *b, const struct tl_claim *c,
		      const struct tl_evidence *ev, enum tl_dim dim)
{
	double h = 8 + ROW_H * (double)ev->nsides + 22;
	struct axis a;

	if (!c->m.metric || make_axis(ev, &a))
		return;
	tl_buf_printf(b,
		      "<svg class=\"evidence\" width=\"%.0f\" height=\"%.0f\" "
		      "viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		      "aria-label=\"samples per variant against the claimed "
		      "band\">",
		      SVG_W, h, SVG_W, h);
	if (ev->has_band) {
		double x0 = svg_x(&a, ev->band_lo), x1 = svg_x(&a, ev->band_hi);

		tl_buf_printf(b,
			      "<rect x=\"%.1f\" y=\"4\" width=\"%.1f\" "
			      "height=\"%.1f\" fill=\"#cfe3ff\">"
			      "<title>claimed band</title></rect>",
			      x0, fmax(1, x1 - x0), ROW_H * ev->nsides + 8);
	}
	svg_rows(b, &a, ev, dim);
	tl_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">", SVG_L,
		      h - 6);
	esc_value(b, a.lo, dim);
	tl_buf_printf(b,
		      "</text><text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		      "text-anchor=\"middle\">%s</text>",
		      (SVG_L + SVG_W) / 2, h - 6, a.log ? "log axis" : "");
	tl_buf_printf(b,
		      "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		      "text-anchor=\"end\">",
		      SVG_W - SVG_R, h - 6);
	esc_value(b, a.hi, dim);
	tl_buf_puts(b, "</text></svg>");
}

static void html_side_row(struct tl_buf *b, const struct tl_evidence_side *s,
			  enum tl_dim dim)
{
	tl_buf_puts(b, "<tr><td><code>");
	tl_html_escape(b, s->variant);
	tl_buf_puts(b, "</code></td><td>");
	tl_html_escape(b, s->params ? s->params : "");
	tl_buf_puts(b, "</td><td>");
	if (s->why)
		tl_html_escape(b, s->why);
	else if (s->fact)
		tl_html_escape(b, s->fact);
	else if (isfinite(s->median))
		esc_value(b, s->median, dim);
	tl_buf_printf(b, "</td><td>%zu</td><td>", s->n);
	tl_html_escape(b, s->source ? s->source : "");
	tl_buf_puts(b, "</td><td>");
	tl_html_escape(b, s->build ? s->build : "");
	tl_buf_puts(b, "</td></tr>");
}

void tl_evidence_html(struct tl_buf *b, const struct tl_claim *c,
		      const struct tl_verdict *v, const struct tl_evidence *ev)
{
	enum tl_dim dim = c->m.kind == TL_MEASURE_RATIO && c->m.metric
				  ? tl_metric_dim(c->m.metric, NULL)
				  : c->m.dim;
	const char *hint = tl_evidence_testable_on(v->reason);
	double more = tl_evidence_samples_to_decide(c, v);
	size_t k;

	tl_buf_puts(b, "<section class=\"evidence\"><h4>evidence: the samples "
		       "of every side, the claimed band shaded</h4>");
	svg_strip(b, c, ev, dim);
	tl_buf_puts(b, "<table class=\"evidence\"><tr><th>variant</th>"
		       "<th>case</th><th>median / fact</th><th>n</th>"
		       "<th>source</th><th>build</th></tr>");
	for (k = 0; k < ev->nsides; k++)
		html_side_row(b, &ev->side[k], dim);
	tl_buf_puts(b, "</table><p class=\"note\">");
	if (ev->toolchains) {
		tl_buf_puts(b, "toolchains: ");
		tl_html_escape(b, ev->toolchains);
	}
	if (ev->conditions) {
		tl_buf_puts(b, "; run: ");
		tl_html_escape(b, ev->conditions);
	}
	tl_buf_puts(b, "</p>");
	if (more > 0 && isfinite(more))
		tl_buf_printf(b,
			      "<p>About %.0f samples per side would likely "
			      "decide it (now %zu).</p>",
			      more, v->n[0]);
	else if (more == INFINITY)
		tl_buf_puts(b, "<p>The estimate sits on a bound of the claimed "
			       "region: more samples will likely not decide "
			       "it.</p>");
	if (v->kind == TL_VERDICT_UNTESTABLE && hint) {
		tl_buf_puts(b, "<p>Testable on: ");
		tl_html_escape(b, hint);
		tl_buf_puts(b, "</p>");
	}
	tl_buf_puts(b, "</section>");
}
