/*
 * verdict_runs.c - a claim's figures looked up in the runs (verdict_runs.h).
 */
#include "analyze/verdict_runs.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonx.h"
#include "measure/metric.h"
#include "base/banned.h"

int tl__verdict_case_matches(json_t *cs, const struct tl_side *s)
{
	json_t *params = json_object_get(cs, "params");
	size_t i;

	for (i = 0; i < s->nparams; i++) {
		json_t *v = json_object_get(params, s->params[i].key);
		const char *str = json_string_value(v);
		char num[64];

		if (!str && json_is_number(v)) {
			snprintf(num, sizeof(num), "%g", json_number_value(v));
			str = num;
		}
		if (!strcmp(s->params[i].val, "*"))
			continue;
		if (!str || strcmp(str, s->params[i].val) != 0)
			return 0;
	}
	return 1;
}

static json_t *find_in_array(json_t *arr, const char *name)
{
	size_t i;
	json_t *it;

	json_array_foreach(arr, i, it)
	{
		const char *n = json_string_value(json_object_get(it, "name"));

		if (n && !strcmp(n, name))
			return it;
	}
	return NULL;
}

/*
 * The variant object of side s, or NULL with *why set (owned). Looks in
 * every run; the first run with the experiment and a matching case wins.
 * With a "*" param several cases match; the last one (the largest value
 * of a sweep, by convention) is taken.
 */
json_t *tl__verdict_find_variant(json_t *const *runs, size_t nruns,
				 const char *exp, const struct tl_side *s,
				 json_t **case_out, char **why)
{
	int saw_exp = 0, saw_case = 0;
	size_t r;

	for (r = 0; r < nruns; r++) {
		json_t *e = find_in_array(
			json_object_get(runs[r], "experiments"), exp);
		json_t *cases, *cs, *v, *last = NULL, *last_case = NULL;
		size_t i;

		if (!e)
			continue;
		saw_exp = 1;
		cases = json_object_get(e, "cases");
		json_array_foreach(cases, i, cs)
		{
			if (!tl__verdict_case_matches(cs, s))
				continue;
			saw_case = 1;
			v = find_in_array(json_object_get(cs, "variants"),
					  s->variant);
			if (v) {
				last = v;
				last_case = cs;
			}
		}
		if (last) {
			if (case_out)
				*case_out = last_case;
			return last;
		}
	}
	if (!saw_exp) {
		*why = xasprintf("experiment '%s' is not in this run", exp);
	} else if (!saw_case) {
		struct tl_buf b = TL_BUF_INIT;
		size_t i;

		for (i = 0; i < s->nparams; i++)
			tl_buf_printf(&b, "%s%s=%s", i ? " " : "",
				      s->params[i].key, s->params[i].val);
		*why = xasprintf("case %s of '%s' is not in this run",
				 tl_buf_str(&b), exp);
		tl_buf_release(&b);
	} else {
		*why = xasprintf("variant '%s' of '%s' is not in this run",
				 s->variant, exp);
	}
	return NULL;
}

/* A variant that ran; NULL with *why when it did not. */
json_t *tl__verdict_usable_variant(json_t *const *runs, size_t nruns,
				   const char *exp, const struct tl_side *s,
				   char **why, int *partial)
{
	json_t *v = tl__verdict_find_variant(runs, nruns, exp, s, NULL, why);
	const char *status, *reason;

	if (!v)
		return NULL;
	status = json_string_value(json_object_get(v, "status"));
	reason = json_string_value(json_object_get(v, "reason"));
	if (!status || !strcmp(status, "ok"))
		return v;
	if (!strcmp(status, "partial")) {
		*partial = 1;
		return v;
	}
	if (!strcmp(status, "skipped"))
		*why = xasprintf("%s/%s skipped: %s", exp, s->variant,
				 reason ? reason
					: "toolchain or library missing");
	else
		*why = xasprintf("%s/%s %s%s%s", exp, s->variant, status,
				 reason ? ": " : "", reason ? reason : "");
	return NULL;
}

