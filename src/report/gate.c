/*
 * gate.c - claim verdicts as gate cases and CSV rows (gate.h).
 *
 * Numbers in the CSV are in the metric's base unit with the unit in its
 * own column (ns, bytes, fraction, factor, count), printed with 12
 * significant digits and no exponent below 1e12: a spreadsheet sorts them; the
 * "measured" column is the same figure for people.
 */
#include "report/gate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/suggest.h"
#include "measure/metric.h"
#include "base/banned.h"

static const char *gate_outcome_name(enum tl_case_outcome o)
{
	return o == TL_CASE_FAIL ? "fail" : o == TL_CASE_SKIP ? "skip" : "pass";
}

static int expect_kind(const char *s)
{
	int k;

	for (k = 0; k < TL_VERDICT_COUNT_; k++)
		if (!strcmp(s, tl_verdict_name((enum tl_verdict_kind)k)))
			return k;
	return -1;
}

static enum tl_case_outcome outcome(const struct tl_claim *c,
				    const struct tl_verdict *v, int *bad)
{
	int want;

	*bad = 0;
	if (c->expect) {
		want = expect_kind(c->expect);
		if (want < 0) {
			*bad = 1;
			return TL_CASE_FAIL;
		}
		return (int)v->kind == want ? TL_CASE_PASS : TL_CASE_FAIL;
	}
	if (v->kind == TL_VERDICT_REFUTED)
		return TL_CASE_FAIL;
	return v->kind == TL_VERDICT_UNTESTABLE ? TL_CASE_SKIP : TL_CASE_PASS;
}

static void bad_expect(struct tl_buf *err, const struct tl_claimset *cs,
		       const struct tl_claim *c)
{
	const char *names[TL_VERDICT_COUNT_], *hint;
	int k;

	for (k = 0; k < TL_VERDICT_COUNT_; k++)
		names[k] = tl_verdict_name((enum tl_verdict_kind)k);
	hint = tl_suggest(c->expect, names, TL_VERDICT_COUNT_);
	tl_buf_printf(err,
		      "%s%s:%d:%d: claim '%s': expect: '%s' is not a "
		      "verdict (HOLDS, REFUTED, INCONCLUSIVE, UNTESTABLE)",
		      err->len ? "\n" : "", cs->path, c->line, c->col, c->id,
		      c->expect);
	if (hint)
		tl_buf_printf(err, " (did you mean '%s'?)", hint);
}

int tl_gate_claims(const struct tl_claimset *cs, const struct tl_verdict *v,
		   struct tl_case *cases, struct tl_strv *own,
		   struct tl_buf *err)
{
	size_t i;
	int rc = 0, bad;

	for (i = 0; i < cs->nclaims; i++) {
		const struct tl_claim *c = &cs->claims[i];
		struct tl_case *k = &cases[i];
		struct tl_buf m = TL_BUF_INIT, d = TL_BUF_INIT;

		memset(k, 0, sizeof(*k));
		k->classname = c->section;
		k->id = c->id;
		k->title = c->text;
		k->status = tl_verdict_name(v[i].kind);
		k->outcome = outcome(c, &v[i], &bad);
		k->file = cs->path;
		k->line = c->line;
		if (bad) {
			bad_expect(err, cs, c);
			rc = -EINVAL;
		}
		tl_buf_puts(&d, "measured ");
		tl_verdict_fmt_measured(&d, c, &v[i]);
		if (v[i].has_ci && !v[i].exact)
			tl_buf_printf(&d, " (%.4g%% CI)", v[i].level * 100);
		tl_buf_printf(&d, ", claimed %s",
			      c->claimed ? c->claimed : "?");
		if (v[i].reason)
			tl_buf_printf(&m, "%s", v[i].reason);
		else if (c->expect)
			tl_buf_printf(&m, "expected %s, got %s", c->expect,
				      k->status);
		else
			tl_buf_printf(&m, "%s: %s", k->status, tl_buf_str(&d));
		tl_strv_push_owned(own, m.s ? m.s : xstrdup(""));
		k->message = own->v[own->n - 1];
		tl_strv_push_owned(own, d.s ? d.s : xstrdup(""));
		k->detail = own->v[own->n - 1];
	}
	return rc;
}

static char *num(double x)
{
	return isfinite(x) ? xasprintf("%.12g", x) : xstrdup("");
}

void tl_gate_claims_csv(struct tl_buf *out, const struct tl_claimset *cs,
			const struct tl_verdict *v)
{
	static const char *const head[] = {
		"id",	    "section",	"verdict", "expect",
		"gate",	    "measured", "value",   "ci_lo",
		"ci_hi",    "ci_level", "unit",	   "claimed",
		"quantity", "samples",	"reason",  "notes"};
	size_t i, j;
	int bad;

	tl_export_csv_row(out, head, TL_ARRAY_SIZE(head));
	for (i = 0; i < cs->nclaims; i++) {
		const struct tl_claim *c = &cs->claims[i];
		const struct tl_verdict *w = &v[i];
		struct tl_buf meas = TL_BUF_INIT;
		char *cell[TL_ARRAY_SIZE(head)] = {NULL};
		int ci = w->has_ci && !w->fact;

		tl_verdict_fmt_measured(&meas, c, w);
		cell[0] = xstrdup(c->id);
		cell[1] = xstrdup(c->section ? c->section : "");
		cell[2] = xstrdup(tl_verdict_name(w->kind));
		cell[3] = xstrdup(c->expect ? c->expect : "");
		cell[4] = xstrdup(gate_outcome_name(outcome(c, w, &bad)));
		cell[5] =
			xstrdup(w->has_ci || w->fact ? tl_buf_str(&meas) : "");
		cell[6] = w->fact ? xstrdup(w->fact)
				  : num(ci ? w->ci.point : NAN);
		cell[7] = num(ci && !w->exact ? w->ci.lo : NAN);
		cell[8] = num(ci && !w->exact ? w->ci.hi : NAN);
		cell[9] = num(ci && !w->exact ? w->level : NAN);
		cell[10] = xstrdup(w->fact ? "" : tl_dim_base_unit(c->m.dim));
		cell[11] = xstrdup(c->claimed ? c->claimed : "");
		cell[12] = xstrdup(c->quantity ? c->quantity : "");
		cell[13] = w->n[0] ? xasprintf("%zu", w->n[0] + w->n[1])
				   : xstrdup("");
		cell[14] = xstrdup(w->reason ? w->reason : "");
		cell[15] = xstrdup(w->notes ? w->notes : "");
		tl_export_csv_row(out, (const char *const *)cell,
				  TL_ARRAY_SIZE(head));
		for (j = 0; j < TL_ARRAY_SIZE(head); j++)
			free(cell[j]);
		tl_buf_release(&meas);
	}
}
