/*
 * cmpreport.c - a comparison as a terminal table, Markdown and JSON.
 *
 * Sample (80 columns):
 *   A = a.json, B = b.json
 *   figure                          A          B    change [CI]     verdict
 *   alloc size=64
 *     c.arena ns_per_op       2.08 ns    3.39 ns  +63% [+57, +66]  REGRESSION
 *     c.glibc ns_per_op       13.2 ns    13.1 ns   -1% [-2, +1]    same
 *     zig.gpa ns_per_op       20.1 ns          -  -                missing
 */
#include "report/cmpreport.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analyze/claims.h"
#include "base/term.h"
#include "measure/metric.h"
#include "report/mdreport.h"

#include "base/banned.h"

/* v in the unit the results stored (r->unit), for people. */
static void value(struct tl_buf *b, double v, const struct tl_compare_row *r)
{
	struct tl_metric m;

	tl_metric_describe(r->metric, r->unit, &m);
	if (isnan(v))
		tl_buf_puts(b, "-");
	else
		tl_metric_fmt(b, v, &m);
}

/* "+63% [+57, +66]", "+63%" when untested, "-" when absent. */
static void change(struct tl_buf *b, const struct tl_compare_row *r)
{
	if (isnan(r->ratio)) {
		tl_buf_puts(b, "-");
		return;
	}
	tl_buf_printf(b, "%+.*f%%", fabs(r->ratio - 1) < 0.1 ? 1 : 0,
		      100 * (r->ratio - 1));
	if (!isnan(r->ratio_lo))
		tl_buf_printf(b, " [%+.*f, %+.*f]",
			      fabs(r->ratio_lo - 1) < 0.1 ? 1 : 0,
			      100 * (r->ratio_lo - 1),
			      fabs(r->ratio_hi - 1) < 0.1 ? 1 : 0,
			      100 * (r->ratio_hi - 1));
}

static const char *sgr(enum tl_compare_verdict v)
{
	switch (v) {
	case TL_CMP_REGRESSION:
		return TL_SGR_BAD;
	case TL_CMP_IMPROVEMENT:
		return TL_SGR_GOOD;
	case TL_CMP_UNCLEAR:
		return TL_SGR_WARN;
	default:
		return TL_SGR_DIM;
	}
}

static void pad(struct tl_buf *b, const char *s, size_t w, int right)
{
	size_t n = tl_term_cols(s);

	if (right)
		for (; n < w; n++)
			tl_buf_puts(b, " ");
	tl_buf_puts(b, s);
	if (!right)
		for (; n < w; n++)
			tl_buf_puts(b, " ");
}

static void table_row(struct tl_buf *b, const struct tl_compare_row *r,
		      size_t figw, int color)
{
	struct tl_buf name = TL_BUF_INIT, a = TL_BUF_INIT, bb = TL_BUF_INIT,
		      ch = TL_BUF_INIT;

	tl_buf_printf(&name, "  %s %s", r->variant, r->metric);
	value(&a, r->median_a, r);
	value(&bb, r->median_b, r);
	change(&ch, r);
	if (tl_term_cols(name.s) > figw) {
		tl_buf_printf(b, "%s\n", name.s);
		name.len = 0;
		tl_buf_puts(&name, "");
	}
	pad(b, tl_buf_str(&name), figw, 0);
	tl_buf_puts(b, " ");
	pad(b, tl_buf_str(&a), 9, 1);
	tl_buf_puts(b, " ");
	pad(b, tl_buf_str(&bb), 9, 1);
	tl_buf_puts(b, "  ");
	pad(b, tl_buf_str(&ch), 19, 0);
	tl_buf_puts(b, " ");
	tl_term_paint(b, color && r->verdict != TL_CMP_SAME, sgr(r->verdict),
		      tl_compare_verdict_name(r->verdict));
	tl_buf_puts(b, "\n");
	tl_buf_release(&name);
	tl_buf_release(&a);
	tl_buf_release(&bb);
	tl_buf_release(&ch);
}

static void summary(struct tl_buf *b, const struct tl_compare *c)
{
	tl_buf_printf(b,
		      "%zu figures: %zu regression%s, %zu improvement%s, "
		      "%zu missing in B.\n"
		      "Mann-Whitney U, Holm-adjusted, alpha %.2g; a change "
		      "needs its whole ratio CI\n(95%%) beyond the noise "
		      "threshold; \"same\" needs it inside +-%.0f%% or the\n"
		      "threshold (equivalence); \"unclear\" is neither.\n",
		      c->n, c->regressions, c->regressions == 1 ? "" : "s",
		      c->improvements, c->improvements == 1 ? "" : "s",
		      c->missing, c->alpha, 100 * TL_COMPARE_MARGIN);
}