/* The metric's samples; 0, or -ENOENT with *why. */
int tl__verdict_series(json_t *v, const char *exp, const struct tl_side *s,
		       const char *metric, struct tl__verdict_series *out,
		       char **why)
{
	json_t *m = json_object_get(json_object_get(v, "metrics"), metric);
	json_t *samples, *rounds, *it, *ci;
	struct tl_metric want, got;
	double f;
	const char *absent;
	size_t i, cap;

	memset(out, 0, sizeof(*out));
	if (!m) {
		absent = json_string_value(
			json_object_get(json_object_get(v, "absent"), metric));
		const char *builds = json_string_value(
			json_object_get(json_object_get(v, "facts"), "builds"));
		const char *err1 = json_string_value(json_object_get(
			json_object_get(v, "facts"), "first_error"));

		if (absent)
			*why = xasprintf("%s absent: %s", metric, absent);
		else if (builds && !strcmp(builds, "false"))
			/* A build workload whose program does not build. */
			*why = xasprintf("%s/%s does not build (%s), so it has "
					 "no %s",
					 exp, s->variant,
					 err1 ? err1 : "compile error", metric);
		else
			*why = xasprintf("%s/%s did not report %s", exp,
					 s->variant, metric);
		return -ENOENT;
	}
	tl_metric_describe(metric, NULL, &want);
	tl_metric_describe(metric, tl_json_str(m, "unit", NULL), &got);
	if (got.dim != want.dim) {
		*why = xasprintf("%s of %s/%s is stored in '%s', a %s; its "
				 "claims read a %s",
				 metric, exp, s->variant, got.unit,
				 tl_dim_name(got.dim), tl_dim_name(want.dim));
		return -ENOENT;
	}
	f = tl_metric_base_factor(&got);
	out->source = json_string_value(json_object_get(m, "source"));
	out->flag = json_string_value(json_object_get(m, "flag"));
	if (!out->flag)
		out->flag = json_string_value(json_object_get(m, "note"));
	out->exact = json_is_true(json_object_get(m, "exact"));
	out->median = f * json_number_value(json_object_get(m, "median"));
	ci = json_object_get(m, "ci95");
	out->has_ci95 = json_array_size(ci) == 2;
	out->ci95_lo = f * json_number_value(json_array_get(ci, 0));
	out->ci95_hi = f * json_number_value(json_array_get(ci, 1));
	samples = json_object_get(m, "samples");
	rounds = json_object_get(m, "round_of");
	cap = json_array_size(samples);
	out->x = xcalloc(2 * cap + 1, sizeof(double));
	if (cap && json_array_size(rounds) == cap)
		out->round = out->x + cap;
	json_array_foreach(samples, i, it)
	{
		if (!json_is_number(it) || !isfinite(json_number_value(it)))
			continue;
		if (out->round)
			out->round[out->n] =
				json_number_value(json_array_get(rounds, i));
		out->x[out->n++] = f * json_number_value(it);
	}
	if (!out->n && !json_is_number(json_object_get(m, "median"))) {
		FREE_AND_NULL(out->x);
		*why = xasprintf("%s of %s/%s has no value", metric, exp,
				 s->variant);
		return -ENOENT;
	}
	return 0;
}

/* A fact's value as a string; NULL with *why. */
char *tl__verdict_fact(json_t *v, const char *exp, const char *variant,
		       const char *fact, char **why)
{
	json_t *f = json_object_get(json_object_get(v, "facts"), fact);
	char buf[64];

	if (json_is_string(f))
		return xstrdup(json_string_value(f));
	if (json_is_true(f) || json_is_false(f))
		return xstrdup(json_is_true(f) ? "true" : "false");
	if (json_is_number(f)) {
		snprintf(buf, sizeof(buf), "%g", json_number_value(f));
		return xstrdup(buf);
	}
	*why = xasprintf("%s/%s reported no fact %s", exp, variant, fact);
	return NULL;
}
