/*
 * htmlreport.c - the claims report as one self-contained HTML page.
 *
 * Layout: header (machine, toolchains, run, method), the verdict table,
 * then one part per article section holding its claims (each with a strip
 * chart placing the measured CI against the claimed region) and a chart
 * per experiment answering that section (every variant's median and CI per
 * case, log scale when the values span more than 30x).
 *
 * Everything is inline (CSS in <style>, charts as <svg>), no script: the
 * page must render offline and without console errors in a headless
 * browser (tests/e2e/t0710-html.sh checks it in Chromium).
 */
#include "report/htmlreport.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cli.h"
#include "measure/metric.h"
#include "report/html.h"
#include "report/mdreport.h"
#include "report/verdictcols.h"
#include "report/evidence_view.h"
#include "base/banned.h"

static const char css[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:"
	"1100px;padding:1em 2em;color:#222;background:#fff;"
	"overflow-wrap:anywhere}"
	"svg{max-width:100%;height:auto}"
	".legend{border:1px solid #ddd;border-radius:6px;padding:.4em 1em}"
	".legend dd{margin-bottom:.3em}"
	"h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;margin-top:2em}"
	"table{border-collapse:collapse;width:100%;font-size:13px}"
	"th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;"
	"vertical-align:top}th{background:#f4f4f4}"
	".v{font-weight:bold;white-space:nowrap;padding:1px 6px;"
	"border-radius:3px}"
	".HOLDS{background:#d7f5d7;color:#135e13}"
	".REFUTED{background:#fbd9d9;color:#8a1111}"
	".INCONCLUSIVE{background:#fff1c2;color:#6b5200}"
	".UNTESTABLE{background:#e6e6e6;color:#444}"
	".card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;"
	"margin:.8em 0}.card h3{margin:.2em 0;font-size:1.05em}"
	".mono,code{font-family:ui-monospace,monospace;font-size:12px}"
	".note{color:#555;font-size:12px}.sim{color:#7a3e9d}"
	"dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;"
	"margin:.4em 0}dt{color:#666}dd{margin:0}"
	"svg text{font:11px system-ui,sans-serif;fill:#333}"
	".summary span{margin-right:1em}"
	"@media (max-width:600px){body{padding:.5em .7em}"
	".verdicts td:nth-child(2),.verdicts th:nth-child(2),"
	".verdicts td:nth-child(4),.verdicts th:nth-child(4)"
	"{display:none}dl{grid-template-columns:auto}dd{margin-left:1em}}";

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void esc_value(struct tl_buf *b, double x, enum tl_dim dim)
{
	struct tl_buf t = TL_BUF_INIT;

	tl_metric_fmt_value(&t, x, dim);
	tl_html_escape(b, tl_buf_str(&t));
	tl_buf_release(&t);
}

/* A tick step of 1, 2 or 5 times a power of ten, about span / 4. */
static double nice_step(double span)
{
	double p = pow(10, floor(log10(span / 4))), f = span / 4 / p;

	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

struct strip_axis {
	double lo, hi; /* in axis space (log10 of the value when log) */
	int log;
};

static double strip_x(const struct strip_axis *a, double v, double W, double L,
		      double R)
{
	double x = a->log ? log10(v) : v;

	return L + (x - a->lo) / (a->hi - a->lo) * (W - L - R);
}

/* Ticks under the strip: decades on a log axis, 1-2-5 steps otherwise. */
static void strip_ticks(struct tl_buf *b, const struct strip_axis *a,
			enum tl_dim dim, double W, double L, double R)
{
	double step = a->log ? 1 : nice_step(a->hi - a->lo), t, x;
	int n = 0;

	for (t = ceil(a->lo / step) * step; t <= a->hi && n < 12;
	     t += step, n++) {
		double v = a->log ? pow(10, t) : t;

		x = L + (t - a->lo) / (a->hi - a->lo) * (W - L - R);
		tl_buf_printf(b,
			      "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"24\" "
			      "y2=\"28\" stroke=\"#888\"/><text x=\"%.1f\" "
			      "y=\"40\" text-anchor=\"middle\">",
			      x, x, x);
		esc_value(b, fabs(v) < step * 1e-9 ? 0 : v, dim);
		tl_buf_puts(b, "</text>");
	}
}

/*
 * A strip chart: on one labelled axis (log when the values span more
 * than 30x), the claimed region shaded, the measured interval as a bar
 * and the median as a dot. The legend at the top of the page says so.
 */
static void claim_strip(struct tl_buf *b, const struct tl_claim *c,
			const struct tl_verdict *v)
{
	const double W = 520, H = 58, L = 16, R = 16;
	struct strip_axis a;
	double lo, hi, span, rlo, rhi;

	if (!v->has_ci || !isfinite(v->ci.lo) || !isfinite(v->ci.hi))
		return;
	lo = fmin(v->ci.lo, v->ci.point);
	hi = fmax(v->ci.hi, v->ci.point);
	if (isfinite(c->p.lo)) {
		lo = fmin(lo, c->p.lo);
		hi = fmax(hi, c->p.lo);
	}
	if (isfinite(c->p.hi)) {
		lo = fmin(lo, c->p.hi);
		hi = fmax(hi, c->p.hi);
	}
	a.log = lo > 0 && hi / lo > 30;
	if (a.log) {
		a.lo = log10(lo) - 0.15;
		a.hi = log10(hi) + 0.15;
	} else {
		span = hi - lo;
		if (!(span > 0))
			span = fabs(hi) > 0 ? fabs(hi) : 1;
		a.lo = lo - span * 0.08;
		a.hi = hi + span * 0.08;
	}
#define XPOS(x) strip_x(&a, (x), W, L, R)
	rlo = isfinite(c->p.lo) ? c->p.lo : (a.log ? pow(10, a.lo) : a.lo);
	rhi = isfinite(c->p.hi) ? c->p.hi : (a.log ? pow(10, a.hi) : a.hi);
	tl_buf_printf(b,
		      "<svg width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f "
		      "%.0f\" role=\"img\" aria-label=\"measured interval "
		      "against the claimed range\">",
		      W, H, W, H);
	tl_buf_printf(b,
		      "<rect x=\"%.1f\" y=\"4\" width=\"%.1f\" height=\"16\" "
		      "fill=\"#cfe3ff\"><title>claimed</title></rect>",
		      XPOS(rlo), fmax(1, XPOS(rhi) - XPOS(rlo)));
	tl_buf_printf(b,
		      "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"12\" y2=\"12\" "
		      "stroke=\"#222\" stroke-width=\"3\"/>"
		      "<circle cx=\"%.1f\" cy=\"12\" r=\"4\" fill=\"#d33\"/>",
		      XPOS(v->ci.lo), fmax(XPOS(v->ci.hi), XPOS(v->ci.lo) + 1),
		      XPOS(v->ci.point));
	tl_buf_printf(b,
		      "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"24\" y2=\"24\" "
		      "stroke=\"#888\"/>",
		      L, W - R);
	strip_ticks(b, &a, c->m.dim, W, L, R);
	tl_buf_printf(b, "<text x=\"%.0f\" y=\"54\">", L);
	tl_html_escape(b, c->m.metric ? c->m.metric : "value");
	if (c->m.kind == TL_MEASURE_RATIO)
		tl_buf_puts(b, " (ratio of medians)");
	else if (c->m.kind == TL_MEASURE_DIFF)
		tl_buf_puts(b, " (difference of medians)");
	if (a.log)
		tl_buf_puts(b, ", log scale");
	tl_buf_puts(b, "</text></svg>");
#undef XPOS
}

static void claim_card(struct tl_buf *b, const struct tl_claim *c,
		       const struct tl_verdict *v, json_t *const *runs,
		       size_t nruns)
{
	struct tl_evidence ev;
	struct tl_buf t = TL_BUF_INIT;
	size_t k;

	tl_buf_puts(b, "<div class=\"card\" id=\"");
	tl_html_escape(b, c->id);
	tl_buf_puts(b, "\"><h3><span class=\"v ");
	tl_buf_printf(b, "%s\">%s</span> <code>", tl_verdict_name(v->kind),
		      tl_verdict_name(v->kind));
	tl_html_escape(b, c->id);
	tl_buf_puts(b, "</code></h3><p>");
	tl_html_escape(b, c->text);
	tl_buf_puts(b, "</p><dl>");
	if (c->quantity) {
		tl_buf_puts(b, "<dt>quantity</dt><dd>");
		tl_html_escape(b, c->quantity);
		tl_buf_puts(b, "</dd>");
	}
	tl_buf_puts(b, "<dt>claimed</dt><dd>");
	tl_html_escape(b, c->claimed);
	tl_buf_puts(b, "</dd><dt>measure</dt><dd class=\"mono\">");
	tl_claims_fmt_measure(&t, &c->m);
	tl_html_escape(b, tl_buf_str(&t));
	t.len = 0;
	tl_buf_puts(b, "</dd><dt>predicate</dt><dd class=\"mono\">");
	tl_claims_fmt_pred(&t, c);
	tl_html_escape(b, tl_buf_str(&t));
	t.len = 0;
	tl_buf_puts(b, "</dd><dt>measured</dt><dd>");
	tl_verdict_fmt_measured(&t, c, v);
	tl_html_escape(b, tl_buf_str(&t));
	if (v->has_ci && !v->exact)
		tl_buf_printf(b, " <span class=\"note\">(n=%zu", v->n[0]);
	if (v->has_ci && !v->exact &&
	    (c->m.kind == TL_MEASURE_RATIO || c->m.kind == TL_MEASURE_DIFF))
		tl_buf_printf(b, "/%zu", v->n[1]);
	if (v->has_ci && !v->exact)
		tl_buf_printf(b, ", p=%.3g, adjusted %.3g)</span>", v->p,
			      v->p_adj);
	if (v->source) {
		tl_buf_puts(b, " <span class=\"note\">source ");
		tl_html_escape(b, v->source);
		tl_buf_puts(b, "</span>");
	}
	tl_buf_puts(b, "</dd>");
	if (c->nneeds) {
		tl_buf_puts(b, "<dt>needs</dt><dd>");
		for (k = 0; k < c->nneeds; k++) {
			tl_buf_printf(b, "%s%s", k ? ", " : "",
				      tl_need_name(c->needs[k].kind));
			if (c->needs[k].feature) {
				tl_buf_puts(b, ":");
				tl_html_escape(b, c->needs[k].feature);
			}
		}
		tl_buf_puts(b, "</dd>");
	}
	if (v->reason) {
		tl_buf_puts(b, "<dt>why untestable</dt><dd>");
		tl_html_escape(b, v->reason);
		tl_buf_puts(b, "</dd>");
	}
	if (v->notes) {
		tl_buf_printf(b, "<dt>caveats</dt><dd class=\"%s\">",
			      v->simulated ? "sim" : "note");
		tl_html_escape(b, v->notes);
		tl_buf_puts(b, "</dd>");
	}
	if (c->note) {
		tl_buf_puts(b, "<dt>remark</dt><dd class=\"note\">");
		tl_html_escape(b, c->note);
		tl_buf_puts(b, "</dd>");
	}
	tl_buf_puts(b, "</dl>");
	claim_strip(b, c, v);
	tl_evidence_gather(c, runs, nruns, &ev);
	tl_evidence_html(b, c, v, &ev);
	tl_evidence_release(&ev);
	tl_buf_puts(b, "</div>\n");
	tl_buf_release(&t);
}

/* The metric a chart of this experiment shows. */
static const char *chart_metric(json_t *exp)
{
	static const char *const prefs[] = {"ns_per_op", "wall_ns", NULL};
	json_t *cs, *v;
	size_t i, k, q;

	for (q = 0; prefs[q]; q++)
		json_array_foreach(json_object_get(exp, "cases"), i, cs)
		{
			json_array_foreach(json_object_get(cs, "variants"), k,
					   v)
			{
				if (json_object_get(
					    json_object_get(v, "metrics"),
					    prefs[q]))
					return prefs[q];
			}
		}
	return NULL;
}

struct row {
	char *label;
	double med, lo, hi;
	const char *status; /* not ok: no bar, the status instead */
};

static void case_label(struct tl_buf *b, json_t *cs)
{
	json_t *val;
	const char *key;
	int first = 1;

	json_object_foreach(json_object_get(cs, "params"), key, val)
	{
		tl_buf_printf(b, "%s%s=", first ? " [" : ",", key);
		if (json_is_string(val))
			tl_buf_puts(b, json_string_value(val));
		else if (json_is_number(val))
			tl_buf_printf(b, "%g", json_number_value(val));
		first = 0;
	}
	if (!first)
		tl_buf_puts(b, "]");
}

static void experiment_chart(struct tl_buf *b, json_t *exp)
{
	const char *metric = chart_metric(exp), *name = str(exp, "name");
	struct row *rows = NULL;
	size_t nrows = 0, nbars = 0, bar, i, k;
	json_t *cs, *v;
	double vmin = INFINITY, vmax = -INFINITY, W = 760, L = 300, R = 80;
	double lmin, lmax;
	struct tl_metric info;
	enum tl_dim dim;
	double f;
	int logscale;

	if (!metric || !name)
		return;
	dim = tl_metric_dim(metric, NULL);
	json_array_foreach(json_object_get(exp, "cases"), i, cs)
	{
		json_array_foreach(json_object_get(cs, "variants"), k, v)
		{
			json_t *m = json_object_get(
				json_object_get(v, "metrics"), metric);
			json_t *ci = json_object_get(m, "ci95");
			struct tl_buf lab = TL_BUF_INIT;
			struct row *r;

			rows = xrealloc(rows, (nrows + 1) * sizeof(*rows));
			r = &rows[nrows++];
			tl_buf_puts(&lab,
				    str(v, "name") ? str(v, "name") : "?");
			case_label(&lab, cs);
			r->label = xstrdup(tl_buf_str(&lab));
			tl_buf_release(&lab);
			r->status = NULL;
			/* In base units: the unit the results stored wins. */
			tl_metric_describe(metric, str(m, "unit"), &info);
			f = tl_metric_base_factor(&info);
			dim = info.dim;
			r->med = f * json_number_value(
					     json_object_get(m, "median"));
			r->lo = f * json_number_value(json_array_get(ci, 0));
			r->hi = f * json_number_value(json_array_get(ci, 1));
			if (!m || !(r->med > 0)) {
				r->status = str(v, "status");
				if (!r->status || !strcmp(r->status, "ok"))
					r->status = "no figure";
				continue;
			}
			if (!(r->lo > 0) || json_array_size(ci) != 2)
				r->lo = r->med;
			if (!(r->hi >= r->med) || json_array_size(ci) != 2)
				r->hi = r->med;
			vmin = fmin(vmin, r->lo);
			vmax = fmax(vmax, r->hi);
			nbars++;
		}
	}
	tl_buf_puts(b, "<figure><figcaption><b>");
	tl_html_escape(b, name);
	tl_buf_puts(b, "</b>: ");
	tl_html_escape(b, metric);
	tl_buf_puts(b, ", median and its interval per variant");
	if (!(vmax > 0)) {
		tl_buf_puts(b, " (no figures in this run)</figcaption>");
		goto out;
	}
	logscale = vmax / vmin > 30;
	if (logscale)
		tl_buf_puts(b, ", log scale");
	tl_buf_puts(b, "</figcaption>");
	lmin = logscale ? log10(vmin) - 0.1 : 0;
	lmax = logscale ? log10(vmax) + 0.1 : vmax * 1.05;
	tl_buf_printf(b,
		      "<svg width=\"%.0f\" height=\"%zu\" viewBox=\"0 0 %.0f "
		      "%zu\" role=\"img\" aria-label=\"chart of %s\">",
		      W, nbars * 20 + 24, W, nbars * 20 + 24, name);
#define XPOS(x)                                                                \
	(L + ((logscale ? log10(x) : (x)) - lmin) / (lmax - lmin) * (W - L - R))
	for (i = 0, bar = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		double y = (double)bar * 20 + 4;

		if (r->status)
			continue; /* listed under the chart, not as a bar */
		bar++;

		tl_buf_printf(b,
			      "<text x=\"%.0f\" y=\"%.1f\" "
			      "text-anchor=\"end\">",
			      L - 6, y + 12);
		tl_html_escape(b, r->label);
		tl_buf_puts(b, "</text>");
		tl_buf_printf(b,
			      "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" "
			      "height=\"12\" fill=\"#8fb8e8\"><title>",
			      L, y + 2, fmax(1, XPOS(r->med) - L));
		tl_html_escape(b, r->label);
		tl_buf_puts(b, ": ");
		esc_value(b, r->med, dim);
		tl_buf_printf(b,
			      "</title></rect><line x1=\"%.1f\" x2=\"%.1f\" "
			      "y1=\"%.1f\" y2=\"%.1f\" stroke=\"#123\" "
			      "stroke-width=\"2\"/>",
			      XPOS(r->lo), XPOS(r->hi), y + 8, y + 8);
		tl_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">",
			      XPOS(r->hi) + 4, y + 12);
		esc_value(b, r->med, dim);
		tl_buf_puts(b, "</text>");
	}
#undef XPOS
	tl_buf_puts(b, "</svg>");
	for (i = 0, k = 0; i < nrows; i++) {
		if (!rows[i].status)
			continue;
		tl_buf_puts(b, k++ ? "; "
				   : "<p class=\"note\">not in the "
				     "chart: ");
		tl_html_escape(b, rows[i].label);
		tl_buf_puts(b, " (");
		tl_html_escape(b, rows[i].status);
		tl_buf_puts(b, ")");
	}
	if (k)
		tl_buf_puts(b, "</p>");
out:
	tl_buf_puts(b, "</figure>\n");
	for (i = 0; i < nrows; i++)
		free(rows[i].label);
	free(rows);
}

/*
 * A path for the page, which travels: under the project root, relative to
 * it; elsewhere, the file's name alone.
 */
static const char *relative(const char *path)
{
	const char *root = tl_cli_root();
	size_t n = strlen(root);

	const char *slash;

	if (!path)
		return "";
	if (!strncmp(path, root, n) && path[n] == '/')
		return path + n + 1;
	slash = strrchr(path, '/');
	return path[0] == '/' && slash ? slash + 1 : path;
}

/*
 * The legend, at the top: what each verdict means exactly (the verdict
 * module's own words) and the one confidence level every interval of the
 * verdicts is read at.
 */
static void legend(struct tl_buf *b, const struct tl_verdict_opts *o, size_t m)
{
	int k;

	tl_buf_puts(b, "<dl class=\"legend\">");
	for (k = 0; k < TL_VERDICT_COUNT_; k++) {
		tl_buf_printf(b, "<dt><span class=\"v %s\">%s</span></dt><dd>",
			      tl_verdict_name((enum tl_verdict_kind)k),
			      tl_verdict_name((enum tl_verdict_kind)k));
		tl_html_escape(b, tl_verdict_meaning((enum tl_verdict_kind)k));
		tl_buf_puts(b, "</dd>");
	}
	tl_buf_printf(b,
		      "<dt>intervals</dt><dd>every interval of a verdict is "
		      "read at family-wise %.3g%% confidence: the %zu "
		      "numeric claims are widened together (%s), so no more "
		      "than %.3g%% of all of them miss by chance. Charts of "
		      "whole experiments show plain 95%% intervals. In each "
		      "claim's strip the shaded band is the claimed region, "
		      "the black bar the measured interval and the red dot "
		      "the median.</dd>",
		      100 * (1 - o->alpha), m, tl_adjust_name(o->adjust),
		      100 * o->alpha);
	tl_buf_puts(b, "</dl>\n");
}

/* Sections in natural order ("1.3" < "2.1" < "2.10"). */
static int section_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	return strverscmp(x, y);
}

