/*
 * slo_load.c - an SLO file read into struct tl_slo (slo.h): every key
 * checked, every problem a diagnostic at file:line:column.
 */
#include "analyze/slo.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "measure/registry.h"
#include "store/history.h"
#include "measure/results.h"
#include "base/stats.h"
#include "base/yamlx.h"
#include "base/jsonx.h"
#include "base/banned.h"

/* Loading. */

static const char *const top_keys[] = {"apiVersion", "kind", "metadata", "spec",
				       NULL};
static const char *const meta_keys[] = {"name", "displayName", "description",
					NULL};
static const char *const spec_keys[] = {"description", "service",
					"timeWindow",  "budgetingMethod",
					"objectives",  NULL};
static const char *const window_keys[] = {"duration", "isRolling", NULL};
static const char *const obj_keys[] = {
	"displayName", "experiment",  "variant", "ratioTo", "metric",
	"stat",	       "params",      "op",	 "value",   "target",
	"description", "allowNoData", NULL};
static const char *const stat_names[] = {"median", "mean", "min",  "max",
					 "p90",	   "p99",  "p999", NULL};

struct loader {
	struct tl_yaml *y;
	struct tl_diag *d;
	int errors;
};

static void lerr(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void lerr(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
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

/* A required scalar key of map m (diagnostic at m when missing). */
static const char *req_str(struct loader *l, yaml_node_t *m, const char *key,
			   const char *what)
{
	yaml_node_t *n = tl_yaml_get(l->y, m, key);
	const char *s;

	if (!n) {
		lerr(l, m, "%s: missing key '%s'", what, key);
		return NULL;
	}
	if (tl_yaml_get_str(l->y, n, key, &s, l->d)) {
		l->errors++;
		return NULL;
	}
	return s;
}

static const char *opt_str(struct loader *l, yaml_node_t *m, const char *key)
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

static char *load_params(struct loader *l, yaml_node_t *n)
{
	struct tl_buf b = TL_BUF_INIT;
	char **kv;
	int i, len;

	if (tl_yaml_expect_map(l->y, n, "params", l->d)) {
		l->errors++;
		return NULL;
	}
	len = tl_yaml_map_len(n);
	kv = xcalloc(len + 1, sizeof(*kv));
	for (i = 0; i < len; i++) {
		const char *k = tl_yaml_str(tl_yaml_map_key(l->y, n, i));
		yaml_node_t *vn = tl_yaml_map_val(l->y, n, i);
		const char *v;

		if (!k || tl_yaml_get_str(l->y, vn, "params value", &v, l->d)) {
			l->errors++;
			kv[i] = xstrdup("");
			continue;
		}
		kv[i] = xasprintf("%s=%s", k, v);
	}
	qsort(kv, len, sizeof(*kv), tl_cmp_str);
	for (i = 0; i < len; i++) {
		tl_buf_printf(&b, "%s%s", i ? "," : "", kv[i]);
		free(kv[i]);
	}
	free(kv);
	return b.s ? b.s : xstrdup("");
}

static void load_window(struct loader *l, struct tl_slo *slo, yaml_node_t *n)
{
	yaml_node_t *w, *roll;
	const char *dur;
	char *end;
	double v;

	if (tl_yaml_is_map(n)) {
		w = n;
	} else if (tl_yaml_is_seq(n) && tl_yaml_seq_len(n) == 1) {
		w = tl_yaml_seq_at(l->y, n, 0);
	} else {
		lerr(l, n,
		     "timeWindow: expected one window (a mapping or a "
		     "list of one)");
		return;
	}
	if (tl_yaml_expect_map(l->y, w, "timeWindow", l->d)) {
		l->errors++;
		return;
	}
	l->errors +=
		tl_yaml_check_keys(l->y, w, window_keys, "timeWindow", l->d);
	roll = tl_yaml_get(l->y, w, "isRolling");
	if (roll) {
		int b;

		if (tl_yaml_get_bool(l->y, roll, "isRolling", &b, l->d))
			l->errors++;
		else if (!b)
			lerr(l, roll,
			     "isRolling: false (calendar windows) is not "
			     "supported; runs are counted in a rolling window");
	}
	dur = req_str(l, w, "duration", "timeWindow");
	if (!dur)
		return;
	errno = 0;
	v = strtod(dur, &end);
	while (*end == ' ')
		end++;
	if (end == dur || errno || !(v > 0) || v > 1e6) {
		lerr(l, tl_yaml_get(l->y, w, "duration"),
		     "duration: expected a positive count with a unit, such as "
		     "20runs or 7d, found '%s'",
		     dur);
		return;
	}
	if (!strcmp(end, "runs") || !strcmp(end, "run")) {
		if (v != floor(v))
			lerr(l, tl_yaml_get(l->y, w, "duration"),
			     "duration: a whole number of runs, found '%s'",
			     dur);
		slo->window_runs = (size_t)v;
	} else if (!strcmp(end, "m")) {
		slo->window_s = v * 60;
	} else if (!strcmp(end, "h")) {
		slo->window_s = v * 3600;
	} else if (!strcmp(end, "d")) {
		slo->window_s = v * 86400;
	} else if (!strcmp(end, "w")) {
		slo->window_s = v * 7 * 86400;
	} else {
		lerr(l, tl_yaml_get(l->y, w, "duration"),
		     "duration: unknown unit '%s' (expected runs, m, h, d or "
		     "w)",
		     end);
	}
}

static void node_pos(struct loader *l, yaml_node_t *m, const char *key,
		     int *line, int *col)
{
	yaml_node_t *n = tl_yaml_get(l->y, m, key);

	*line = tl_yaml_line(n ? n : m);
	*col = tl_yaml_col(n ? n : m);
}

static void load_objective(struct loader *l, struct tl_slo_objective *o,
			   yaml_node_t *n, int idx)
{
	struct tl_buf err = TL_BUF_INIT;
	const char *s, *ratio;
	char what[48];
	int i;

	snprintf(what, sizeof(what), "objectives[%d]", idx);
	o->line = tl_yaml_line(n);
	o->col = tl_yaml_col(n);
	o->op = TL_SLO_LTE;
	if (tl_yaml_expect_map(l->y, n, what, l->d)) {
		l->errors++;
		return;
	}
	l->errors += tl_yaml_check_keys(l->y, n, obj_keys, what, l->d);
	if ((s = req_str(l, n, "experiment", what)))
		o->experiment = xstrdup(s);
	if ((s = req_str(l, n, "variant", what)))
		o->variant = xstrdup(s);
	node_pos(l, n, "experiment", &o->exp_line, &o->exp_col);
	node_pos(l, n, "variant", &o->var_line, &o->var_col);
	node_pos(l, n, "ratioTo", &o->ratio_line, &o->ratio_col);
	if (tl_yaml_get(l->y, n, "allowNoData") &&
	    tl_yaml_get_bool(l->y, tl_yaml_get(l->y, n, "allowNoData"),
			     "allowNoData", &o->allow_nodata, l->d))
		l->errors++;
	if ((s = req_str(l, n, "metric", what)))
		o->metric = xstrdup(s);
	ratio = opt_str(l, n, "ratioTo");
	if (ratio)
		o->ratio_to = xstrdup(ratio);
	s = opt_str(l, n, "stat");
	o->stat = xstrdup(s ? s : "median");
	for (i = 0; stat_names[i] && strcmp(stat_names[i], o->stat); i++)
		;
	if (!stat_names[i])
		lerr(l, tl_yaml_get(l->y, n, "stat"),
		     "stat: unknown statistic '%s' (expected median, mean, "
		     "min, max, p90, p99 or p999)",
		     o->stat);
	else if (ratio && strcmp(o->stat, "median"))
		lerr(l, tl_yaml_get(l->y, n, "stat"),
		     "stat: a ratio objective compares medians; '%s' is not "
		     "supported with ratioTo",
		     o->stat);
	if (tl_yaml_get(l->y, n, "params"))
		o->params = load_params(l, tl_yaml_get(l->y, n, "params"));
	if ((s = req_str(l, n, "op", what))) {
		static const char *const ops[] = {"lt", "lte", "gt", "gte"};

		for (i = 0; i < 4 && strcmp(ops[i], s); i++)
			;
		if (i == 4)
			lerr(l, tl_yaml_get(l->y, n, "op"),
			     "op: expected lt, lte, gt or gte, found '%s'", s);
		else
			o->op = (enum tl_slo_op)i;
	}
	if ((s = req_str(l, n, "value", what)) &&
	    tl_slo_parse_value(s, ratio ? NULL : o->metric, &o->value, &err)) {
		lerr(l, tl_yaml_get(l->y, n, "value"), "value: %s",
		     tl_buf_str(&err));
		err.len = 0;
	}
	if ((s = req_str(l, n, "target", what))) {
		if (tl_slo_parse_value(s, NULL, &o->target, &err) ||
		    !(o->target > 0 && o->target <= 1))
			lerr(l, tl_yaml_get(l->y, n, "target"),
			     "target: expected a fraction in (0, 1] or a "
			     "percentage such as 99%%, found '%s'",
			     s);
	}
	s = opt_str(l, n, "displayName");
	if (s)
		o->name = xstrdup(s);
	else
		o->name = xasprintf("%s/%s%s%s %s %s",
				    o->experiment ? o->experiment : "?",
				    o->variant ? o->variant : "?",
				    ratio ? ":" : "", ratio ? ratio : "",
				    o->metric ? o->metric : "?", o->stat);
	tl_buf_release(&err);
}

static void release_objective(struct tl_slo_objective *o)
{
	free(o->name);
	free(o->experiment);
	free(o->variant);
	free(o->ratio_to);
	free(o->metric);
	free(o->stat);
	free(o->params);
}

void tl_slo_release(struct tl_slo *slo)
{
	size_t i;

	for (i = 0; i < slo->nobj; i++)
		release_objective(&slo->obj[i]);
	free(slo->obj);
	free(slo->path);
	free(slo->name);
	free(slo->description);
	memset(slo, 0, sizeof(*slo));
}

int tl_slo_load(struct tl_slo *slo, const char *path, const char *text,
		size_t len, struct tl_diag *d)
{
	struct tl_yaml y;
	struct loader l = {&y, d, 0};
	yaml_node_t *root, *meta, *spec, *objs, *n;
	const char *s;
	int rc, i;

	memset(slo, 0, sizeof(*slo));
	rc = tl_yaml_load(&y, path, text, len, d);
	if (rc)
		return rc;
	slo->path = xstrdup(path);
	root = tl_yaml_root(&y);
	if (!root || !tl_yaml_is_map(root)) {
		lerr(&l, root,
		     "an SLO file is a mapping with apiVersion, kind, "
		     "metadata and spec");
		goto out;
	}
	l.errors += tl_yaml_check_keys(&y, root, top_keys, "the SLO file", d);
	if ((s = req_str(&l, root, "apiVersion", "the SLO file")) &&
	    strcmp(s, "traplab/v1") && strcmp(s, "openslo/v1"))
		lerr(&l, tl_yaml_get(&y, root, "apiVersion"),
		     "apiVersion: expected traplab/v1 (or openslo/v1), found "
		     "'%s'",
		     s);
	if ((s = req_str(&l, root, "kind", "the SLO file")) && strcmp(s, "SLO"))
		lerr(&l, tl_yaml_get(&y, root, "kind"),
		     "kind: expected SLO, found '%s'", s);
	meta = tl_yaml_get(&y, root, "metadata");
	if (meta && !tl_yaml_expect_map(&y, meta, "metadata", d)) {
		l.errors +=
			tl_yaml_check_keys(&y, meta, meta_keys, "metadata", d);
		if ((s = opt_str(&l, meta, "name")))
			slo->name = xstrdup(s);
	} else if (meta) {
		l.errors++;
	}
	if (!slo->name)
		slo->name = xstrdup("slo");
	spec = tl_yaml_get(&y, root, "spec");
	if (!spec) {
		lerr(&l, root, "the SLO file: missing key 'spec'");
		goto out;
	}
	if (tl_yaml_expect_map(&y, spec, "spec", d)) {
		l.errors++;
		goto out;
	}
	l.errors += tl_yaml_check_keys(&y, spec, spec_keys, "spec", d);
	if ((s = opt_str(&l, spec, "description")))
		slo->description = xstrdup(s);
	if ((s = opt_str(&l, spec, "budgetingMethod")) &&
	    strcmp(s, "Occurrences"))
		lerr(&l, tl_yaml_get(&y, spec, "budgetingMethod"),
		     "budgetingMethod: only Occurrences is supported (each run "
		     "is one event), found '%s'",
		     s);
	n = tl_yaml_get(&y, spec, "timeWindow");
	if (n)
		load_window(&l, slo, n);
	else
		slo->window_runs = 20;
	objs = tl_yaml_get(&y, spec, "objectives");
	if (!objs) {
		lerr(&l, spec, "spec: missing key 'objectives'");
		goto out;
	}
	if (tl_yaml_expect_seq(&y, objs, "objectives", d)) {
		l.errors++;
		goto out;
	}
	if (!tl_yaml_seq_len(objs))
		lerr(&l, objs, "objectives: the list is empty");
	slo->nobj = (size_t)tl_yaml_seq_len(objs);
	slo->obj = xcalloc(slo->nobj + 1, sizeof(*slo->obj));
	for (i = 0; i < (int)slo->nobj; i++)
		load_objective(&l, &slo->obj[i], tl_yaml_seq_at(&y, objs, i),
			       i);
out:
	tl_yaml_release(&y);
	if (l.errors || !slo->nobj) {
		if (!l.errors)
			tl_diag_add(d, path, 0, 0, "no objectives");
		tl_slo_release(slo);
		return -EINVAL;
	}
	return 0;
}
