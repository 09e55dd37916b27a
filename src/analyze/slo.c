/*
 * slo.c - SLO files, per-run evaluation, error budgets, `traplab slo`.
 *
 * Thresholds may carry units ("150ms", "64MiB", "99.5%") as in the
 * article's service-slo.yaml; they are converted once, at load time, into
 * the unit the metric's name declares (ns_per_op: ns), so evaluation never
 * guesses. A statistic without a CI in the run gets a bootstrap CI from the
 * raw samples (stats.h, fixed seed), so p99 objectives are judged on
 * evidence too; a figure with no samples is judged on its point value.
 *
 * Sample output of `traplab slo check`:
 *   SLO traplab-c-models (slo/default.yaml), window: last 10 runs, 6 here
 *   objective              case     value   ci95             thr    run
 *   arena under 5 ns       size=64  2.09ns  [2.06, 2.11]  <= 5     PASS ...
 */
#include "analyze/slo.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "measure/metric.h"
#include "measure/registry.h"
#include "store/history.h"
#include "measure/results.h"
#include "base/stats.h"
#include "base/yamlx.h"
#include "base/jsonx.h"
#include "base/banned.h"

const char *tl_slo_outcome_name(enum tl_slo_outcome o)
{
	static const char *const names[] = {"PASS", "FAIL", "INCONCLUSIVE",
					    "NODATA"};

	return names[o];
}

const char *tl_slo_op_name(enum tl_slo_op op)
{
	static const char *const names[] = {"<", "<=", ">", ">="};

	return names[op];
}

/* Units: the table of metrics (measure/metric.h) says which. */

/* The unit a threshold on metric is in: "ns", "s", "bytes" or "" (none). */
static const char *threshold_unit(const char *metric)
{
	struct tl_metric m;

	if (!metric)
		return "";
	tl_metric_describe(metric, NULL, &m);
	return m.dim == TL_DIM_TIME || m.dim == TL_DIM_BYTES ? m.unit : "";
}

int tl_slo_parse_value(const char *s, const char *metric, double *out,
		       struct tl_buf *err)
{
	struct tl_metric m;
	enum tl_dim udim;
	char *end;
	double v, factor;

	if (tl_strtod(s, &end, &v)) {
		tl_buf_printf(err,
			      "expected a number with an optional unit, "
			      "found '%s'",
			      s);
		return -EINVAL;
	}
	while (*end == ' ')
		end++;
	if (!*end) {
		*out = v;
		return 0;
	}
	if (!strcmp(end, "%")) {
		*out = v / 100;
		return 0;
	}
	/* Thresholds carry a time or a size; other units are not written. */
	if (tl_metric_unit_find(end, &udim, &factor) ||
	    (udim != TL_DIM_TIME && udim != TL_DIM_BYTES) ||
	    !strcmp(end, "bytes")) {
		tl_buf_printf(err,
			      "unknown unit '%s' in '%s' (known: ns us ms s B "
			      "KiB MiB GiB KB MB GB %%)",
			      end, s);
		return -EINVAL;
	}
	tl_metric_describe(metric ? metric : "", NULL, &m);
	if (!metric || udim != m.dim) {
		tl_buf_printf(err,
			      "unit '%s' does not fit metric '%s' (its unit "
			      "is %s)",
			      end, metric ? metric : "(ratio)",
			      *threshold_unit(metric) ? threshold_unit(metric)
						      : "none");
		return -EINVAL;
	}
	*out = v * factor / tl_metric_base_factor(&m);
	return 0;
}

/* Budgets. */

void tl_slo_budget(const enum tl_slo_outcome *seq, size_t n, double target,
		   struct tl_slo_budget *b)
{
	double budget = 1 - target;
	size_t i, seen = 0, sgood = 0, sbad = 0, want_short;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < n; i++) {
		if (seq[i] == TL_SLO_NODATA)
			continue;
		b->runs++;
		if (seq[i] == TL_SLO_PASS)
			b->good++;
		else if (seq[i] == TL_SLO_FAIL)
			b->bad++;
		else
			b->inconclusive++;
	}
	/* The short window: the newest quarter of the runs with data. */
	want_short = b->runs / 4 ? b->runs / 4 : 1;
	for (i = n; i-- > 0 && seen < want_short;) {
		if (seq[i] == TL_SLO_NODATA)
			continue;
		seen++;
		sgood += seq[i] == TL_SLO_PASS;
		sbad += seq[i] == TL_SLO_FAIL;
	}
	b->short_runs = seen;
