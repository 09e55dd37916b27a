/*
 * svcslo.c - the article's service-slo.yaml and OpenSLO v1 service SLOs,
 * read into one model (svcslo.h).
 *
 * The loader is strict in the shape (unknown keys, wrong types, bad units
 * and out-of-range targets are errors at file:line:column) and lenient in
 * nothing else: the article's file names no metric, so the PromQL comes
 * from conventions that the optional `prometheus` block can override
 * (histogram http_request_duration_seconds, selector job="SERVICE",
 * failures code=~"5..", CPU process_cpu_seconds_total over 1 core).
 */
#include "analyze/svcslo.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/yamlx.h"
#include "base/banned.h"

#define DEFAULT_WINDOW_S (30 * 86400.0)

const char *tl_svc_kind_name(enum tl_svc_kind k)
{
	static const char *const names[] = {"latency", "errors", "ratio",
					    "threshold", "bound"};

	return names[k];
}

int tl_svc_parse_duration(const char *s, double *seconds)
{
	static const struct {
		const char *u;
		double s;
	} units[] = {{"ms", 1e-3},	  {"s", 1},	{"m", 60},
		     {"h", 3600},	  {"d", 86400}, {"w", 7 * 86400.0},
		     {"y", 365 * 86400.0}};
	double total = 0;
	const char *p = s;
	size_t i;

	if (!s || !*s)
		return -EINVAL;
	while (*p) {
		char *end;
		double v;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = strtod(p, &end);
		if (end == p)
			return -EINVAL;
		for (i = 0; i < TL_ARRAY_SIZE(units); i++) {
			size_t n = strlen(units[i].u);

			/* "m" must not swallow the "m" of "ms". */
			if (!strncmp(end, units[i].u, n) &&
			    !(n == 1 && end[0] == 'm' && end[1] == 's'))
				break;
		}
		if (i == TL_ARRAY_SIZE(units))
			return -EINVAL;
		total += v * units[i].s;
		p = end + strlen(units[i].u);
	}
	if (!(total > 0) || !isfinite(total))
		return -EINVAL;
	*seconds = total;
	return 0;
}

void tl_svc_fmt_duration(double seconds, char *buf, size_t len)
{
	static const struct {
		const char *u;
		unsigned long long ms;
	} units[] = {{"d", 86400000ULL},
		     {"h", 3600000ULL},
		     {"m", 60000ULL},
		     {"s", 1000ULL},
		     {"ms", 1ULL}};
	unsigned long long ms = (unsigned long long)llround(seconds * 1e3);
	size_t i, off = 0;

	if (!ms)
		ms = 1;
	buf[0] = 0;
	for (i = 0; i < TL_ARRAY_SIZE(units) && off < len; i++) {
		if (ms < units[i].ms)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%llu%s",
					ms / units[i].ms, units[i].u);
		ms %= units[i].ms;
	}
}

void tl_svc_render(const char *tpl, double window_s, struct tl_buf *out)
{
	static const char ph[] = "{{.window}}";
	char w[32];
	const char *p;

	tl_svc_fmt_duration(window_s, w, sizeof(w));
	while ((p = strstr(tpl, ph))) {
		tl_buf_append(out, tpl, (size_t)(p - tpl));
		tl_buf_puts(out, w);
		tpl = p + sizeof(ph) - 1;
	}
	tl_buf_puts(out, tpl);
}

int tl_svc_error_ratio(const struct tl_svc_objective *o, double window_s,
		       double inner_s, struct tl_buf *out)
{
	char w[32];

	switch (o->kind) {
	case TL_SVC_LATENCY:
	case TL_SVC_ERRORS:
	case TL_SVC_RATIO:
		tl_buf_puts(out, "(");
		tl_svc_render(o->bad, window_s, out);
		tl_buf_puts(out, ")\n/\n(");
		tl_svc_render(o->total, window_s, out);
		tl_buf_puts(out, ")");
		return 0;
	case TL_SVC_THRESHOLD:
		/*
		 * The share of evaluation steps in the window whose value
		 * missed the threshold: `bool` turns the comparison into 1/0
		 * and the subquery averages it.
		 */
		tl_svc_fmt_duration(window_s, w, sizeof(w));
		tl_buf_puts(out, "1 - avg_over_time((\n  (");
		tl_svc_render(o->value, inner_s, out);
		tl_buf_printf(out, ") %s bool %.10g\n)[%s:])",
			      tl_slo_op_name(o->op), o->threshold, w);
		return 0;
	case TL_SVC_BOUND:
		break;
	}
	return -EINVAL;
}