/*
 * Column k of claim c as an HTML cell's content: the id links to its
 * evidence, the verdict is a badge with its reason (or "simulated
 * counters") under it.
 */
static void html_col(struct tl_buf *b, enum tl_verdictcol k,
		     const struct tl_claim *c, const struct tl_verdict *v)
{
	struct tl_buf t = TL_BUF_INIT;

	tl_verdictcols_cell(&t, k, c, v);
	if (k == TL_VCOL_ID) {
		tl_buf_puts(b, "<a href=\"#");
		tl_html_escape(b, c->id);
		tl_buf_puts(b, "\"><code>");
		tl_html_escape(b, tl_buf_str(&t));
		tl_buf_puts(b, "</code></a>");
	} else if (k == TL_VCOL_VERDICT) {
		tl_buf_printf(b, "<span class=\"v %s\">%s</span>",
			      tl_buf_str(&t), tl_buf_str(&t));
		if (v->reason) {
			tl_buf_puts(b, "<br><span class=\"note\">");
			tl_html_escape(b, v->reason);
			tl_buf_puts(b, "</span>");
		} else if (v->simulated) {
			tl_buf_puts(b, "<br><span class=\"sim\">simulated "
				       "counters</span>");
		}
	} else {
		tl_html_escape(b, tl_buf_str(&t));
	}
	tl_buf_release(&t);
}

