/*
 * metrics.c - results JSON walking and the Prometheus text exposition.
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
#include "report/metrics.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonx.h"
#include "store/history.h"
#include "analyze/slo.h"
#include "base/banned.h"

int tl_metrics_parse(const char *path, const char *text, size_t len,
		     json_t **out, struct tl_buf *err)
{
	struct tl_diag dropped = TL_DIAG_INIT;
	json_error_t je;
	json_t *run, *schema;
	size_t i;

	run = tl_json_parse(path, text, len, &dropped, &je);
	/* The rest of the file is good: say what was lost, and go on. */
	for (i = 0; i < dropped.msgs.n; i++)
		fprintf(stderr, "traplab: %s\n", dropped.msgs.v[i]);
	tl_diag_release(&dropped);
	if (!run) {
		tl_buf_printf(err, "'%s': line %d, column %d: %s", path,
			      je.line, je.column, je.text);
		return -EINVAL;
	}
	schema = json_object_get(run, "schema");
	if (!json_is_string(schema) ||
	    strcmp(json_string_value(schema), "traplab.results/1") != 0) {
		tl_buf_printf(err,
			      "'%s': not a traplab results file (schema is "
			      "not \"traplab.results/1\")",
			      path);
		json_decref(run);
		return -EINVAL;
	}
	if (!json_is_array(json_object_get(run, "experiments"))) {
		tl_buf_printf(err, "'%s': \"experiments\" is not an array",
			      path);
		json_decref(run);
		return -EINVAL;
	}
	*out = run;
	return 0;
}

int tl_metrics_load(const char *path, json_t **out, struct tl_buf *err)
{
	char *text;
	size_t len;
	int rc;

	rc = tl_read_file(path, &text, &len);
	if (rc) {
		tl_buf_printf(err, "cannot open '%s': %s", path, strerror(-rc));
		return rc;
	}
	rc = tl_metrics_parse(path, text, len, out, err);
	free(text);
	return rc;
}

static const char *jstr(json_t *o, const char *key, const char *dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "k=v,k2=v2" with sorted keys. */
static void canon_params(json_t *params, struct tl_buf *b)
{
	const char **keys;
	const char *k;
	json_t *v;
	size_t n = 0, i;

	if (!json_is_object(params))
		return;
	keys = xcalloc(json_object_size(params) + 1, sizeof(*keys));
	json_object_foreach(params, k, v) keys[n++] = k;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++) {
		v = json_object_get(params, keys[i]);
		tl_buf_printf(b, "%s%s=", i ? "," : "", keys[i]);
		if (json_is_string(v))
			tl_buf_puts(b, json_string_value(v));
		else if (json_is_integer(v))
			tl_buf_printf(b, "%lld",
				      (long long)json_integer_value(v));
		else if (json_is_number(v))
			tl_buf_printf(b, "%g", json_number_value(v));
	}
	free(keys);
}

int tl_metrics_walk(json_t *run, tl_metrics_visit_fn *fn, void *ctx)
{
	json_t *exps = json_object_get(run, "experiments"), *e, *c, *v, *m;
	size_t ie, ic, iv;
	const char *mname;
	int rc = 0;

	json_array_foreach(exps, ie, e)
	{
		json_array_foreach(json_object_get(e, "cases"), ic, c)
		{
			struct tl_buf params = TL_BUF_INIT;

			canon_params(json_object_get(c, "params"), &params);
			json_array_foreach(json_object_get(c, "variants"), iv,
					   v)
			{
				struct tl_metric_ref r = {
					.experiment = jstr(e, "name", "?"),
					.variant = jstr(v, "name", "?"),
					.lang = jstr(v, "lang", ""),
					.status = jstr(v, "status", "ok"),
					.params = tl_buf_str(&params),
					.variant_obj = v,
				};
				json_t *ms = json_object_get(v, "metrics");

				rc = fn(&r, ctx);
				if (rc)
					break;
				json_object_foreach(ms, mname, m)
				{
					if (!json_is_object(m))
						continue;
					r.name = mname;
					r.metric = m;
					r.unit = jstr(m, "unit", "");
					r.source = jstr(m, "source", "");
					rc = fn(&r, ctx);
					if (rc)
						break;
				}
				if (rc)
					break;
			}
			tl_buf_release(&params);
			if (rc)
				return rc;
		}
	}
	return rc;
}

int tl_metrics_samples(const json_t *metric, double **out, size_t *n)
{
	json_t *s = json_object_get(metric, "samples"), *x;
	double *v;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!json_is_array(s) || !json_array_size(s))
		return 0;
	v = xmalloc(json_array_size(s) * sizeof(*v));
	json_array_foreach(s, i, x)
	{
		if (!json_is_number(x)) {
			free(v);
			return -EINVAL;
		}
		v[i] = json_number_value(x);
	}
	*out = v;
	*n = json_array_size(s);
	return 0;
}