#define BURN(g, bd)                                                            \
	((g) + (bd) == 0 ? NAN                                                 \
	 : (bd) == 0	 ? 0.0                                                 \
	 : budget <= 0	 ? INFINITY                                            \
			 : ((double)(bd) / (double)((g) + (bd))) / budget)
	b->sli = b->good + b->bad ? (double)b->good / (double)(b->good + b->bad)
				  : NAN;
	b->burn_long = BURN(b->good, b->bad);
	b->burn_short = BURN(sgood, sbad);
#undef BURN
	b->budget_left = isnan(b->burn_long) ? NAN : 1 - b->burn_long;
	/* A small epsilon: exactly spending the budget is not a violation. */
	b->violated = b->burn_long > 1 + 1e-9;
	b->burning = b->violated && b->burn_short > 1 + 1e-9;
}

/* Evaluation of one run. */

static double stat_q(const char *stat)
{
	if (!strcmp(stat, "median"))
		return 0.5;
	if (!strcmp(stat, "p90"))
		return 0.9;
	if (!strcmp(stat, "p99"))
		return 0.99;
	if (!strcmp(stat, "p999"))
		return 0.999;
	return -1;
}

static enum tl_slo_outcome judge(enum tl_slo_op op, double thr, double v,
				 double lo, double hi)
{
	int have_ci = !isnan(lo) && !isnan(hi);

	if (!have_ci)
		lo = hi = v;
	switch (op) {
	case TL_SLO_LT:
		return hi < thr	   ? TL_SLO_PASS
		       : lo >= thr ? TL_SLO_FAIL
				   : TL_SLO_INCONCLUSIVE;
	case TL_SLO_LTE:
		return hi <= thr  ? TL_SLO_PASS
		       : lo > thr ? TL_SLO_FAIL
				  : TL_SLO_INCONCLUSIVE;
	case TL_SLO_GT:
		return lo > thr	   ? TL_SLO_PASS
		       : hi <= thr ? TL_SLO_FAIL
				   : TL_SLO_INCONCLUSIVE;
	default:
		return lo >= thr  ? TL_SLO_PASS
		       : hi < thr ? TL_SLO_FAIL
				  : TL_SLO_INCONCLUSIVE;
	}
}

/* The variant object of name in case c, or NULL. */
static json_t *find_variant(json_t *c, const char *name)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(c, "variants"), i, v)
	{
		if (!strcmp(tl_json_str(v, "name", ""), name))
			return v;
	}
	return NULL;
}

/*
 * Values of metric object m into the unit its threshold is in: the unit
 * the results stored is read, never assumed from the name (a run that
 * stored build times in ms is compared in s). NULL, or a reason.
 */
static const char *to_threshold_unit(const struct tl_slo_objective *o,
				     json_t *m, double *val, double *lo,
				     double *hi, double *samp, size_t ns)
{
	struct tl_metric want, got;
	double f;
	size_t i;

	tl_metric_describe(o->metric, NULL, &want);
	tl_metric_describe(o->metric, tl_json_str(m, "unit", NULL), &got);
	if (got.dim != want.dim)
		return "the run stores this metric in a unit of another "
		       "dimension";
	f = tl_metric_base_factor(&got) / tl_metric_base_factor(&want);
	if (f == 1)
		return NULL;
	*val *= f;
	*lo *= f;
	*hi *= f;
	for (i = 0; i < ns; i++)
		samp[i] *= f;
	return NULL;
}

/* Value and CI of o's statistic for variant v; 0 or a reason. */
static const char *figure(const struct tl_slo_objective *o, json_t *v,
			  double *val, double *lo, double *hi, double **samp,
			  size_t *ns)
{
	json_t *m, *b;
	struct tl_ci ci;
	double q = stat_q(o->stat);

	*lo = *hi = NAN;
	*samp = NULL;
	*ns = 0;
	if (!strcmp(o->metric, "build_s") ||
	    !strcmp(o->metric, "binary_bytes")) {
		b = json_object_get(json_object_get(v, "build"), o->metric);
		if (!json_is_number(b))
			return "the run has no build figure";
		*val = json_number_value(b);
		return NULL;
	}
	m = json_object_get(json_object_get(v, "metrics"), o->metric);
	if (!json_is_object(m)) {
		b = json_object_get(json_object_get(v, "absent"), o->metric);
		return json_is_string(b) ? json_string_value(b)
					 : "the metric is not in the run";
	}
	if (tl_results_samples(m, samp, ns))
		return "malformed samples";
	if (tl_results_stat(m, o->stat, val)) {
		if (q < 0 || !*ns || tl_stats_quantile(*samp, *ns, q, val))
			return "the run does not carry this statistic";
	}
	if (!strcmp(o->stat, "median") &&
	    !tl_results_stat(m, "ci95_lower", lo) &&
	    !tl_results_stat(m, "ci95_upper", hi))
		return to_threshold_unit(o, m, val, lo, hi, *samp, *ns);
	*lo = *hi = NAN;
	if (q >= 0 && *ns >= 2 &&
	    !tl_stats_boot_quantile(*samp, *ns, q, NULL, &ci)) {
		*lo = ci.lo;
		*hi = ci.hi;
	}
	return to_threshold_unit(o, m, val, lo, hi, *samp, *ns);
}