/* Loading. */

void tl__svc_lerr(struct tl__svc_loader *l, const yaml_node_t *n,
		  const char *fmt, ...)
{
	struct tl_buf b = TL_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	tl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	tl_yaml_error(l->y, n, l->d, "%s", tl_buf_str(&b));
	tl_buf_release(&b);
	l->errors++;
}

const char *tl__svc_opt_str(struct tl__svc_loader *l, yaml_node_t *m,
			    const char *key)
{
	yaml_node_t *n = tl_yaml_get(l->y, m, key);
	const char *s;

	if (!n)
		return NULL;
	if (tl_yaml_get_str(l->y, n, key, &s, l->d)) {
		l->errors++;
		return NULL;
	}
	return s;
}

const char *tl__svc_req_str(struct tl__svc_loader *l, yaml_node_t *m,
			    const char *key, const char *what)
{
	if (!tl_yaml_get(l->y, m, key)) {
		tl__svc_lerr(l, m, "%s: missing key '%s'", what, key);
		return NULL;
	}
	return tl__svc_opt_str(l, m, key);
}

yaml_node_t *tl__svc_opt_map(struct tl__svc_loader *l, yaml_node_t *m,
			     const char *key)
{
	yaml_node_t *n = tl_yaml_get(l->y, m, key);

	if (n && tl_yaml_expect_map(l->y, n, key, l->d)) {
		l->errors++;
		return NULL;
	}
	return n;
}

/* "99.95%" or "0.9995" into (0, 1]; `what` names the key. */
int tl__svc_fraction(struct tl__svc_loader *l, yaml_node_t *m, const char *key,
		     double *out)
{
	struct tl_buf err = TL_BUF_INIT;
	const char *s = tl__svc_opt_str(l, m, key);
	int rc = -EINVAL;

	if (!s)
		return -ENOENT;
	if (tl_slo_parse_value(s, NULL, out, &err) || !(*out > 0) || *out > 1)
		tl__svc_lerr(l, tl_yaml_get(l->y, m, key),
			     "%s: expected a fraction in (0, 1] or a "
			     "percentage such "
			     "as 99.9%%, found '%s'",
			     key, s);
	else
		rc = 0;
	tl_buf_release(&err);
	return rc;
}

struct tl_svc_objective *tl__svc_add_obj(struct tl__svc_loader *l,
					 const char *name,
					 enum tl_svc_kind kind, yaml_node_t *at)
{
	struct tl_svc_slo *slo = l->slo;
	struct tl_svc_objective *o;

	slo->obj = xrealloc(slo->obj, (slo->nobj + 1) * sizeof(*slo->obj));
	o = &slo->obj[slo->nobj++];
	memset(o, 0, sizeof(*o));
	o->name = xstrdup(name);
	o->kind = kind;
	o->op = TL_SLO_LTE;
	o->target = NAN;
	o->quantile = NAN;
	o->line = tl_yaml_line(at);
	o->col = tl_yaml_col(at);
	return o;
}

void tl__svc_load_window(struct tl__svc_loader *l, yaml_node_t *n)
{
	const char *s;

	if (tl_yaml_get_str(l->y, n, "window", &s, l->d)) {
		l->errors++;
		return;
	}
	if (tl_svc_parse_duration(s, &l->slo->window_s))
		tl__svc_lerr(
			l, n,
			"window: expected a duration such as 30d, 28d or 1h, "
			"found '%s'",
			s);
}

/* The article's shape. */

static const char *const art_top_keys[] = {"service",	 "slo",	   "window",
					   "prometheus", "action", NULL};
static const char *const art_slo_keys[] = {"latency", "error_rate",
					   "constraints", NULL};
static const char *const art_prom_keys[] = {"histogram", "selector", "failed",
					    "cpu",	 "cores",    NULL};
static const char *const art_action_keys[] = {"command", "webhook", NULL};
static const char *const art_cons_keys[] = {
	"type",	 "target", "max_utilization", "limit", "enforcement",
	"cores", NULL};

