/*
 * expo.c - the Prometheus text exposition (OpenMetrics parsers read it too).
 *
 * Families are kept in creation order, each with its own line buffer, so
 * that a family's lines are contiguous in the output (the text format
 * requires it) although the run is walked variant by variant. Values are
 * printed with the fewest digits that read back to the same double.
 *
 * Reference: https://prometheus.io/docs/instrumenting/exposition_formats/
 * and the OpenMetrics 1.0 specification (units as name suffixes).
 *
 * Sample output:
 *   # HELP traplab_op_duration_seconds ns_per_op of a variant (median...)
 *   # TYPE traplab_op_duration_seconds gauge
 *   traplab_op_duration_seconds{experiment="alloc",variant="c.glibc",...,
 *     stat="median"} 1.231e-08
 */
#include "report/expo.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/slo.h"
#include "measure/metric.h"
#include "measure/results.h"
#include "base/jsonx.h"
#include "base/stats.h"
#include "base/vec.h"

#include "base/banned.h"

void tl_expo_prom_name(const char *name, const char *unit, char **out,
		       char **unit_suffix, double *divisor)
{
	struct tl_metric m;

	tl_metric_describe(name, unit, &m);
	*out = xstrdup(m.om_name);
	*unit_suffix = xstrdup(m.om_unit);
	*divisor = m.om_divisor;
}

/* "2026-11-25T22:10:00Z" as seconds since the epoch; 0 if malformed. */
static int utc_seconds(const char *s, double *out)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!s || sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon,
			 &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (double)timegm(&tm);
	return 1;
}

/* The exposition writer. */

struct family {
	char *name, *help;
	enum tl_expo_type type;
	struct tl_buf lines;
};

struct tl_expo {
	struct family *f;
	size_t n, cap;
};

struct tl_expo *tl_expo_new(void)
{
	return xcalloc(1, sizeof(struct tl_expo));
}

void tl_expo_free(struct tl_expo *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->n; i++) {
		free(e->f[i].name);
		free(e->f[i].help);
		tl_buf_release(&e->f[i].lines);
	}
	free(e->f);
	free(e);
}

int tl_expo_is_metric_name(const char *s)
{
	const char *p;

	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == ':'))
			return 0;
	return 1;
}

int tl_expo_is_label_name(const char *s)
{
	const char *p;

	if (!s || !*s || (*s >= '0' && *s <= '9') || !strncmp(s, "__", 2))
		return 0;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

void tl_expo_escape_label(struct tl_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			tl_buf_puts(out, "\\\\");
		else if (*s == '"')
			tl_buf_puts(out, "\\\"");
		else if (*s == '\n')
			tl_buf_puts(out, "\\n");
		else
			tl_buf_append(out, s, 1);
	}
}

static void escape_help(struct tl_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			tl_buf_puts(out, "\\\\");
		else if (*s == '\n')
			tl_buf_puts(out, "\\n");
		else
			tl_buf_append(out, s, 1);
	}
}

void tl_expo_format_value(struct tl_buf *out, double v)
{
	char tmp[40];
	int prec;

	if (isnan(v)) {
		tl_buf_puts(out, "NaN");
		return;
	}
	if (isinf(v)) {
		tl_buf_puts(out, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	/* The shortest %g that reads back to the same double. */
	for (prec = 6; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	tl_buf_puts(out, tmp);
}

static const char *type_name(enum tl_expo_type t)
{
	switch (t) {
	case TL_EXPO_GAUGE:
		return "gauge";
	case TL_EXPO_COUNTER:
		return "counter";
	case TL_EXPO_HISTOGRAM:
		return "histogram";
	case TL_EXPO_SUMMARY:
		return "summary";
	default:
		return "untyped";
	}
}

static struct family *family_get(struct tl_expo *e, const char *name,
				 enum tl_expo_type type, const char *help)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->f[i].name, name))
			return e->f[i].type == type ? &e->f[i] : NULL;
	TL_VEC_RESERVE(e->f, e->cap, e->n + 1);
	e->f[e->n] = (struct family){xstrdup(name), xstrdup(help ? help : ""),
				     type, TL_BUF_INIT};
	return &e->f[e->n++];
}

