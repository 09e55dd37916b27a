/*
 * openslo.c - OpenSLO v1 service SLOs (kind: SLO with an inline indicator
 * whose spec is a Prometheus ratioMetric or thresholdMetric) read into
 * the model of svcslo.h. Unknown keys, a metric source other than
 * Prometheus and a missing query are errors at file:line:column.
 */
#include "analyze/svcslo.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static const char *const os_top_keys[] = {"apiVersion", "kind", "metadata",
					  "spec", NULL};
static const char *const os_meta_keys[] = {"name", "displayName", "labels",
					   "annotations", NULL};
static const char *const os_spec_keys[] = {
	"description",	"service",	 "indicator",
	"indicatorRef", "timeWindow",	 "budgetingMethod",
	"objectives",	"alertPolicies", NULL};
static const char *const os_ind_keys[] = {"metadata", "spec", NULL};
static const char *const os_ind_spec_keys[] = {"ratioMetric", "thresholdMetric",
					       "description", NULL};
static const char *const os_ratio_keys[] = {"counter", "good", "bad", "total",
					    "rawType", "raw",  NULL};
static const char *const os_src_keys[] = {"metricSource", NULL};
static const char *const os_ms_keys[] = {"type", "spec", "metricSourceRef",
					 NULL};
static const char *const os_obj_keys[] = {"displayName",     "op",
					  "value",	     "target",
					  "targetPercent",   "timeSliceTarget",
					  "timeSliceWindow", "indicator",
					  "indicatorRef",    NULL};

/*
 * The Prometheus query of a {metricSource: {type: Prometheus, spec:
 * {query}}} node, made a rate template: a query with {{.window}} is used
 * as written; a bare counter selector is wrapped in sum(rate(...)).
 */
static char *os_query(struct tl__svc_loader *l, yaml_node_t *n,
		      const char *what, int counter)
{
	yaml_node_t *ms, *spec;
	const char *type, *q;

	if (tl_yaml_expect_map(l->y, n, what, l->d)) {
		l->errors++;
		return NULL;
	}
	l->errors += tl_yaml_check_keys(l->y, n, os_src_keys, what, l->d);
	ms = tl_yaml_get(l->y, n, "metricSource");
	if (!ms) {
		tl__svc_lerr(l, n, "%s: missing key 'metricSource'", what);
		return NULL;
	}
	if (tl_yaml_expect_map(l->y, ms, "metricSource", l->d)) {
		l->errors++;
		return NULL;
	}
	l->errors +=
		tl_yaml_check_keys(l->y, ms, os_ms_keys, "metricSource", l->d);
	type = tl__svc_req_str(l, ms, "type", "metricSource");
	if (type && strcmp(type, "Prometheus")) {
		tl__svc_lerr(l, tl_yaml_get(l->y, ms, "type"),
			     "metricSource.type: only Prometheus is supported, "
			     "found "
			     "'%s'",
			     type);
		return NULL;
	}
	spec = tl__svc_opt_map(l, ms, "spec");
	if (!spec) {
		tl__svc_lerr(l, ms,
			     "metricSource: missing key 'spec' with a query");
		return NULL;
	}
	q = tl__svc_req_str(l, spec, "query", "metricSource.spec");
	if (!q)
		return NULL;
	if (strstr(q, "{{.window}}") || !counter)
		return xstrdup(q);
	if (strpbrk(q, "()")) {
		tl__svc_lerr(
			l, tl_yaml_get(l->y, spec, "query"),
			"query: a counter query that is not a bare selector "
			"needs {{.window}} where the rate's range goes");
		return NULL;
	}
	return xasprintf("sum(rate(%s[{{.window}}]))", q);
}

