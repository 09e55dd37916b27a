/*
 * svccheck.c - a service SLO against Prometheus (svccheck.h).
 *
 * Sample output of `traplab slo check --prometheus URL FILE`:
 *   SLO risk-decision-api (slo/service-slo.yaml) over 30d, Prometheus
 *   objective     figure          threshold   SLI      target  burn  short
 * result latency       p99 12.1 ms     <= 150 ms   100.00%  99.95%  0     0
 * PASS error_rate    0.0000          <= 0.0002   100.00%  99.98%  0     0 PASS
 *   cpu           0.031           <= 0.65     -        -       -     -     PASS
 */
#include "analyze/svccheck.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

struct ctx {
	tl_svc_query_fn *fn;
	void *fctx;
	struct tl_buf *err;
	int hard; /* first hard error */
};

/* Runs one query; 0, -ENODATA, or a hard error (kept in c->hard). */
static int run(struct ctx *c, const char *query, double *v)
{
	int rc;

	if (c->hard) /* one error is reported, the rest is not asked */
		return c->hard;
	rc = c->fn(c->fctx, query, v, c->err);
	if (rc && rc != -ENODATA && !c->hard)
		c->hard = rc;
	return rc;
}

static int q_tpl(struct ctx *c, const char *tpl, double w, double *v,
		 char **text)
{
	struct tl_buf b = TL_BUF_INIT;
	int rc;

	tl_svc_render(tpl, w, &b);
	rc = run(c, tl_buf_str(&b), v);
	if (text)
		*text = b.s ? b.s : xstrdup("");
	else
		tl_buf_release(&b);
	return rc;
}

static int q_err(struct ctx *c, const struct tl_svc_objective *o, double w,
		 double inner, double *v)
{
	struct tl_buf b = TL_BUF_INIT;
	int rc;

	tl_svc_error_ratio(o, w, inner, &b);
	rc = run(c, tl_buf_str(&b), v);
	tl_buf_release(&b);
	return rc;
}

static int meets(enum tl_slo_op op, double v, double thr)
{
	switch (op) {
	case TL_SLO_LT:
		return v < thr;
	case TL_SLO_LTE:
		return v <= thr;
	case TL_SLO_GT:
		return v > thr;
	case TL_SLO_GTE:
		return v >= thr;
	}
	return 0;
}

/* Burn rates and budget from the bad shares over W and its quarter. */
static void budget(struct tl_svc_result *r, double bad_long, double bad_short)
{
	double b = 1 - r->obj->target;

	r->sli = 1 - bad_long;
	r->burn_long = b > 0 ? bad_long / b : (bad_long > 0 ? INFINITY : 0);
	r->burn_short = isnan(bad_short) ? NAN
			: b > 0		 ? bad_short / b
					 : (bad_short > 0 ? INFINITY : 0);
	r->budget_left = 1 - r->burn_long;
	r->burning = r->burn_long > 1 && r->burn_short > 1;
}

static void check_one(struct ctx *c, struct tl_svc_result *r, double w)
{
	const struct tl_svc_objective *o = r->obj;
	double bad = NAN, bad_s = NAN, v = NAN;
	double inner = fmax(w / 8640, fmin(w / 4, 60));
	int rc;

	r->value = r->sli = r->burn_long = r->burn_short = NAN;
	r->budget_left = NAN;
	if (o->kind == TL_SVC_BOUND) {
		rc = q_tpl(c, o->value, w, &v, &r->query);
		if (rc) {
			r->outcome = TL_SLO_NODATA;
			r->reason =
				xstrdup("no data for the value in the window");
			return;
		}
		r->value = v;
		r->outcome = meets(o->op, v, o->threshold) ? TL_SLO_PASS
							   : TL_SLO_FAIL;
		if (r->outcome == TL_SLO_FAIL)
			r->reason =
				xasprintf("%.4g is past the bound %s %.4g", v,
					  tl_slo_op_name(o->op), o->threshold);
		return;
	}
	rc = q_tpl(c, o->value, o->kind == TL_SVC_THRESHOLD ? inner : w, &v,
		   &r->query);
	if (!rc)
		r->value = v;
	if (q_err(c, o, w, inner, &bad)) {
		r->outcome = TL_SLO_NODATA;
		r->reason = xstrdup(o->kind == TL_SVC_THRESHOLD
					    ? "no data in the window"
					    : "no requests in the window");
		return;
	}
	if (q_err(c, o, w / 4, inner, &bad_s))
		bad_s = NAN;
	budget(r, bad, bad_s);
	r->outcome = TL_SLO_PASS;
	if (o->kind == TL_SVC_ERRORS) {
		r->value = bad;
		if (bad > o->threshold) {
			r->outcome = TL_SLO_FAIL;
			r->reason = xasprintf("%.3g%% of requests failed, over "
					      "%.3g%%",
					      100 * bad, 100 * o->threshold);
		}
		return;
	}
	if (r->sli < o->target) {
		r->outcome = TL_SLO_FAIL;
		r->reason = xasprintf("SLI %.4f%% under the target %.4f%%",
				      100 * r->sli, 100 * o->target);
	} else if (o->kind == TL_SVC_LATENCY && !isnan(r->value) &&
		   r->value > o->threshold) {
		r->outcome = TL_SLO_FAIL;
		r->reason =
			xasprintf("p%g %.4g s over %.4g s", 100 * o->quantile,
				  r->value, o->threshold);
	}
}

int tl_svc_check(const struct tl_svc_slo *slo, double window_s,
		 tl_svc_query_fn *query, void *ctx, struct tl_svc_report *rep,
		 struct tl_buf *err)
{
	struct ctx c = {query, ctx, err, 0};
	size_t i;