static void art_latency(struct tl__svc_loader *l, yaml_node_t *n)
{
	static const struct {
		const char *key;
		double q;
	} qs[] = {{"p50", 0.5},	 {"p90", 0.9},	  {"p95", 0.95},
		  {"p99", 0.99}, {"p999", 0.999}, {"p9999", 0.9999}};
	struct tl_buf err = TL_BUF_INIT;
	struct tl_svc_objective *o = NULL;
	const char *s;
	size_t i;
	int found = 0;

	if (tl_yaml_expect_map(l->y, n, "latency", l->d)) {
		l->errors++;
		return;
	}
	for (i = 0; i < (size_t)tl_yaml_map_len(n); i++) {
		const char *k = tl_yaml_str(tl_yaml_map_key(l->y, n, (int)i));
		size_t j;

		if (k && !strcmp(k, "budget"))
			continue;
		for (j = 0; j < TL_ARRAY_SIZE(qs) && k && strcmp(k, qs[j].key);
		     j++)
			;
		if (!k || j == TL_ARRAY_SIZE(qs)) {
			tl__svc_lerr(l, tl_yaml_map_key(l->y, n, (int)i),
				     "unknown key '%s' in latency; expected a "
				     "quantile "
				     "(p50 p90 p95 p99 p999 p9999) and budget",
				     k ? k : "?");
			continue;
		}
		if (found++) {
			tl__svc_lerr(l, tl_yaml_map_key(l->y, n, (int)i),
				     "latency: one quantile per file, found a "
				     "second "
				     "('%s')",
				     k);
			continue;
		}
		o = tl__svc_add_obj(l, "latency", TL_SVC_LATENCY, n);
		o->quantile = qs[j].q;
		o->unit = "s";
		s = tl__svc_opt_str(l, n, k);
		o->val_line = tl_yaml_line(tl_yaml_map_val(l->y, n, (int)i));
		o->val_col = tl_yaml_col(tl_yaml_map_val(l->y, n, (int)i));
		if (s &&
		    tl_slo_parse_value(s, "latency_s", &o->threshold, &err)) {
			tl__svc_lerr(l, tl_yaml_map_val(l->y, n, (int)i),
				     "%s: %s", k, tl_buf_str(&err));
			err.len = 0;
		}
		o->display = xasprintf("%s latency under %s", k, s ? s : "?");
	}
	if (!found) {
		tl__svc_lerr(l, n,
			     "latency: missing a quantile such as p99: 150ms");
		goto out;
	}
	if (tl__svc_fraction(l, n, "budget", &o->target) == -ENOENT)
		o->target = o->quantile;
	o->bad = xasprintf("sum(rate(%s_count{%s}[{{.window}}]))\n- "
			   "sum(rate(%s_bucket{%s,le=\"%g\"}[{{.window}}]))",
			   l->histogram, l->selector, l->histogram, l->selector,
			   o->threshold);
	o->total = xasprintf("sum(rate(%s_count{%s}[{{.window}}]))",
			     l->histogram, l->selector);
	o->buckets = xasprintf("%s_bucket{%s}", l->histogram, l->selector);
	o->value = xasprintf("histogram_quantile(%g, sum by (le) "
			     "(rate(%s_bucket{%s}[{{.window}}])))",
			     o->quantile, l->histogram, l->selector);
out:
	tl_buf_release(&err);
}

static void art_error_rate(struct tl__svc_loader *l, yaml_node_t *slo_n)
{
	struct tl_svc_objective *o;
	yaml_node_t *n = tl_yaml_get(l->y, slo_n, "error_rate");
	double v;

	if (tl__svc_fraction(l, slo_n, "error_rate", &v))
		return;
	if (v >= 1) {
		tl__svc_lerr(
			l, n,
			"error_rate: 100%% failed requests is no objective");
		return;
	}
	o = tl__svc_add_obj(l, "error_rate", TL_SVC_ERRORS, n);
	o->threshold = v;
	o->target = 1 - v;
	o->val_line = tl_yaml_line(n);
	o->val_col = tl_yaml_col(n);
	o->unit = "ratio";
	o->display = xasprintf("failed requests under %s", tl_yaml_str(n));
	/*
	 * `or vector(0)`: a service that never failed has no failed series
	 * at all, and an empty numerator would make the ratio empty
	 * (NODATA) instead of 0.
	 */
	o->bad = xasprintf("sum(rate(%s_count{%s,%s}[{{.window}}])) or "
			   "vector(0)",
			   l->histogram, l->selector, l->failed);
	o->total = xasprintf("sum(rate(%s_count{%s}[{{.window}}]))",
			     l->histogram, l->selector);
	o->value = xasprintf("(%s)\n/\n(%s)", o->bad, o->total);
}