static void os_ratio(struct tl__svc_loader *l, struct tl_svc_objective *o,
		     yaml_node_t *r)
{
	yaml_node_t *good, *bad, *total, *c;
	char *g = NULL;
	int counter = 1;

	l->errors +=
		tl_yaml_check_keys(l->y, r, os_ratio_keys, "ratioMetric", l->d);
	if ((c = tl_yaml_get(l->y, r, "counter")) &&
	    tl_yaml_get_bool(l->y, c, "counter", &counter, l->d))
		l->errors++;
	if (tl_yaml_get(l->y, r, "raw")) {
		tl__svc_lerr(l, tl_yaml_get(l->y, r, "raw"),
			     "ratioMetric.raw: a precomputed ratio is not "
			     "supported; "
			     "give good (or bad) and total");
		return;
	}
	good = tl_yaml_get(l->y, r, "good");
	bad = tl_yaml_get(l->y, r, "bad");
	total = tl_yaml_get(l->y, r, "total");
	if (!!good == !!bad) {
		tl__svc_lerr(
			l, r,
			"ratioMetric: expected exactly one of good and bad");
		return;
	}
	if (!total) {
		tl__svc_lerr(l, r, "ratioMetric: missing key 'total'");
		return;
	}
	o->total = os_query(l, total, "total", counter);
	if (bad) {
		o->bad = os_query(l, bad, "bad", counter);
	} else if ((g = os_query(l, good, "good", counter)) && o->total) {
		o->bad = xasprintf("(%s)\n- (%s)", o->total, g);
	}
	free(g);
	if (o->bad && o->total)
		o->value = xasprintf("(%s)\n/\n(%s)", o->bad, o->total);
	o->unit = "ratio";
}

static void os_objective(struct tl__svc_loader *l, yaml_node_t *ind_spec,
			 yaml_node_t *n, int idx)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_svc_objective *o;
	yaml_node_t *r, *t;
	const char *s;
	char what[40];

	snprintf(what, sizeof(what), "objectives[%d]", idx);
	if (tl_yaml_expect_map(l->y, n, what, l->d)) {
		l->errors++;
		return;
	}
	l->errors += tl_yaml_check_keys(l->y, n, os_obj_keys, what, l->d);
	r = tl_yaml_get(l->y, ind_spec, "ratioMetric");
	t = tl_yaml_get(l->y, ind_spec, "thresholdMetric");
	s = tl__svc_opt_str(l, n, "displayName");
	o = tl__svc_add_obj(l, l->slo->nobj ? s ? s : what : l->slo->name,
			    r ? TL_SVC_RATIO : TL_SVC_THRESHOLD, n);
	o->display = xstrdup(s ? s : o->name);
	if (tl__svc_fraction(l, n, "target", &o->target) == -ENOENT) {
		double pct;

		if (tl__svc_fraction(l, n, "targetPercent", &pct) == 0)
			o->target = pct;
		else
			tl__svc_lerr(l, n, "%s: missing key 'target'", what);
	}
	if (r && tl_yaml_expect_map(l->y, r, "ratioMetric", l->d))
		l->errors++;
	else if (r)
		os_ratio(l, o, r);
	if (t && tl_yaml_expect_map(l->y, t, "thresholdMetric", l->d)) {
		l->errors++;
	} else if (t) {
		static const char *const ops[] = {"lt", "lte", "gt", "gte"};
		int i;

		o->value = os_query(l, t, "thresholdMetric", 0);
		o->unit = "";
		s = tl__svc_req_str(l, n, "op", what);
		for (i = 0; s && i < 4 && strcmp(ops[i], s); i++)
			;
		if (s && i == 4)
			tl__svc_lerr(
				l, tl_yaml_get(l->y, n, "op"),
				"op: expected lt, lte, gt or gte, found '%s'",
				s);
		else if (s)
			o->op = (enum tl_slo_op)i;
		if (tl_yaml_get(l->y, n, "value")) {
			o->val_line =
				tl_yaml_line(tl_yaml_get(l->y, n, "value"));
			o->val_col = tl_yaml_col(tl_yaml_get(l->y, n, "value"));
		}
		if ((s = tl__svc_req_str(l, n, "value", what)) &&
		    tl_slo_parse_value(s, NULL, &o->threshold, &err))
			tl__svc_lerr(l, tl_yaml_get(l->y, n, "value"),
				     "value: %s", tl_buf_str(&err));
	}
	tl_buf_release(&err);
}