static void eval_case(const struct tl_slo_objective *o, json_t *c,
		      const char *params, tl_slo_case_fn *fn, void *ctx)
{
	json_t *v = find_variant(c, o->variant), *w;
	double val, lo, hi, val2, lo2, hi2, *s1, *s2;
	size_t n1, n2;
	const char *why,
		*unit = o->ratio_to ? "ratio" : threshold_unit(o->metric);
	const char *st;
	struct tl_ci ci;
	char *reason;

	if (!v)
		return;
	st = tl_json_str(v, "status", "ok");
	if (!strcmp(st, "skipped")) {
		reason = xasprintf("%s skipped: %s", o->variant,
				   tl_json_str(v, "reason", "?"));
		fn(params, TL_SLO_NODATA, NAN, NAN, NAN, unit, reason, ctx);
		free(reason);
		return;
	}
	if (strcmp(st, "ok") && strcmp(st, "partial")) {
		reason = xasprintf("%s %s%s%s", o->variant, st,
				   tl_json_str(v, "reason", NULL) ? ": " : "",
				   tl_json_str(v, "reason", ""));
		fn(params, TL_SLO_FAIL, NAN, NAN, NAN, unit, reason, ctx);
		free(reason);
		return;
	}
	why = figure(o, v, &val, &lo, &hi, &s1, &n1);
	if (why) {
		fn(params, TL_SLO_NODATA, NAN, NAN, NAN, unit, why, ctx);
		free(s1);
		return;
	}
	if (o->ratio_to) {
		w = find_variant(c, o->ratio_to);
		if (!w || strcmp(tl_json_str(w, "status", "ok"), "ok")) {
			reason = xasprintf("%s did not run (%s)", o->ratio_to,
					   w ? tl_json_str(w, "status", "?")
					     : "not in the run");
			fn(params, TL_SLO_NODATA, NAN, NAN, NAN, unit, reason,
			   ctx);
			free(reason);
			free(s1);
			return;
		}
		why = figure(o, w, &val2, &lo2, &hi2, &s2, &n2);
		if (why || !(val2 > 0)) {
			fn(params, TL_SLO_NODATA, NAN, NAN, NAN, unit,
			   why ? why : "zero denominator", ctx);
			free(s1);
			free(s2);
			return;
		}
		val /= val2;
		lo = hi = NAN;
		if (n1 >= 2 && n2 >= 2 &&
		    !tl_stats_boot_median_ratio(s1, n1, s2, n2, NULL, &ci)) {
			lo = ci.lo;
			hi = ci.hi;
		}
		free(s2);
	}
	free(s1);
	{
		enum tl_slo_outcome out = judge(o->op, o->value, val, lo, hi);
		char *r = NULL;

		if (out == TL_SLO_INCONCLUSIVE)
			r = xstrdup("the CI straddles the threshold");
		else if (out == TL_SLO_FAIL)
			r = xasprintf("%s %g, threshold %s %g", o->stat, val,
				      tl_slo_op_name(o->op), o->value);
		fn(params, out, val, lo, hi, unit, r, ctx);
		free(r);
	}
}