static int add_line(struct tl_expo *e, const char *family,
		    enum tl_expo_type type, const char *help,
		    const char *suffix, const struct tl_label *labels,
		    size_t nlabels, const struct tl_label *extra, double value)
{
	struct family *f;
	size_t i;
	int first = 1;

	if (!tl_expo_is_metric_name(family))
		return -EINVAL;
	for (i = 0; i < nlabels; i++)
		if (!tl_expo_is_label_name(labels[i].name))
			return -EINVAL;
	f = family_get(e, family, type, help);
	if (!f)
		return -EINVAL;
	tl_buf_printf(&f->lines, "%s%s", family, suffix ? suffix : "");
	for (i = 0; i <= nlabels; i++) {
		const struct tl_label *l = i < nlabels ? &labels[i] : extra;

		if (!l || !l->value)
			continue;
		tl_buf_printf(&f->lines, "%s%s=\"", first ? "{" : ",", l->name);
		tl_expo_escape_label(&f->lines, l->value);
		tl_buf_puts(&f->lines, "\"");
		first = 0;
	}
	if (!first)
		tl_buf_puts(&f->lines, "}");
	tl_buf_puts(&f->lines, " ");
	tl_expo_format_value(&f->lines, value);
	tl_buf_puts(&f->lines, "\n");
	return 0;
}

int tl_expo_add(struct tl_expo *e, const char *family, enum tl_expo_type type,
		const char *help, const char *suffix,
		const struct tl_label *labels, size_t nlabels, double value)
{
	return add_line(e, family, type, help, suffix, labels, nlabels, NULL,
			value);
}

int tl_expo_histogram(struct tl_expo *e, const char *family, const char *help,
		      const struct tl_label *labels, size_t nlabels,
		      const double *x, size_t n)
{
	static const double steps[] = {1, 2, 5};
	struct tl_label le = {"le", NULL};
	double *s, sum = 0, bound;
	size_t i, k = 0;
	int rc, dec, dec_hi, j;
	char tmp[40];

	s = xmalloc((n ? n : 1) * sizeof(*s));
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), tl_stats_cmp_double);
	for (i = 0; i < n; i++)
		sum += s[i];
	if (n && s[0] > 0 && isfinite(s[n - 1])) {
		dec = (int)floor(log10(s[0]));
		dec_hi = (int)ceil(log10(s[n - 1]));
		for (; dec <= dec_hi; dec++) {
			for (j = 0; j < 3; j++) {
				bound = steps[j] * pow(10, dec);
				while (k < n && s[k] <= bound)
					k++;
				snprintf(tmp, sizeof(tmp), "%.6g", bound);
				le.value = tmp;
				rc = add_line(e, family, TL_EXPO_HISTOGRAM,
					      help, "_bucket", labels, nlabels,
					      &le, (double)k);
				if (rc)
					goto out;
				if (k == n)
					goto inf;
			}
		}
	}
inf:
	le.value = "+Inf";
	rc = add_line(e, family, TL_EXPO_HISTOGRAM, help, "_bucket", labels,
		      nlabels, &le, (double)n);
	if (!rc)
		rc = add_line(e, family, TL_EXPO_HISTOGRAM, help, "_sum",
			      labels, nlabels, NULL, sum);
	if (!rc)
		rc = add_line(e, family, TL_EXPO_HISTOGRAM, help, "_count",
			      labels, nlabels, NULL, (double)n);
out:
	free(s);
	return rc;
}

void tl_expo_write(const struct tl_expo *e, struct tl_buf *out)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		const struct family *f = &e->f[i];

		if (*f->help) {
			tl_buf_printf(out, "# HELP %s ", f->name);
			escape_help(out, f->help);
			tl_buf_puts(out, "\n");
		}
		tl_buf_printf(out, "# TYPE %s %s\n", f->name,
			      type_name(f->type));
		tl_buf_puts(out, tl_buf_str(&f->lines));
	}
}

/* A run as families. */

static const char *const stats[] = {"median", "ci95_lower", "ci95_upper", "p90",
				    "p99",    "p999",	    "mean",	  "min",
				    "max",    "mad"};

struct expose_ctx {
	struct tl_expo *e;
	const char *machine;
	int rc;
};