static void os_annotations(struct tl__svc_loader *l, yaml_node_t *meta)
{
	yaml_node_t *a = tl__svc_opt_map(l, meta, "annotations");
	const char *s;

	if (!a)
		return;
	if ((s = tl__svc_opt_str(l, a, "traplab.dev/action-command")))
		l->slo->action_command = xstrdup(s);
	if ((s = tl__svc_opt_str(l, a, "traplab.dev/action-webhook")))
		l->slo->action_webhook = xstrdup(s);
}

void tl__svc_load_openslo(struct tl__svc_loader *l, yaml_node_t *root,
			  yaml_node_t *spec)
{
	struct tl_svc_slo *slo = l->slo;
	yaml_node_t *meta, *ind, *ispec, *objs, *n;
	const char *s;
	int i;

	slo->schema = "openslo/v1";
	l->errors += tl_yaml_check_keys(l->y, root, os_top_keys, "the SLO file",
					l->d);
	l->errors += tl_yaml_check_keys(l->y, spec, os_spec_keys, "spec", l->d);
	if ((s = tl__svc_opt_str(l, root, "kind")) && strcmp(s, "SLO"))
		tl__svc_lerr(l, tl_yaml_get(l->y, root, "kind"),
			     "kind: expected SLO, found '%s'", s);
	meta = tl__svc_opt_map(l, root, "metadata");
	s = meta ? tl__svc_req_str(l, meta, "name", "metadata") : NULL;
	slo->name = xstrdup(s ? s : "slo");
	if (meta) {
		l->errors += tl_yaml_check_keys(l->y, meta, os_meta_keys,
						"metadata", l->d);
		os_annotations(l, meta);
	}
	s = tl__svc_opt_str(l, spec, "service");
	slo->service = xstrdup(s ? s : slo->name);
	if ((s = tl__svc_opt_str(l, spec, "budgetingMethod")) &&
	    strcmp(s, "Occurrences") && strcmp(s, "Timeslices"))
		tl__svc_lerr(
			l, tl_yaml_get(l->y, spec, "budgetingMethod"),
			"budgetingMethod: expected Occurrences or Timeslices, "
			"found '%s'",
			s);
	if ((n = tl_yaml_get(l->y, spec, "timeWindow"))) {
		yaml_node_t *w = n, *d;

		if (tl_yaml_is_seq(n) && tl_yaml_seq_len(n) == 1)
			w = tl_yaml_seq_at(l->y, n, 0);
		if (!tl_yaml_is_map(w)) {
			tl__svc_lerr(l, n, "timeWindow: expected one window");
		} else if ((d = tl_yaml_get(l->y, w, "duration"))) {
			tl__svc_load_window(l, d);
		}
	}
	if (tl_yaml_get(l->y, spec, "indicatorRef")) {
		tl__svc_lerr(
			l, tl_yaml_get(l->y, spec, "indicatorRef"),
			"indicatorRef: write the SLI inline as spec.indicator "
			"(one document per file)");
		return;
	}
	ind = tl__svc_opt_map(l, spec, "indicator");
	if (!ind)
		return;
	l->errors +=
		tl_yaml_check_keys(l->y, ind, os_ind_keys, "indicator", l->d);
	ispec = tl__svc_opt_map(l, ind, "spec");
	if (!ispec) {
		tl__svc_lerr(l, ind, "indicator: missing key 'spec'");
		return;
	}
	l->errors += tl_yaml_check_keys(l->y, ispec, os_ind_spec_keys,
					"indicator.spec", l->d);
	if (!!tl_yaml_get(l->y, ispec, "ratioMetric") ==
	    !!tl_yaml_get(l->y, ispec, "thresholdMetric")) {
		tl__svc_lerr(l, ispec,
			     "indicator.spec: expected exactly one of "
			     "ratioMetric and "
			     "thresholdMetric");
		return;
	}
	objs = tl_yaml_get(l->y, spec, "objectives");
	if (!objs) {
		tl__svc_lerr(l, spec, "spec: missing key 'objectives'");
		return;
	}
	if (tl_yaml_expect_seq(l->y, objs, "objectives", l->d)) {
		l->errors++;
		return;
	}
	for (i = 0; i < tl_yaml_seq_len(objs); i++)
		os_objective(l, ispec, tl_yaml_seq_at(l->y, objs, i), i);
	if (!slo->nobj)
		tl__svc_lerr(l, objs, "objectives: the list is empty");
}