static void verdict_table(struct tl_buf *b, const struct tl_claimset *cs,
			  const struct tl_verdict *v)
{
	enum tl_verdictcol k;
	size_t i;

	tl_buf_puts(b, "<table class=\"verdicts\"><tr>");
	for (k = 0; k < TL_VCOL_COUNT_; k++) {
		tl_buf_puts(b, "<th>");
		tl_html_escape(b, tl_verdictcols[k].doc_head);
		tl_buf_puts(b, "</th>");
	}
	tl_buf_puts(b, "</tr>\n");
	for (i = 0; i < cs->nclaims; i++) {
		tl_buf_puts(b, "<tr>");
		for (k = 0; k < TL_VCOL_COUNT_; k++) {
			tl_buf_puts(b, "<td>");
			html_col(b, k, &cs->claims[i], &v[i]);
			tl_buf_puts(b, "</td>");
		}
		tl_buf_puts(b, "</tr>\n");
	}
	tl_buf_puts(b, "</table>\n");
}

/* Does any claim of section sec measure experiment name? */
static int section_uses(const struct tl_claimset *cs, const char *sec,
			const char *name)
{
	size_t i;

	for (i = 0; i < cs->nclaims; i++)
		if (!strcmp(cs->claims[i].section, sec) &&
		    cs->claims[i].m.experiment &&
		    !strcmp(cs->claims[i].m.experiment, name))
			return 1;
	return 0;
}