void tl_slo_eval(const struct tl_slo_objective *o, json_t *run,
		 tl_slo_case_fn *fn, void *ctx)
{
	json_t *e, *c;
	size_t ie, ic;
	int found = 0;

	json_array_foreach(json_object_get(run, "experiments"), ie, e)
	{
		if (strcmp(tl_json_str(e, "name", ""), o->experiment))
			continue;
		json_array_foreach(json_object_get(e, "cases"), ic, c)
		{
			struct tl_buf p = TL_BUF_INIT;
			json_t *params = json_object_get(c, "params");
			const char **keys, *k;
			json_t *val;
			size_t n = 0, i;

			keys = xcalloc(json_object_size(params) + 1,
				       sizeof(*keys));
			json_object_foreach(params, k, val) keys[n++] = k;
			qsort(keys, n, sizeof(*keys), tl_cmp_str);
			for (i = 0; i < n; i++) {
				val = json_object_get(params, keys[i]);
				tl_buf_printf(&p, "%s%s=", i ? "," : "",
					      keys[i]);
				if (json_is_string(val))
					tl_buf_puts(&p, json_string_value(val));
				else if (json_is_integer(val))
					tl_buf_printf(
						&p, "%lld",
						(long long)json_integer_value(
							val));
				else if (json_is_number(val))
					tl_buf_printf(&p, "%g",
						      json_number_value(val));
			}
			free(keys);
			if ((!o->params ||
			     !strcmp(o->params, tl_buf_str(&p))) &&
			    find_variant(c, o->variant)) {
				found = 1;
				eval_case(o, c, tl_buf_str(&p), fn, ctx);
			}
			tl_buf_release(&p);
		}
	}
	if (!found)
		fn(o->params ? o->params : "", TL_SLO_NODATA, NAN, NAN, NAN, "",
		   "not measured in this run", ctx);
}

/* The check over a window. */

struct collect {
	struct tl_slo_report *rep;
	const struct tl_slo_objective *o;
	size_t first; /* first result of this objective */
	/* For past runs: */
	enum tl_slo_outcome *hist; /* [result][run] */
	size_t run, nruns;
};

/* Names: an objective on a name that exists nowhere never gets data. */

static json_t *run_experiment(json_t *run, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(run, "experiments"), i, e)
	{
		if (!strcmp(tl_json_str(e, "name", ""), name))
			return e;
	}
	return NULL;
}

static int run_has_variant(json_t *e, const char *name)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(e, "cases"), i, c)
	{
		if (find_variant(c, name))
			return 1;
	}
	return 0;
}

static int reg_has_variant(const struct tl_experiment *e, const char *name)
{
	size_t i;

	for (i = 0; e && i < e->nvariants; i++)
		if (!strcmp(e->variants[i].name, name))
			return 1;
	return 0;
}

int tl_slo_check_names(const struct tl_slo *slo, const struct tl_registry *reg,
		       json_t *run, struct tl_diag *d)
{
	size_t k;
	int bad = 0;

	for (k = 0; k < slo->nobj; k++) {
		const struct tl_slo_objective *o = &slo->obj[k];
		const struct tl_experiment *re =
			reg ? tl_registry_find(reg, o->experiment) : NULL;
		json_t *je = run ? run_experiment(run, o->experiment) : NULL;
		const char *vars[2] = {o->variant, o->ratio_to};
		int lines[2] = {o->var_line, o->ratio_line};
		int cols[2] = {o->var_col, o->ratio_col};

		if (!re && !je) {
			tl_diag_add(d, slo->path, o->exp_line, o->exp_col,
				    "experiment: no experiment '%s' (traplab "
				    "list shows them)",
				    o->experiment);
			bad++;
			continue;
		}
		for (int i = 0; i < 2; i++) {
			if (!vars[i] || reg_has_variant(re, vars[i]) ||
			    (je && run_has_variant(je, vars[i])))
				continue;
			tl_diag_add(d, slo->path, lines[i], cols[i],
				    "%s: experiment '%s' has no variant '%s'",
				    i ? "ratioTo" : "variant", o->experiment,
				    vars[i]);
			bad++;
		}
	}
	return bad;
}

static void collect_now(const char *params, enum tl_slo_outcome out,
			double value, double lo, double hi, const char *unit,
			const char *reason, void *ctx)
{
	struct collect *c = ctx;
	struct tl_slo_report *rep = c->rep;
	struct tl_slo_result *r;

	rep->r = xrealloc(rep->r, (rep->n + 1) * sizeof(*rep->r));
	r = &rep->r[rep->n++];
	memset(r, 0, sizeof(*r));
	r->obj = c->o;
	r->params = xstrdup(params);
	r->now = out;
	r->value = value;
	r->lo = lo;
	r->hi = hi;
	r->unit = xstrdup(unit);
	r->reason = reason ? xstrdup(reason) : NULL;
}

static void collect_past(const char *params, enum tl_slo_outcome out,
			 double value, double lo, double hi, const char *unit,
			 const char *reason, void *ctx)
{
	struct collect *c = ctx;
	size_t i;

	(void)value, (void)lo, (void)hi, (void)unit, (void)reason;
	for (i = c->first; i < c->rep->n; i++)
		if (!strcmp(c->rep->r[i].params, params))
			c->hist[(i - c->first) * (c->nruns + 1) + c->run] = out;
}