void tl_cmpreport_table(struct tl_buf *b, const struct tl_compare *c,
			const char *what, size_t width, int color)
{
	/* name, A 9, B 9, change 19, verdict 11, and 5 spaces */
	size_t fixed = 9 + 9 + 19 + 11 + 5, figw, i;
	const char *exp = NULL, *params = NULL;

	if (width > 160)
		width = 160;
	figw = width > fixed + 20 ? width - fixed : 20;
	tl_buf_printf(b, "%s\n", what);
	pad(b, "figure", figw, 0);
	tl_buf_puts(b, " ");
	pad(b, "A median", 9, 1);
	tl_buf_puts(b, " ");
	pad(b, "B median", 9, 1);
	tl_buf_puts(b, "  ");
	pad(b, "change [95% CI]", 19, 0);
	tl_buf_puts(b, " verdict\n");
	for (i = 0; i < c->n; i++) {
		const struct tl_compare_row *r = &c->rows[i];

		if (!exp || strcmp(exp, r->experiment) ||
		    strcmp(params, r->params)) {
			exp = r->experiment;
			params = r->params;
			tl_buf_printf(b, "%s%s%s\n", exp, *params ? " " : "",
				      params);
		}
		table_row(b, r, figw, color);
	}
	summary(b, c);
}

void tl_cmpreport_md(struct tl_buf *b, const struct tl_compare *c,
		     const char *what)
{
	size_t i;

	tl_buf_puts(b, "### traplab compare\n\n");
	tl_md_cell(b, what);
	tl_buf_puts(b, "\n\n| experiment | variant | metric | A median | "
		       "B median | change [95% CI] | verdict |\n"
		       "|---|---|---|---:|---:|---|---|\n");
	for (i = 0; i < c->n; i++) {
		const struct tl_compare_row *r = &c->rows[i];
		struct tl_buf t = TL_BUF_INIT;

		tl_buf_puts(b, "| ");
		tl_md_cell(b, r->experiment);
		if (*r->params) {
			tl_buf_puts(b, " ");
			tl_md_cell(b, r->params);
		}
		tl_buf_printf(b, " | `%s` | `%s` | ", r->variant, r->metric);
		value(&t, r->median_a, r);
		tl_buf_printf(b, "%s | ", tl_buf_str(&t));
		t.len = 0;
		value(&t, r->median_b, r);
		tl_buf_printf(b, "%s | ", tl_buf_str(&t));
		t.len = 0;
		change(&t, r);
		tl_buf_printf(b, "%s | %s%s%s |\n", tl_buf_str(&t),
			      r->verdict == TL_CMP_REGRESSION ? "**" : "",
			      tl_compare_verdict_name(r->verdict),
			      r->verdict == TL_CMP_REGRESSION ? "**" : "");
		tl_buf_release(&t);
	}
	tl_buf_puts(b, "\n");
	summary(b, c);
}

static json_t *num(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

json_t *tl_cmpreport_json(const struct tl_compare *c, const char *what)
{
	json_t *root = json_object(), *rows = json_array();
	size_t i;

	json_object_set_new(root, "schema", json_string("traplab.compare/1"));
	json_object_set_new(root, "runs", json_string(what));
	json_object_set_new(root, "alpha", json_real(c->alpha));
	json_object_set_new(root, "equivalence_margin",
			    json_real(TL_COMPARE_MARGIN));
	json_object_set_new(root, "regressions",
			    json_integer((json_int_t)c->regressions));
	json_object_set_new(root, "improvements",
			    json_integer((json_int_t)c->improvements));
	json_object_set_new(root, "missing",
			    json_integer((json_int_t)c->missing));
	for (i = 0; i < c->n; i++) {
		const struct tl_compare_row *r = &c->rows[i];
		json_t *o = json_object();

		json_object_set_new(o, "experiment",
				    json_string(r->experiment));
		json_object_set_new(o, "params", json_string(r->params));
		json_object_set_new(o, "variant", json_string(r->variant));
		json_object_set_new(o, "metric", json_string(r->metric));
		json_object_set_new(o, "unit", json_string(r->unit));
		json_object_set_new(o, "median_a", num(r->median_a));
		json_object_set_new(o, "median_b", num(r->median_b));
		json_object_set_new(o, "ratio", num(r->ratio));
		json_object_set_new(o, "ratio_ci95",
				    json_pack("[o, o]", num(r->ratio_lo),
					      num(r->ratio_hi)));
		json_object_set_new(o, "p_holm", num(r->p_holm));
		json_object_set_new(o, "threshold", num(r->threshold));
		json_object_set_new(o, "n_a", json_integer((json_int_t)r->na));
		json_object_set_new(o, "n_b", json_integer((json_int_t)r->nb));
		json_object_set_new(
			o, "verdict",
			json_string(tl_compare_verdict_name(r->verdict)));
		json_array_append_new(rows, o);
	}
	json_object_set_new(root, "figures", rows);
	return root;
}