static int any_section_uses(const struct tl_claimset *cs, const char *name)
{
	size_t i;

	for (i = 0; i < cs->nclaims; i++)
		if (cs->claims[i].m.experiment &&
		    !strcmp(cs->claims[i].m.experiment, name))
			return 1;
	return 0;
}

/* The first section of the claim set that uses name (charts go there). */
static const char *home_section(const struct tl_strv *secs,
				const struct tl_claimset *cs, const char *name)
{
	size_t i;

	for (i = 0; i < secs->n; i++)
		if (section_uses(cs, secs->v[i], name))
			return secs->v[i];
	return NULL;
}

static void charts_for(struct tl_buf *b, const struct tl_strv *secs,
		       const struct tl_claimset *cs, json_t *const *runs,
		       size_t nruns, const char *sec)
{
	struct tl_strv seen = TL_STRV_INIT;
	size_t r, i;
	json_t *e;

	for (r = 0; r < nruns; r++)
		json_array_foreach(json_object_get(runs[r], "experiments"), i,
				   e)
		{
			const char *name = str(e, "name"), *home;

			if (!name || tl_strv_has(&seen, name))
				continue;
			home = home_section(secs, cs, name);
			if (sec ? !home || strcmp(home, sec)
				: any_section_uses(cs, name))
				continue;
			tl_strv_push(&seen, name);
			experiment_chart(b, e);
		}
	tl_strv_release(&seen);
}