static void art_constraint(struct tl__svc_loader *l, yaml_node_t *n, int idx)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_svc_objective *o;
	const char *type, *target, *s;
	char what[40];

	snprintf(what, sizeof(what), "constraints[%d]", idx);
	if (tl_yaml_expect_map(l->y, n, what, l->d)) {
		l->errors++;
		return;
	}
	l->errors += tl_yaml_check_keys(l->y, n, art_cons_keys, what, l->d);
	type = tl__svc_req_str(l, n, "type", what);
	target = tl__svc_req_str(l, n, "target", what);
	if (!type || !target)
		return;
	if (!strcmp(type, "resource-bound") && !strcmp(target, "cpu")) {
		double cores = l->cores;

		o = tl__svc_add_obj(l, "cpu", TL_SVC_BOUND, n);
		o->unit = "ratio";
		if (tl__svc_fraction(l, n, "max_utilization", &o->threshold) ==
		    -ENOENT)
			tl__svc_lerr(l, n, "%s: missing key 'max_utilization'",
				     what);
		if ((s = tl__svc_opt_str(l, n, "cores")) &&
		    (tl_slo_parse_value(s, NULL, &cores, &err) || !(cores > 0)))
			tl__svc_lerr(
				l, tl_yaml_get(l->y, n, "cores"),
				"cores: expected a positive number, found '%s'",
				s);
		o->value = xasprintf("sum(rate(%s{%s}[{{.window}}])) / %g",
				     l->cpu, l->selector, cores);
		o->display =
			xasprintf("CPU utilisation under %s",
				  tl__svc_opt_str(l, n, "max_utilization"));
	} else if (!strcmp(type, "flow-control") &&
		   !strcmp(target, "http-requests")) {
		char *end;

		o = tl__svc_add_obj(l, "request_rate", TL_SVC_BOUND, n);
		o->unit = "req/s";
		s = tl__svc_req_str(l, n, "limit", what);
		if (s) {
			o->threshold = strtod(s, &end);
			if (end == s || !(o->threshold > 0) ||
			    (strcmp(end, "rps") && strcmp(end, "/s") &&
			     strcmp(end, "")))
				tl__svc_lerr(
					l, tl_yaml_get(l->y, n, "limit"),
					"limit: expected requests per second "
					"such as 1200rps, found '%s'",
					s);
		}
		o->value = xasprintf("sum(rate(%s_count{%s}[{{.window}}]))",
				     l->histogram, l->selector);
		o->display = xasprintf("request rate under %s", s ? s : "?");
	} else {
		tl__svc_lerr(
			l, n,
			"%s: unsupported constraint type '%s' with target '%s' "
			"(known: resource-bound/cpu, "
			"flow-control/http-requests)",
			what, type, target);
		goto out;
	}
	if ((s = tl__svc_opt_str(l, n, "enforcement")))
		o->enforcement = xstrdup(s);
out:
	tl_buf_release(&err);
}

static void art_options(struct tl__svc_loader *l, yaml_node_t *root)
{
	struct tl_buf err = TL_BUF_INIT;
	yaml_node_t *p = tl__svc_opt_map(l, root, "prometheus");
	yaml_node_t *a = tl__svc_opt_map(l, root, "action");
	const char *s;

	if (p) {
		l->errors += tl_yaml_check_keys(l->y, p, art_prom_keys,
						"prometheus", l->d);
		if ((s = tl__svc_opt_str(l, p, "histogram")))
			l->histogram = s;
		if ((s = tl__svc_opt_str(l, p, "selector")))
			l->selector = s;
		if ((s = tl__svc_opt_str(l, p, "failed")))
			l->failed = s;
		if ((s = tl__svc_opt_str(l, p, "cpu")))
			l->cpu = s;
		if ((s = tl__svc_opt_str(l, p, "cores")) &&
		    (tl_slo_parse_value(s, NULL, &l->cores, &err) ||
		     !(l->cores > 0)))
			tl__svc_lerr(
				l, tl_yaml_get(l->y, p, "cores"),
				"cores: expected a positive number, found '%s'",
				s);
	}
	if (a) {
		l->errors += tl_yaml_check_keys(l->y, a, art_action_keys,
						"action", l->d);
		if ((s = tl__svc_opt_str(l, a, "command")))
			l->slo->action_command = xstrdup(s);
		if ((s = tl__svc_opt_str(l, a, "webhook")))
			l->slo->action_webhook = xstrdup(s);
	}
	tl_buf_release(&err);
}