static int expose_one(const struct tl_metric_ref *r, void *arg)
{
	struct expose_ctx *x = arg;
	struct tl_label l[7] = {
		{"experiment", r->experiment},
		{"variant", r->variant},
		{"lang", r->lang},
		{"params", r->params},
		{"machine", x->machine},
	};
	char *base = NULL, *unit = NULL, *fam;
	double divisor, v, *s = NULL;
	size_t i, n;
	json_t *o;
	const char *k;
	int rc = 0;

	if (!r->name) {
		/* Variant-level figures, once per variant. */
		l[5] = (struct tl_label){"status", r->status};
		rc = tl_expo_add(x->e, "traplab_variant_up", TL_EXPO_GAUGE,
				 "1 when the variant ran to completion "
				 "(status ok), else 0",
				 "", l, 6, !strcmp(r->status, "ok"));
		if (rc)
			return rc;
		o = json_object_get(r->variant_obj, "build");
		if (json_is_number(json_object_get(o, "build_s")))
			rc = tl_expo_add(x->e, "traplab_build_duration_seconds",
					 TL_EXPO_GAUGE,
					 "Time to build the variant's workload",
					 "", l, 5,
					 json_number_value(json_object_get(
						 o, "build_s")));
		if (!rc && json_is_number(json_object_get(o, "binary_bytes")))
			rc = tl_expo_add(
				x->e, "traplab_binary_size_bytes",
				TL_EXPO_GAUGE,
				"Size of the variant's workload binary", "", l,
				5,
				json_number_value(
					json_object_get(o, "binary_bytes")));
		json_object_foreach(json_object_get(r->variant_obj, "absent"),
				    k, o)
		{
			if (rc)
				break;
			/*
			 * The reason is free text: as a label it would make
			 * a new series whenever its wording changes. It is
			 * in the results JSON and the reports.
			 */
			l[5] = (struct tl_label){"metric", k};
			rc = tl_expo_add(x->e, "traplab_metric_absent",
					 TL_EXPO_GAUGE,
					 "A figure that could not be measured "
					 "on this machine (the results JSON "
					 "says why)",
					 "", l, 6, 1);
		}
		return rc;
	}
	tl_expo_prom_name(r->name, r->unit, &base, &unit, &divisor);
	fam = *unit ? xasprintf("traplab_%s_%s", base, unit)
		    : xasprintf("traplab_%s", base);
	for (i = 0; i < TL_ARRAY_SIZE(stats) && !rc; i++) {
		if (tl_results_stat(r->metric, stats[i], &v))
			continue;
		l[5] = (struct tl_label){"stat", stats[i]};
		l[6] = (struct tl_label){"source", r->source};
		rc = tl_expo_add(x->e, fam, TL_EXPO_GAUGE,
				 "traplab metric; stat says which statistic "
				 "of the samples (ci95_* bound the median)",
				 "", l, 7, v / divisor);
	}
	free(fam);
	if (!rc && !tl_results_samples(r->metric, &s, &n) && n > 1) {
		for (i = 0; i < n; i++)
			s[i] /= divisor;
		fam = *unit ? xasprintf("traplab_%s_samples_%s", base, unit)
			    : xasprintf("traplab_%s_samples", base);
		rc = tl_expo_histogram(x->e, fam,
				       "Distribution of the raw samples of "
				       "a traplab metric",
				       l, 5, s, n);
		free(fam);
	}
	free(s);
	free(base);
	free(unit);
	return rc;
}

int tl_expo_run(struct tl_expo *e, json_t *run)
{
	json_t *env = json_object_get(run, "env"), *tl;
	struct expose_ctx x = {e, tl_json_str(env, "fingerprint", "unknown"),
			       0};
	struct tl_label info[6];
	double t0;
	json_t *v;
	int rc;

	tl = json_object_get(run, "traplab");
	info[0] = (struct tl_label){"machine", x.machine};
	info[1] = (struct tl_label){"hostname",
				    tl_json_str(env, "hostname", NULL)};
	info[2] = (struct tl_label){"cpu_model",
				    tl_json_str(env, "cpu_model", NULL)};
	info[3] = (struct tl_label){"kernel", tl_json_str(env, "kernel", NULL)};
	info[4] =
		(struct tl_label){"version", tl_json_str(tl, "version", NULL)};
	info[5] = (struct tl_label){"commit", tl_json_str(tl, "commit", NULL)};
	/* The start time is a value, not a label: a label would churn. */
	rc = tl_expo_add(e, "traplab_run_info", TL_EXPO_GAUGE,
			 "The run being exposed; always 1", "", info, 6, 1);
	if (rc)
		return rc;
	if (utc_seconds(tl_json_str(run, "started_utc", NULL), &t0)) {
		rc = tl_expo_add(e, "traplab_run_start_timestamp_seconds",
				 TL_EXPO_GAUGE,
				 "When the run started, in seconds since "
				 "the Unix epoch",
				 "", info, 1, t0);
		if (rc)
			return rc;
	}
	v = json_object_get(run, "elapsed_s");
	if (json_is_number(v)) {
		rc = tl_expo_add(e, "traplab_run_elapsed_seconds",
				 TL_EXPO_GAUGE, "Wall time of the whole run",
				 "", info, 1, json_number_value(v));
		if (rc)
			return rc;
	}
	v = json_object_get(json_object_get(run, "noise"), "aa_mde_pct");
	if (json_is_number(v)) {
		rc = tl_expo_add(e, "traplab_noise_aa_mde_ratio", TL_EXPO_GAUGE,
				 "Minimum detectable effect of an A/A run "
				 "on this machine (0.031 = 3.1%)",
				 "", info, 1, json_number_value(v) / 100);
		if (rc)
			return rc;
	}
	return tl_results_walk(run, expose_one, &x);
}