/* The claims x machines table: one verdict badge per cell. */
static void matrix_table(struct tl_buf *out, const struct tl_claimset *cs,
			 const struct tl_verdict_matrix *mx)
{
	size_t i, k;

	tl_buf_puts(out, "<h2>Verdicts across machines</h2>\n<dl>");
	for (k = 0; k < mx->n; k++) {
		tl_buf_printf(out, "<dt>M%zu</dt><dd>", k + 1);
		tl_html_escape(out, mx->labels[k]);
		tl_buf_puts(out, " <span class=\"mono\">");
		tl_html_escape(out, mx->fingerprints[k]);
		tl_buf_puts(out, "</span></dd>");
	}
	tl_buf_puts(out, "</dl>\n<table class=\"matrix\"><tr><th>id</th>"
			 "<th>&sect;</th>");
	for (k = 0; k < mx->n; k++)
		tl_buf_printf(out, "<th>M%zu</th>", k + 1);
	tl_buf_puts(out, "</tr>\n");
	for (i = 0; i < cs->nclaims; i++) {
		tl_buf_puts(out, "<tr><td class=\"mono\">");
		tl_html_escape(out, cs->claims[i].id);
		tl_buf_puts(out, "</td><td>");
		tl_html_escape(out, cs->claims[i].section);
		tl_buf_puts(out, "</td>");
		for (k = 0; k < mx->n; k++) {
			const struct tl_verdict *vk = &mx->v[k][i];
			const char *name = tl_verdict_name(vk->kind);

			tl_buf_printf(out, "<td><span class=\"v %s\"", name);
			if (vk->reason) {
				tl_buf_puts(out, " title=\"");
				tl_html_escape(out, vk->reason);
				tl_buf_puts(out, "\"");
			}
			tl_buf_printf(out, ">%s</span></td>", name);
		}
		tl_buf_puts(out, "</tr>\n");
	}
	tl_buf_puts(out, "</table>\n<p class=\"note\">Runs of one machine "
			 "fingerprint are pooled; different machines are never "
			 "averaged together. The sections below are M1's "
			 "evidence.</p>\n");
}