static void load_article(struct tl__svc_loader *l, yaml_node_t *root)
{
	struct tl_svc_slo *slo = l->slo;
	yaml_node_t *s, *n, *cons;
	char *sel = NULL;
	const char *name;
	int i;

	slo->schema = "service-slo.yaml";
	l->errors += tl_yaml_check_keys(l->y, root, art_top_keys,
					"service-slo.yaml", l->d);
	name = tl__svc_req_str(l, root, "service", "service-slo.yaml");
	slo->service = xstrdup(name ? name : "service");
	slo->name = xstrdup(slo->service);
	sel = xasprintf("job=\"%s\"", slo->service);
	l->histogram = "http_request_duration_seconds";
	l->selector = sel;
	l->failed = "code=~\"5..\"";
	l->cpu = "process_cpu_seconds_total";
	l->cores = 1;
	art_options(l, root);
	if ((n = tl_yaml_get(l->y, root, "window")))
		tl__svc_load_window(l, n);
	s = tl_yaml_get(l->y, root, "slo");
	if (!s) {
		tl__svc_lerr(l, root, "service-slo.yaml: missing key 'slo'");
		goto out;
	}
	if (tl_yaml_expect_map(l->y, s, "slo", l->d)) {
		l->errors++;
		goto out;
	}
	l->errors += tl_yaml_check_keys(l->y, s, art_slo_keys, "slo", l->d);
	if ((n = tl_yaml_get(l->y, s, "latency")))
		art_latency(l, n);
	if (tl_yaml_get(l->y, s, "error_rate"))
		art_error_rate(l, s);
	cons = tl_yaml_get(l->y, s, "constraints");
	if (cons && tl_yaml_expect_seq(l->y, cons, "constraints", l->d))
		l->errors++;
	else if (cons)
		for (i = 0; i < tl_yaml_seq_len(cons); i++)
			art_constraint(l, tl_yaml_seq_at(l->y, cons, i), i);
	if (!slo->nobj && !l->errors)
		tl__svc_lerr(l, s,
			     "slo: no objective (expected latency, error_rate "
			     "or constraints)");
out:
	free(sel);
}

static void release_obj(struct tl_svc_objective *o)
{
	free(o->name);
	free(o->display);
	free(o->bad);
	free(o->total);
	free(o->value);
	free(o->enforcement);
	free(o->buckets);
}

void tl_svc_slo_release(struct tl_svc_slo *slo)
{
	size_t i;

	if (!slo)
		return;
	for (i = 0; i < slo->nobj; i++)
		release_obj(&slo->obj[i]);
	free(slo->obj);
	free(slo->path);
	free(slo->service);
	free(slo->name);
	free(slo->action_command);
	free(slo->action_webhook);
	memset(slo, 0, sizeof(*slo));
}

int tl_svc_slo_load(struct tl_svc_slo *slo, const char *path, const char *text,
		    size_t len, struct tl_diag *d)
{
	struct tl_yaml y;
	struct tl__svc_loader l = {.y = &y, .d = d, .slo = slo};
	yaml_node_t *root, *spec;
	const char *api;
	size_t i;
	int rc;

	memset(slo, 0, sizeof(*slo));
	rc = tl_yaml_load(&y, path, text, len, d);
	if (rc)
		return rc;
	root = tl_yaml_root(&y);
	spec = root && tl_yaml_is_map(root) ? tl_yaml_get(&y, root, "spec")
					    : NULL;
	api = root && tl_yaml_is_map(root)
		      ? tl_yaml_str(tl_yaml_get(&y, root, "apiVersion"))
		      : NULL;
	slo->path = xstrdup(path);
	slo->window_s = DEFAULT_WINDOW_S;
	if (root && tl_yaml_is_map(root) && tl_yaml_get(&y, root, "service") &&
	    !api) {
		load_article(&l, root);
	} else if (api && !strcmp(api, "openslo/v1") && spec &&
		   tl_yaml_is_map(spec) &&
		   (tl_yaml_get(&y, spec, "indicator") ||
		    tl_yaml_get(&y, spec, "indicatorRef"))) {
		tl__svc_load_openslo(&l, root, spec);
	} else {
		tl_yaml_release(&y);
		tl_svc_slo_release(slo);
		return 1;
	}
	tl_yaml_release(&y);
	for (i = 0; i < slo->nobj && !l.errors; i++) {
		const struct tl_svc_objective *o = &slo->obj[i];

		/* Every error above is counted; this catches a missed one. */
		if (o->kind == TL_SVC_BOUND || o->kind == TL_SVC_THRESHOLD
			    ? !o->value
			    : !o->bad || !o->total) {
			tl_diag_add(d, path, o->line, o->col,
				    "objective '%s' has no query", o->name);
			l.errors++;
		}
	}
	if (l.errors) {
		tl_svc_slo_release(slo);
		return -EINVAL;
	}
	return 0;
}