int tl_metrics_stat(const json_t *metric, const char *stat, double *out)
{
	json_t *v;

	if (!strcmp(stat, "ci95_lower") || !strcmp(stat, "ci95_upper")) {
		v = json_object_get(metric, "ci95");
		if (!json_is_array(v) || json_array_size(v) != 2)
			return -ENOENT;
		v = json_array_get(v, stat[5] == 'l' ? 0 : 1);
	} else {
		v = json_object_get(metric, stat);
	}
	if (!json_is_number(v))
		return -ENOENT;
	*out = json_number_value(v);
	return 0;
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

void tl_metrics_prom_name(const char *name, const char *unit, char **out,
			  char **unit_suffix, double *divisor)
{
	struct tl_buf b = TL_BUF_INIT;
	const char *u = "";
	size_t n = strlen(name);
	char *p;

	*divisor = 1;
	if (!strncmp(name, "ns_per_", 7)) {
		tl_buf_printf(&b, "%s_duration", name + 7);
		u = "seconds";
		*divisor = 1e9;
	} else if (ends_with(name, "_ns")) {
		tl_buf_append(&b, name, n - 3);
		u = "seconds";
		*divisor = 1e9;
	} else if (ends_with(name, "_s")) {
		tl_buf_append(&b, name, n - 2);
		tl_buf_puts(&b, "_duration");
		u = "seconds";
	} else if (ends_with(name, "_bytes")) {
		tl_buf_append(&b, name, n - 6);
		u = "bytes";
	} else if (ends_with(name, "_ratio")) {
		tl_buf_append(&b, name, n - 6);
		u = "ratio";
	} else if (unit && !strcmp(unit, "ns")) {
		tl_buf_puts(&b, name);
		u = "seconds";
		*divisor = 1e9;
	} else if (unit && !strcmp(unit, "bytes")) {
		tl_buf_puts(&b, name);
		u = "bytes";
	} else {
		tl_buf_puts(&b, name);
	}
	/* Anything outside the name alphabet becomes '_'. */
	for (p = b.s; p && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			*p = '_';
	*out = b.s ? b.s : xstrdup("unnamed");
	*unit_suffix = xstrdup(u);
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
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 16;
		e->f = xrealloc(e->f, e->cap * sizeof(*e->f));
	}
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
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
	qsort(s, n, sizeof(*s), cmp_double);
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
			l[5] = (struct tl_label){"metric", k};
			l[6] = (struct tl_label){
				"reason",
				json_is_string(o) ? json_string_value(o) : ""};
			rc = tl_expo_add(x->e, "traplab_metric_absent",
					 TL_EXPO_GAUGE,
					 "A figure that could not be measured "
					 "on this machine, with the reason",
					 "", l, 7, 1);
		}
		return rc;
	}
	tl_metrics_prom_name(r->name, r->unit, &base, &unit, &divisor);
	fam = *unit ? xasprintf("traplab_%s_%s", base, unit)
		    : xasprintf("traplab_%s", base);
	for (i = 0; i < TL_ARRAY_SIZE(stats) && !rc; i++) {
		if (tl_metrics_stat(r->metric, stats[i], &v))
			continue;
		l[5] = (struct tl_label){"stat", stats[i]};
		l[6] = (struct tl_label){"source", r->source};
		rc = tl_expo_add(x->e, fam, TL_EXPO_GAUGE,
				 "traplab metric; stat says which statistic "
				 "of the samples (ci95_* bound the median)",
				 "", l, 7, v / divisor);
	}
	free(fam);
	if (!rc && !tl_metrics_samples(r->metric, &s, &n) && n > 1) {
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

int tl_metrics_expose_run(struct tl_expo *e, json_t *run)
{
	json_t *env = json_object_get(run, "env"), *tl;
	struct expose_ctx x = {e, jstr(env, "fingerprint", "unknown"), 0};
	struct tl_label info[7];
	json_t *v;
	int rc;

	tl = json_object_get(run, "traplab");
	info[0] = (struct tl_label){"machine", x.machine};
	info[1] = (struct tl_label){"hostname", jstr(env, "hostname", NULL)};
	info[2] = (struct tl_label){"cpu_model", jstr(env, "cpu_model", NULL)};
	info[3] = (struct tl_label){"kernel", jstr(env, "kernel", NULL)};
	info[4] = (struct tl_label){"version", jstr(tl, "version", NULL)};
	info[5] = (struct tl_label){"commit", jstr(tl, "commit", NULL)};
	info[6] = (struct tl_label){"started_utc",
				    jstr(run, "started_utc", NULL)};
	rc = tl_expo_add(e, "traplab_run_info", TL_EXPO_GAUGE,
			 "The run being exposed; always 1", "", info, 7, 1);
	if (rc)
		return rc;
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
	return tl_metrics_walk(run, expose_one, &x);
}

/* The command. */

int cmd_metrics(int argc, char **argv)
{
	const char *path = "results/latest.json", *textfile = NULL;
	const char *slo_path = NULL, *db = TL_HISTORY_DEFAULT_DB;
	struct tl_buf err = TL_BUF_INIT, out = TL_BUF_INIT;
	struct tl_expo *e = NULL;
	json_t *run = NULL;
	int i, rc = 2;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--textfile") && i + 1 < argc)
			textfile = argv[++i];
		else if (!strcmp(argv[i], "--slo") && i + 1 < argc)
			slo_path = argv[++i];
		else if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (argv[i][0] == '-' || i + 1 != argc) {
			fprintf(stderr, "usage: traplab metrics [--slo FILE] "
					"[--db FILE] [--textfile DIR] "
					"[RUN.json]\n");
			return 2;
		} else
			path = argv[i];
	}
	if (tl_metrics_load(path, &run, &err))
		goto out;
	e = tl_expo_new();
	if (tl_metrics_expose_run(e, run)) {
		tl_buf_printf(&err, "'%s': cannot expose the run", path);
		goto out;
	}
	if (slo_path && tl_slo_expose_file(e, slo_path, run, db, &err))
		goto out;
	tl_expo_write(e, &out);
	if (textfile) {
		char *file = xasprintf("%s/traplab.prom", textfile);
		int r = tl_write_file_atomic(file, out.s, out.len);

		if (r)
			tl_buf_printf(&err, "cannot write '%s': %s", file,
				      strerror(-r));
		free(file);
		if (r)
			goto out;
	} else {
		fwrite(tl_buf_str(&out), 1, out.len, stdout);
	}
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
	tl_expo_free(e);
	json_decref(run);
	tl_buf_release(&out);
	tl_buf_release(&err);
	return rc;
}