void tl_slo_check(const struct tl_slo *slo, json_t *run, json_t *const *past,
		  size_t npast, struct tl_slo_report *rep)
{
	size_t k, i, j, nres;

	memset(rep, 0, sizeof(*rep));
	for (k = 0; k < slo->nobj; k++) {
		struct collect c = {rep, &slo->obj[k], rep->n, NULL, 0, npast};

		tl_slo_eval(&slo->obj[k], run, collect_now, &c);
		nres = rep->n - c.first;
		/* Outcomes per result, oldest run first, the current last. */
		c.hist = xmalloc((nres ? nres : 1) * (npast + 1) *
				 sizeof(*c.hist));
		for (i = 0; i < nres * (npast + 1); i++)
			c.hist[i] = TL_SLO_NODATA;
		for (j = 0; j < npast; j++) {
			c.run = j;
			tl_slo_eval(&slo->obj[k], past[j], collect_past, &c);
		}
		for (i = 0; i < nres; i++) {
			struct tl_slo_result *r = &rep->r[c.first + i];

			c.hist[i * (npast + 1) + npast] = r->now;
			tl_slo_budget(&c.hist[i * (npast + 1)], npast + 1,
				      slo->obj[k].target, &r->budget);
			rep->violated += r->budget.violated;
			rep->failed_now += r->now == TL_SLO_FAIL;
			rep->nodata += r->now == TL_SLO_NODATA &&
				       !slo->obj[k].allow_nodata;
		}
		free(c.hist);
	}
}

void tl_slo_report_release(struct tl_slo_report *rep)
{
	size_t i;

	for (i = 0; i < rep->n; i++) {
		free(rep->r[i].params);
		free(rep->r[i].unit);
		free(rep->r[i].reason);
	}
	free(rep->r);
	memset(rep, 0, sizeof(*rep));
}

/* The window from the history. */

static int parse_utc(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if (!s)
		return -EINVAL;
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return -EINVAL;
	*out = timegm(&tm);
	return 0;
}

void tl_slo_past_free(json_t **past, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		json_decref(past[i]);
	free(past);
}

int tl_slo_load_past(const struct tl_slo *slo, const char *db_path, json_t *run,
		     json_t ***past, size_t *npast, struct tl_buf *err)
{
	struct tl_history *h;
	struct tl_history_run *runs = NULL;
	const char *fp =
		tl_json_str(json_object_get(run, "env"), "fingerprint", "");
	const char *started = tl_json_str(run, "started_utc", NULL);
	json_t **v = NULL;
	size_t n = 0, i, k = 0, limit;
	time_t t_now = 0, t;
	int rc;

	*past = NULL;
	*npast = 0;
	rc = tl_history_open(db_path, TL_HISTORY_READ_ONLY, &h, err);
	if (rc == -ENOENT) {
		err->len = 0;
		if (err->s)
			err->s[0] = 0;
		return 0;
	}
	if (rc)
		return rc;
	limit = slo->window_runs ? slo->window_runs - 1 : 0;
	if (slo->window_runs == 1)
		goto out;
	/*
	 * Earlier runs only: those stored before this one when it is
	 * stored, else those that started before it.
	 */
	rc = tl_history_list(h, fp, 0, 0, &runs, &n, err);
	if (rc)
		goto out;
	if (slo->window_s > 0 && parse_utc(started, &t_now))
		t_now = 0;
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n && (!limit || k < limit); i++) {
		if (!started || !runs[i].started_utc ||
		    strcmp(runs[i].started_utc, started) >= 0)
			continue;
		if (slo->window_s > 0 &&
		    (!t_now || parse_utc(runs[i].started_utc, &t) ||
		     difftime(t_now, t) > slo->window_s))
			continue;
		rc = tl_history_get_json(h, runs[i].id, &v[k], err);
		if (rc)
			goto out;
		k++;
	}
	/* Oldest first. */
	for (i = 0; i < k / 2; i++) {
		json_t *tmp = v[i];

		v[i] = v[k - 1 - i];
		v[k - 1 - i] = tmp;
	}
	*past = v;
	*npast = k;
	v = NULL;
out:
	if (v)
		tl_slo_past_free(v, k);
	tl_history_runs_free(runs, n);
	tl_history_close(h);
	return rc;
}

/* Output. */