/* An SLO report as families. */

int tl_expo_slo(struct tl_expo *e, const struct tl_slo *slo,
		const struct tl_slo_report *rep)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < rep->n && !rc; i++) {
		const struct tl_slo_result *r = &rep->r[i];
		struct tl_label l[3] = {{"slo", slo->name},
					{"objective", r->obj->name},
					{"params", r->params}};
		struct tl_label lw[4] = {l[0], l[1], l[2], {"window", "long"}};

		rc = tl_expo_add(e, "traplab_slo_objective_pass", TL_EXPO_GAUGE,
				 "1 when the objective passed in this run "
				 "(its whole CI met the threshold)",
				 "", l, 3, r->now == TL_SLO_PASS);
		if (!rc)
			rc = tl_expo_add(e, "traplab_slo_objective_violated",
					 TL_EXPO_GAUGE,
					 "1 when the error budget over the "
					 "window is exhausted",
					 "", l, 3, r->budget.violated);
		if (!rc && !isnan(r->value))
			rc = tl_expo_add(e, "traplab_slo_objective_value",
					 TL_EXPO_GAUGE,
					 "Measured value in the objective's "
					 "unit (ratio for ratio objectives)",
					 "", l, 3, r->value);
		if (!rc)
			rc = tl_expo_add(e, "traplab_slo_objective_threshold",
					 TL_EXPO_GAUGE,
					 "Threshold of the objective", "", l, 3,
					 r->obj->value);
		if (!rc && !isnan(r->budget.budget_left))
			rc = tl_expo_add(e,
					 "traplab_slo_error_budget_remaining_"
					 "ratio",
					 TL_EXPO_GAUGE,
					 "Error budget left over the window "
					 "(1 = untouched, < 0 = overspent)",
					 "", l, 3, r->budget.budget_left);
		if (!rc && !isnan(r->budget.burn_long))
			rc = tl_expo_add(e, "traplab_slo_burn_rate_ratio",
					 TL_EXPO_GAUGE,
					 "Error-budget burn rate (bad ratio / "
					 "budget)",
					 "", lw, 4, r->budget.burn_long);
		lw[3].value = "short";
		if (!rc && !isnan(r->budget.burn_short))
			rc = tl_expo_add(e, "traplab_slo_burn_rate_ratio",
					 TL_EXPO_GAUGE, NULL, "", lw, 4,
					 r->budget.burn_short);
	}
	return rc;
}

int tl_expo_slo_file(struct tl_expo *e, const char *slo_path, json_t *run,
		     const char *db_path, struct tl_buf *err)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_slo_report rep;
	struct tl_slo slo;
	json_t **past = NULL;
	size_t npast = 0, i;
	int rc;

	rc = tl_slo_load(&slo, slo_path, NULL, 0, &d);
	if (rc) {
		for (i = 0; i < d.msgs.n; i++)
			tl_buf_printf(err, "%s%s", i ? "\n" : "", d.msgs.v[i]);
		tl_diag_release(&d);
		return rc;
	}
	rc = tl_slo_load_past(&slo, db_path, run, &past, &npast, err);
	if (!rc) {
		tl_slo_check(&slo, run, past, npast, &rep);
		rc = tl_expo_slo(e, &slo, &rep);
		tl_slo_report_release(&rep);
	}
	tl_slo_past_free(past, npast);
	tl_slo_release(&slo);
	tl_diag_release(&d);
	return rc;
}