void tl_htmlreport_render(struct tl_buf *out, const struct tl_claimset *cs,
			  const struct tl_verdict *v, json_t *const *runs,
			  size_t nruns, const struct tl_verdict_opts *o,
			  size_t m, const struct tl_verdict_matrix *mx)
{
	json_t *env = nruns ? json_object_get(runs[0], "env") : NULL;
	json_t *noise = nruns ? json_object_get(runs[0], "noise") : NULL;
	struct tl_strv secs = TL_STRV_INIT;
	size_t counts[TL_VERDICT_COUNT_], i, k;
	struct tl_buf t = TL_BUF_INIT;

	for (i = 0; i < cs->nclaims; i++)
		if (!tl_strv_has(&secs, cs->claims[i].section))
			tl_strv_push(&secs, cs->claims[i].section);
	if (secs.n) /* qsort(NULL, 0, ...) is undefined */
		qsort(secs.v, secs.n, sizeof(*secs.v), section_cmp);
	tl_verdict_count(v, cs->nclaims, counts);

	tl_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
			 "<meta charset=\"utf-8\"><meta name=\"viewport\" "
			 "content=\"width=device-width\"><title>traplab: ");
	tl_html_escape(out, cs->title);
	tl_buf_printf(out, "</title><style>%s</style></head><body>\n", css);
	tl_buf_puts(out, "<h1>");
	tl_html_escape(out, cs->title);
	tl_buf_puts(out, "</h1>\n");
	legend(out, o, m);
	tl_buf_puts(out, "<dl><dt>claims</dt><dd class=\"mono\">");
	tl_html_escape(out, relative(cs->path));
	if (cs->source) {
		tl_buf_puts(out, " (source ");
		tl_html_escape(out, cs->source);
		tl_buf_puts(out, ")");
	}
	tl_buf_puts(out, "</dd><dt>machine</dt><dd>");
	tl_mdreport_machine(&t, env);
	tl_html_escape(out, tl_buf_str(&t));
	t.len = 0;
	tl_buf_puts(out, "</dd><dt>toolchains</dt><dd>");
	tl_mdreport_toolchains(&t, env);
	tl_html_escape(out, tl_buf_str(&t));
	t.len = 0;
	tl_buf_puts(out, "</dd><dt>run</dt><dd>");
	tl_mdreport_run(&t, runs, nruns);
	tl_html_escape(out, tl_buf_str(&t));
	t.len = 0;
	tl_buf_puts(out, "</dd>");
	if (json_is_number(json_object_get(noise, "aa_mde_pct"))) {
		tl_buf_printf(out,
			      "<dt>noise floor</dt><dd>A/A minimum detectable "
			      "effect %.3g%% (",
			      json_number_value(
				      json_object_get(noise, "aa_mde_pct")));
		tl_html_escape(out,
			       str(noise, "how") ? str(noise, "how") : "?");
		tl_buf_puts(out, ")</dd>");
	}
	tl_buf_printf(out,
		      "<dt>method</dt><dd>intervals of medians from raw "
		      "samples by %s; %zu numeric claims widened together (%s, "
		      "family-wise &alpha; %.2g); equivalence by TOST; facts "
		      "compared as strings</dd></dl>\n",
		      tl_verdict_interval_name(o), m, tl_adjust_name(o->adjust),
		      o->alpha);
	tl_buf_puts(out, "<p class=\"summary\">");
	for (k = 0; k < TL_VERDICT_COUNT_; k++)
		tl_buf_printf(out, "<span class=\"v %s\">%zu %s</span>",
			      tl_verdict_name((enum tl_verdict_kind)k),
			      counts[k],
			      tl_verdict_name((enum tl_verdict_kind)k));
	tl_buf_puts(out, "</p>\n");
	if (cs->nfile > cs->nclaims)
		tl_buf_printf(out,
			      "<p class=\"note\">Only %zu of the file's %zu "
			      "claims were judged (--only); the family-wise "
			      "correction counts these only.</p>\n",
			      cs->nclaims, cs->nfile);
	if (mx && mx->n > 1)
		matrix_table(out, cs, mx);
	tl_buf_puts(out, mx && mx->n > 1 ? "<h2>Verdicts on M1</h2>\n"
					 : "<h2>Verdicts</h2>\n");
	verdict_table(out, cs, v);
	for (k = 0; k < secs.n; k++) {
		tl_buf_puts(out, "<h2 id=\"sec-");
		tl_html_escape(out, secs.v[k]);
		tl_buf_puts(out, "\">Section ");
		tl_html_escape(out, secs.v[k]);
		tl_buf_puts(out, "</h2>\n");
		for (i = 0; i < cs->nclaims; i++)
			if (!strcmp(cs->claims[i].section, secs.v[k]))
				claim_card(out, &cs->claims[i], &v[i], runs,
					   nruns);
		charts_for(out, &secs, cs, runs, nruns, secs.v[k]);
	}
	tl_buf_puts(out, "<h2>Other experiments in the run</h2>\n");
	charts_for(out, &secs, cs, runs, nruns, NULL);
	tl_buf_puts(out, "</body></html>\n");
	tl_buf_release(&t);
	tl_strv_release(&secs);
}