	memset(rep, 0, sizeof(*rep));
	rep->window_s = window_s > 0 ? window_s : slo->window_s;
	rep->at = (double)time(NULL);
	rep->r = xcalloc(slo->nobj + 1, sizeof(*rep->r));
	rep->n = slo->nobj;
	for (i = 0; i < slo->nobj && !c.hard; i++) {
		rep->r[i].obj = &slo->obj[i];
		check_one(&c, &rep->r[i], rep->window_s);
		if (rep->r[i].outcome == TL_SLO_FAIL)
			rep->failed++;
		else if (rep->r[i].outcome == TL_SLO_NODATA)
			rep->nodata++;
	}
	if (c.hard) {
		tl_svc_report_release(rep);
		return c.hard;
	}
	return 0;
}

void tl_svc_report_release(struct tl_svc_report *rep)
{
	size_t i;

	for (i = 0; i < rep->n; i++) {
		free(rep->r[i].reason);
		free(rep->r[i].query);
	}
	free(rep->r);
	memset(rep, 0, sizeof(*rep));
}

int tl_svc_report_violated(const struct tl_svc_report *rep)
{
	return rep->failed || rep->nodata;
}

static void fmt(char *buf, size_t n, double v, const char *unit, int pct)
{
	if (isnan(v))
		snprintf(buf, n, "-");
	else if (pct)
		snprintf(buf, n, "%.2f%%", 100 * v);
	else if (unit && !strcmp(unit, "s") && v < 1)
		snprintf(buf, n, "%.3g ms", v * 1e3);
	else if (unit && !strcmp(unit, "s"))
		snprintf(buf, n, "%.3g s", v);
	else
		snprintf(buf, n, "%.4g", v);
}

void tl_svc_print(const struct tl_svc_slo *slo, const struct tl_svc_report *rep,
		  FILE *f)
{
	char w[32], fig[48], thr[48], sli[24], tgt[24], bl[24], bs[24];
	size_t i;

	tl_svc_fmt_duration(rep->window_s, w, sizeof(w));
	fprintf(f, "SLO %s (%s, %s) over %s\n", slo->name, slo->path,
		slo->schema, w);
	fprintf(f, "%-13s %-14s %-13s %-8s %-8s %-6s %-6s %s\n", "objective",
		"figure", "threshold", "SLI", "target", "burn", "short",
		"result");
	for (i = 0; i < rep->n; i++) {
		const struct tl_svc_result *r = &rep->r[i];
		const struct tl_svc_objective *o = r->obj;
		char v[24], t[24];

		fmt(v, sizeof(v), r->value, o->unit, 0);
		if (o->kind == TL_SVC_LATENCY)
			snprintf(fig, sizeof(fig), "p%g %s", 100 * o->quantile,
				 v);
		else
			snprintf(fig, sizeof(fig), "%s", v);
		fmt(t, sizeof(t), o->threshold, o->unit, 0);
		if (o->kind == TL_SVC_RATIO)
			snprintf(thr, sizeof(thr), "-");
		else
			snprintf(thr, sizeof(thr), "%s %s",
				 tl_slo_op_name(o->op), t);
		fmt(sli, sizeof(sli), r->sli, NULL, 1);
		fmt(tgt, sizeof(tgt), o->target, NULL, 1);
		fmt(bl, sizeof(bl), r->burn_long, NULL, 0);
		fmt(bs, sizeof(bs), r->burn_short, NULL, 0);
		fprintf(f, "%-13.13s %-14s %-13s %-8s %-8s %-6s %-6s %s%s\n",
			o->name, fig, thr, sli, tgt, bl, bs,
			tl_slo_outcome_name(r->outcome),
			r->burning ? " BURNING" : "");
		if (r->reason)
			fprintf(f, "  %s: %s\n", o->name, r->reason);
	}
	fprintf(f, "%zu objectives: %zu failed, %zu without data\n", rep->n,
		rep->failed, rep->nodata);
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *tl_svc_report_json(const struct tl_svc_slo *slo,
			   const struct tl_svc_report *rep)
{
	json_t *root = json_object(), *objs = json_array();
	size_t i;

	json_object_set_new(root, "service", json_string(slo->service));
	json_object_set_new(root, "slo", json_string(slo->name));
	json_object_set_new(root, "file", json_string(slo->path));
	json_object_set_new(root, "window_s", json_real(rep->window_s));
	json_object_set_new(root, "at", json_real(rep->at));
	json_object_set_new(root, "violated",
			    json_boolean(tl_svc_report_violated(rep)));
	for (i = 0; i < rep->n; i++) {
		const struct tl_svc_result *r = &rep->r[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(r->obj->name));
		json_object_set_new(
			o, "kind", json_string(tl_svc_kind_name(r->obj->kind)));
		json_object_set_new(
			o, "outcome",
			json_string(tl_slo_outcome_name(r->outcome)));
		json_object_set_new(o, "value", num(r->value));
		json_object_set_new(o, "unit", json_string(r->obj->unit));
		json_object_set_new(o, "op",
				    json_string(tl_slo_op_name(r->obj->op)));
		json_object_set_new(o, "threshold", num(r->obj->threshold));
		json_object_set_new(o, "sli", num(r->sli));
		json_object_set_new(o, "target", num(r->obj->target));
		json_object_set_new(o, "burn_rate", num(r->burn_long));
		json_object_set_new(o, "burn_rate_short", num(r->burn_short));
		json_object_set_new(o, "budget_left", num(r->budget_left));
		json_object_set_new(o, "query",
				    r->query ? json_string(r->query)
					     : json_null());
		json_object_set_new(o, "reason",
				    r->reason ? json_string(r->reason)
					      : json_null());
		json_array_append_new(objs, o);
	}
	json_object_set_new(root, "objectives", objs);
	return root;
}
