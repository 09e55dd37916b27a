/*
 * claims.c - the claim language: parse, check against the registry,
 * format. `traplab claims` (src/cmd/claims.c) turns a claim set and a run
 * into verdicts and reports.
 *
 * Design: parsing is strict about shape (a typo must not silently turn a
 * claim into something else) and lenient about the registry (a claim whose
 * experiment is not written yet stays in the set and becomes UNTESTABLE
 * with that reason, so one missing experiment does not hide thirty
 * verdicts). The language is described in claims/README.md.
 *
 *   $ traplab claims --results results/latest.json
 *   id                  sec  claim                         claimed  ...
 *   alloc-tcmalloc-64   2.1  64-byte malloc on TCMalloc... ~25 ns   ...
 */
#include "analyze/claims.h"

#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/suggest.h"
#include "base/yamlx.h"
#include "base/banned.h"

/* Parsing. */

struct ctx {
	struct tl_yaml *y;
	struct tl_diag *d;
	int bad;
};

static void err_at(struct ctx *cx, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void err_at(struct ctx *cx, const yaml_node_t *n, const char *fmt, ...)
{
	struct tl_buf b = TL_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	tl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	tl_yaml_error(cx->y, n, cx->d, "%s", tl_buf_str(&b));
	tl_buf_release(&b);
	cx->bad++;
}

/*
 * Checks that n is a map whose keys are all in `keys` (NULL-ended; NULL:
 * any key). Returns 0 when it is a map (unknown keys are counted as errors
 * but the map is still read), -1 when it is not.
 */
static int open_map(struct ctx *cx, yaml_node_t *n, const char *const *keys,
		    const char *what)
{
	if (tl_yaml_expect_map(cx->y, n, what, cx->d)) {
		cx->bad++;
		return -1;
	}
	if (keys)
		cx->bad += tl_yaml_check_keys(cx->y, n, keys, what, cx->d);
	return 0;
}

static char *get_str(struct ctx *cx, yaml_node_t *m, const char *key,
		     const char *what, int required)
{
	yaml_node_t *n = tl_yaml_get(cx->y, m, key);
	const char *s;

	if (!n) {
		if (required)
			err_at(cx, m, "%s: missing '%s'", what, key);
		return NULL;
	}
	if (tl_yaml_get_str(cx->y, n, what, &s, cx->d)) {
		cx->bad++;
		return NULL;
	}
	if (required && !*s) {
		err_at(cx, n, "%s: '%s' is empty", what, key);
		return NULL;
	}
	return xstrdup(s);
}

/* A map of name: value scalars ("params", "code") into kv. */
static void parse_kvmap(struct ctx *cx, yaml_node_t *n, const char *what,
			struct tl_kv **kv, size_t *nkv)
{
	int i, len;

	if (!n)
		return;
	if (open_map(cx, n, NULL, what))
		return;
	len = tl_yaml_map_len(n);
	for (i = 0; i < len; i++) {
		yaml_node_t *k = tl_yaml_map_key(cx->y, n, i);
		yaml_node_t *v = tl_yaml_map_val(cx->y, n, i);
		const char *ks = tl_yaml_str(k), *vs = tl_yaml_str(v);
		size_t j;

		if (!ks || !vs) {
			err_at(cx, v, "%s: expected name: value scalars", what);
			continue;
		}
		for (j = 0; j < *nkv; j++)
			if (!strcmp((*kv)[j].key, ks))
				break;
		if (j < *nkv) {
			FREE_AND_NULL((*kv)[j].val);
			(*kv)[j].val = xstrdup(vs);
			continue;
		}
		*kv = xrealloc(*kv, (*nkv + 1) * sizeof(**kv));
		(*kv)[*nkv].key = xstrdup(ks);
		(*kv)[*nkv].val = xstrdup(vs);
		(*nkv)++;
	}
}

static void copy_params(struct tl_side *s, const struct tl_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		s->params = xrealloc(s->params,
				     (s->nparams + 1) * sizeof(*s->params));
		s->params[s->nparams].key = xstrdup(kv[i].key);
		s->params[s->nparams].val = xstrdup(kv[i].val);
		s->nparams++;
	}
}

static void parse_side(struct ctx *cx, yaml_node_t *n, struct tl_side *s,
		       const struct tl_kv *common, size_t ncommon)
{
	static const char *const keys[] = {"variant", "params", NULL};

	s->line = tl_yaml_line(n);
	s->col = tl_yaml_col(n);
	copy_params(s, common, ncommon);
	if (tl_yaml_is_scalar(n)) {
		s->variant = xstrdup(tl_yaml_str(n));
		return;
	}
	if (!tl_yaml_is_map(n)) {
		err_at(cx, n,
		       "measure side: expected a variant name or "
		       "{variant, params}");
		return;
	}
	cx->bad += tl_yaml_check_keys(cx->y, n, keys, "measure side", cx->d);
	s->variant = get_str(cx, n, "variant", "measure side", 1);
	parse_kvmap(cx, tl_yaml_get(cx->y, n, "params"), "params", &s->params,
		    &s->nparams);
}

static double stat_q(struct ctx *cx, yaml_node_t *n)
{
	static const struct {
		const char *name;
		double q;
	} stats[] = {{"median", 0.5}, {"p50", 0.5},    {"p90", 0.9},
		     {"p99", 0.99},   {"p999", 0.999}, {"p99.9", 0.999}};
	const char *s = tl_yaml_str(n);
	size_t i;

	if (!n)
		return 0.5;
	for (i = 0; s && i < TL_ARRAY_SIZE(stats); i++)
		if (!strcmp(s, stats[i].name))
			return stats[i].q;
	err_at(cx, n,
	       "stat: expected median, p50, p90, p99 or p999, found "
	       "'%s'",
	       s ? s : "(not a scalar)");
	return 0.5;
}

static void parse_measure(struct ctx *cx, yaml_node_t *n, struct tl_measure *m)
{
	static const char *const keys[] = {"experiment", "variant", "metric",
					   "fact",	 "stat",    "params",
					   "ratio",	 "diff",    NULL};
	yaml_node_t *ratio, *diff, *pair, *var;
	struct tl_kv *common = NULL;
	size_t ncommon = 0, i;

	m->q = 0.5;
	m->line = tl_yaml_line(n);
	m->col = tl_yaml_col(n);
	if (open_map(cx, n, keys, "measure"))
		return;
	m->experiment = get_str(cx, n, "experiment", "measure", 1);
	m->metric = get_str(cx, n, "metric", "measure", 0);
	m->fact = get_str(cx, n, "fact", "measure", 0);
	m->q = stat_q(cx, tl_yaml_get(cx->y, n, "stat"));
	parse_kvmap(cx, tl_yaml_get(cx->y, n, "params"), "params", &common,
		    &ncommon);
	ratio = tl_yaml_get(cx->y, n, "ratio");
	diff = tl_yaml_get(cx->y, n, "diff");
	var = tl_yaml_get(cx->y, n, "variant");
	if (!!m->metric + !!m->fact != 1)
		err_at(cx, n,
		       "measure: give exactly one of 'metric' or "
		       "'fact'");
	if (!!ratio + !!diff + !!var != 1)
		err_at(cx, n,
		       "measure: give exactly one of 'variant', "
		       "'ratio' or 'diff'");
	pair = ratio ? ratio : diff;
	if (pair) {
		m->kind = ratio ? TL_MEASURE_RATIO : TL_MEASURE_DIFF;
		if (!tl_yaml_is_seq(pair) || tl_yaml_seq_len(pair) != 2) {
			err_at(cx, pair,
			       "%s: expected a list of two sides [a, b]",
			       ratio ? "ratio" : "diff");
		} else {
			for (i = 0; i < 2; i++)
				parse_side(cx, tl_yaml_seq_at(cx->y, pair, i),
					   &m->side[i], common, ncommon);
		}
		if (m->q != 0.5)
			err_at(cx, pair, "a %s compares medians; drop 'stat'",
			       ratio ? "ratio" : "diff");
	} else if (var) {
		m->kind = m->fact ? TL_MEASURE_FACT : TL_MEASURE_VALUE;
		parse_side(cx, var, &m->side[0], common, ncommon);
		if (!tl_yaml_is_scalar(var))
			err_at(cx, var, "variant: expected a variant name");
	}
	tl_kv_free(common, ncommon);
	if (m->kind == TL_MEASURE_RATIO)
		m->dim = TL_DIM_FACTOR;
	else if (m->metric || m->fact)
		m->dim = tl_metric_dim(m->metric ? m->metric : m->fact, NULL);
}

static int quantity(struct ctx *cx, yaml_node_t *n, enum tl_dim dim,
		    double *out)
{
	const char *why, *s = tl_yaml_str(n);

	if (!s) {
		err_at(cx, n,
		       "predicate: expected a number, found a "
		       "collection");
		return -EINVAL;
	}
	if (tl_claims_quantity(s, dim, out, &why)) {
		err_at(cx, n, "predicate: '%s': %s", s, why);
		return -EINVAL;
	}
	return 0;
}

/* A tolerance: a percentage of the center, or a quantity of dim. */
static void tolerance(struct ctx *cx, yaml_node_t *n, struct tl_pred *p,
		      enum tl_dim dim, const char *key)
{
	const char *s = tl_yaml_str(n);
	size_t len;

	if (!n) {
		err_at(cx, NULL, "predicate: missing '%s'", key);
		return;
	}
	if (!s) {
		err_at(cx, n, "%s: expected a number", key);
		return;
	}
	len = strlen(s);
	/*
	 * A tolerance in percent is always relative to the claimed value,
	 * fractions included ("approx: 9.7%, tol: 50%" is 4.85% to 14.55%);
	 * an absolute tolerance on a fraction is a plain number (0.02).
	 */
	if (len && s[len - 1] == '%') {
		double pct;
		const char *why;

		if (tl_claims_quantity(s, TL_DIM_FRACTION, &pct, &why) ||
		    pct < 0) {
			err_at(cx, n, "%s: '%s': expected a percentage", key,
			       s);
			return;
		}
		if (p->center == 0) {
			err_at(cx, n,
			       "%s: a percentage of 0 is no band; give an "
			       "absolute tolerance (tol: 0.5 ns)",
			       key);
			return;
		}
		p->tol = pct * fabs(p->center);
		p->tol_rel = 1;
		return;
	}
	if (quantity(cx, n, dim, &p->tol))
		return;
	if (p->tol < 0)
		err_at(cx, n, "%s: must not be negative", key);
}

static void parse_pred(struct ctx *cx, yaml_node_t *n, struct tl_claim *c)
{
	static const char *const keys[] = {
		"approx", "between", "lt",	   "le",  "gt",	    "ge",
		"eq",	  "ne",	     "equivalent", "tol", "margin", NULL};
	struct tl_pred *p = &c->p;
	enum tl_dim dim = c->m.dim;
	yaml_node_t *v = NULL, *a, *b;
	int i, nops = 0;

	p->lo = -INFINITY;
	p->hi = INFINITY;
	p->line = tl_yaml_line(n);
	p->col = tl_yaml_col(n);
	if (open_map(cx, n, keys, "predicate"))
		return;
	for (i = 0; i < TL_PRED_COUNT_; i++) {
		yaml_node_t *x = tl_yaml_get(cx->y, n, tl_pred_key(i));

		if (!x)
			continue;
		nops++;
		p->op = (enum tl_pred_op)i;
		v = x;
	}
	if (nops != 1) {
		err_at(cx, n,
		       "predicate: give exactly one of approx, between, lt, "
		       "le, gt, ge, eq, ne, equivalent (found %d)",
		       nops);
		return;
	}
	if (p->op != TL_PRED_APPROX && tl_yaml_get(cx->y, n, "tol"))
		err_at(cx, tl_yaml_get(cx->y, n, "tol"),
		       "'tol' goes with 'approx' only");
	if (p->op != TL_PRED_EQUIVALENT && tl_yaml_get(cx->y, n, "margin"))
		err_at(cx, tl_yaml_get(cx->y, n, "margin"),
		       "'margin' goes with 'equivalent' only");
	if (c->m.kind == TL_MEASURE_FACT &&
	    (p->op == TL_PRED_EQ || p->op == TL_PRED_NE)) {
		/* eq/ne on one fact compare strings; other ops are numeric. */
		if (!tl_yaml_str(v)) {
			err_at(cx, v, "%s: expected a scalar",
			       tl_pred_key(p->op));
			return;
		}
		p->text = xstrdup(tl_yaml_str(v));
		return;
	}
	switch (p->op) {
	case TL_PRED_APPROX:
	case TL_PRED_EQUIVALENT:
		if (quantity(cx, v, dim, &p->center))
			return;
		tolerance(
			cx,
			tl_yaml_get(cx->y, n,
				    p->op == TL_PRED_APPROX ? "tol" : "margin"),
			p, dim, p->op == TL_PRED_APPROX ? "tol" : "margin");
		p->lo = p->center - p->tol;
		p->hi = p->center + p->tol;
		break;
	case TL_PRED_BETWEEN:
		if (!tl_yaml_is_seq(v) || tl_yaml_seq_len(v) != 2) {
			err_at(cx, v, "between: expected [low, high]");
			return;
		}
		a = tl_yaml_seq_at(cx->y, v, 0);
		b = tl_yaml_seq_at(cx->y, v, 1);
		if (quantity(cx, a, dim, &p->lo) ||
		    quantity(cx, b, dim, &p->hi))
			return;
		if (!(p->lo <= p->hi))
			err_at(cx, v, "between: low is above high");
		break;
	case TL_PRED_LT:
	case TL_PRED_LE:
		quantity(cx, v, dim, &p->hi);
		break;
	case TL_PRED_GT:
	case TL_PRED_GE:
		quantity(cx, v, dim, &p->lo);
		break;
	case TL_PRED_EQ:
	case TL_PRED_NE:
		if (!quantity(cx, v, dim, &p->lo))
			p->hi = p->lo;
		break;
	default:
		break;
	}
}

static void parse_needs(struct ctx *cx, yaml_node_t *n, struct tl_claim *c)
{
	int i, j, len;

	if (!n)
		return;
	if (tl_yaml_expect_seq(cx->y, n, "needs", cx->d)) {
		cx->bad++;
		return;
	}
	len = tl_yaml_seq_len(n);
	c->needs = xcalloc((size_t)len + 1, sizeof(*c->needs));
	for (i = 0; i < len; i++) {
		yaml_node_t *it = tl_yaml_seq_at(cx->y, n, i);
		const char *s = tl_yaml_str(it);
		struct tl_need *nd = &c->needs[c->nneeds];

		if (!s) {
			err_at(cx, it, "needs[%d]: expected a name", i);
			continue;
		}
		if (!strncmp(s, "feature:", 8) && s[8]) {
			nd->kind = TL_NEED_FEATURE;
			nd->feature = xstrdup(s + 8);
			c->nneeds++;
			continue;
		}
		for (j = 0; j < TL_NEED_FEATURE; j++)
			if (!strcmp(s, tl_need_name(j)))
				break;
		if (j == TL_NEED_FEATURE) {
			err_at(cx, it,
			       "needs: unknown '%s'; expected pmu, numa, "
			       "cc, cxx, go, zig or feature:NAME",
			       s);
			continue;
		}
		nd->kind = (enum tl_need_kind)j;
		c->nneeds++;
	}
}

static void parse_claim(struct ctx *cx, yaml_node_t *n, struct tl_claim *c)
{
	static const char *const keys[] = {
		"id",	"section",   "claim",	  "claimed", "quantity",
		"note", "measure",   "predicate", "needs",   "expect",
		"code", "toolchain", NULL};
	yaml_node_t *m, *p;

	c->line = tl_yaml_line(n);
	c->col = tl_yaml_col(n);
	if (open_map(cx, n, keys, "claim"))
		return;
	c->id = get_str(cx, n, "id", "claim", 1);
	c->section = get_str(cx, n, "section", "claim", 1);
	c->text = get_str(cx, n, "claim", "claim", 1);
	c->claimed = get_str(cx, n, "claimed", "claim", 0);
	c->quantity = get_str(cx, n, "quantity", "claim", 0);
	c->note = get_str(cx, n, "note", "claim", 0);
	c->expect = get_str(cx, n, "expect", "claim", 0);
	c->toolchain = get_str(cx, n, "toolchain", "claim", 0);
	m = tl_yaml_get(cx->y, n, "measure");
	p = tl_yaml_get(cx->y, n, "predicate");
	if (!m || !p) {
		err_at(cx, n, "claim '%s': needs 'measure' and 'predicate'",
		       c->id ? c->id : "?");
		return;
	}
	parse_measure(cx, m, &c->m);
	parse_pred(cx, p, c);
	parse_needs(cx, tl_yaml_get(cx->y, n, "needs"), c);
	parse_kvmap(cx, tl_yaml_get(cx->y, n, "code"), "code", &c->code,
		    &c->ncode);
	if (c->id && !c->claimed) {
		struct tl_buf b = TL_BUF_INIT;

		tl_claims_fmt_pred(&b, c);
		c->claimed = xstrdup(tl_buf_str(&b));
		tl_buf_release(&b);
	}
}

static void parse_features(struct ctx *cx, yaml_node_t *n,
			   struct tl_claimset *cs)
{
	static const char *const keys[] = {"about", "probe", NULL};
	static const char *const pkeys[] = {"experiment", "variant", "fact",
					    "eq", NULL};
	int i, len;

	if (!n)
		return;
	if (open_map(cx, n, NULL, "features"))
		return;
	len = tl_yaml_map_len(n);
	cs->features = xcalloc((size_t)len + 1, sizeof(*cs->features));
	for (i = 0; i < len; i++) {
		yaml_node_t *k = tl_yaml_map_key(cx->y, n, i);
		yaml_node_t *v = tl_yaml_map_val(cx->y, n, i);
		struct tl_feature *f = &cs->features[cs->nfeatures++];
		yaml_node_t *probe;

		f->name = xstrdup(tl_yaml_str(k) ? tl_yaml_str(k) : "?");
		f->line = tl_yaml_line(k);
		f->col = tl_yaml_col(k);
		if (open_map(cx, v, keys, "feature"))
			continue;
		f->about = get_str(cx, v, "about", "feature", 1);
		probe = tl_yaml_get(cx->y, v, "probe");
		if (!probe ||
		    tl_yaml_expect_map(cx->y, probe, "probe", cx->d)) {
			err_at(cx, v,
			       "feature '%s': needs a probe {experiment, "
			       "variant, fact, eq}",
			       f->name);
			continue;
		}
		cx->bad +=
			tl_yaml_check_keys(cx->y, probe, pkeys, "probe", cx->d);
		f->experiment = get_str(cx, probe, "experiment", "probe", 1);
		f->variant = get_str(cx, probe, "variant", "probe", 1);
		f->fact = get_str(cx, probe, "fact", "probe", 1);
		f->eq = get_str(cx, probe, "eq", "probe", 1);
	}
}

const struct tl_feature *tl_claims_feature(const struct tl_claimset *cs,
					   const char *name)
{
	size_t i;

	for (i = 0; i < cs->nfeatures; i++)
		if (!strcmp(cs->features[i].name, name))
			return &cs->features[i];
	return NULL;
}

static void check_set(struct ctx *cx, yaml_node_t *list, struct tl_claimset *cs)
{
	size_t i, j, k;

	for (i = 0; i < cs->nclaims; i++) {
		struct tl_claim *c = &cs->claims[i];
		yaml_node_t *n = tl_yaml_seq_at(cx->y, list, (int)i);

		for (j = 0; c->id && j < i; j++)
			if (cs->claims[j].id &&
			    !strcmp(cs->claims[j].id, c->id))
				err_at(cx, n,
				       "claim id '%s' already used at line %d",
				       c->id, cs->claims[j].line);
		for (k = 0; k < c->nneeds; k++)
			if (c->needs[k].kind == TL_NEED_FEATURE &&
			    !tl_claims_feature(cs, c->needs[k].feature))
				err_at(cx, n,
				       "claim '%s': feature '%s' is not "
				       "declared under 'features'",
				       c->id ? c->id : "?",
				       c->needs[k].feature);
	}
}

int tl_claims_parse(struct tl_claimset *cs, const char *path, const char *text,
		    size_t len, struct tl_diag *d)
{
	static const char *const keys[] = {"title", "source", "features",
					   "claims", NULL};
	struct tl_yaml y;
	struct ctx cx = {&y, d, 0};
	yaml_node_t *root, *list;
	int err, i, n;

	memset(cs, 0, sizeof(*cs));
	cs->path = xstrdup(path);
	err = tl_yaml_load(&y, path, text, len, d);
	if (err) {
		tl_claimset_release(cs);
		return err;
	}
	root = tl_yaml_root(&y);
	if (!root || tl_yaml_expect_map(&y, root, "claim file", d)) {
		if (!root)
			tl_diag_add(d, path, 1, 1, "empty claim file");
		err = -EINVAL;
		goto out;
	}
	cx.bad += tl_yaml_check_keys(&y, root, keys, "claim file", d);
	cs->title = get_str(&cx, root, "title", "claim file", 1);
	cs->source = get_str(&cx, root, "source", "claim file", 0);
	parse_features(&cx, tl_yaml_get(&y, root, "features"), cs);
	list = tl_yaml_get(&y, root, "claims");
	if (!list || tl_yaml_expect_seq(&y, list, "claims", d)) {
		if (!list)
			err_at(&cx, root, "claim file: missing 'claims'");
		err = -EINVAL;
		goto out;
	}
	n = tl_yaml_seq_len(list);
	cs->claims = xcalloc((size_t)n + 1, sizeof(*cs->claims));
	for (i = 0; i < n; i++) {
		parse_claim(&cx, tl_yaml_seq_at(&y, list, i),
			    &cs->claims[cs->nclaims]);
		cs->nclaims++;
	}
	cs->nfile = cs->nclaims;
	check_set(&cx, list, cs);
	if (cx.bad)
		err = -EINVAL;
out:
	tl_yaml_release(&y);
	if (err)
		tl_claimset_release(cs);
	return err;
}

static void side_release(struct tl_side *s)
{
	tl_kv_free(s->params, s->nparams);
	s->params = NULL;
	FREE_AND_NULL(s->variant);
	s->nparams = 0;
}

static void claim_release(struct tl_claim *c)
{
	size_t i;

	free(c->id);
	free(c->section);
	free(c->text);
	free(c->claimed);
	free(c->quantity);
	free(c->toolchain);
	free(c->note);
	free(c->expect);
	tl_kv_free(c->code, c->ncode);
	free(c->m.experiment);
	free(c->m.metric);
	free(c->m.fact);
	side_release(&c->m.side[0]);
	side_release(&c->m.side[1]);
	free(c->p.text);
	for (i = 0; i < c->nneeds; i++)
		free(c->needs[i].feature);
	free(c->needs);
	free(c->unresolved);
}

static void feature_release(struct tl_feature *f)
{
	free(f->name);
	free(f->about);
	free(f->experiment);
	free(f->variant);
	free(f->fact);
	free(f->eq);
}

void tl_claimset_release(struct tl_claimset *cs)
{
	size_t i;

	if (!cs)
		return;
	for (i = 0; i < cs->nclaims; i++)
		claim_release(&cs->claims[i]);
	for (i = 0; i < cs->nfeatures; i++)
		feature_release(&cs->features[i]);
	free(cs->features);
	free(cs->claims);
	free(cs->path);
	free(cs->title);
	free(cs->source);
	memset(cs, 0, sizeof(*cs));
}

/* Whether a claim of cs needs feature f (what decides it must run). */
static int needed(const struct tl_claimset *cs, const struct tl_feature *f)
{
	for (size_t i = 0; i < cs->nclaims; i++)
		for (size_t k = 0; k < cs->claims[i].nneeds; k++)
			if (cs->claims[i].needs[k].feature &&
			    !strcmp(cs->claims[i].needs[k].feature, f->name))
				return 1;
	return 0;
}

static int matches(const char *id, const char *const *pats, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!fnmatch(pats[k], id, 0))
			return 1;
	return 0;
}

int tl_claims_only(struct tl_claimset *cs, const char *const *patterns,
		   size_t n, struct tl_diag *d)
{
	struct tl_strv ids = TL_STRV_INIT;
	size_t i, k, kept = 0;
	int bad = 0;

	for (i = 0; i < cs->nclaims; i++)
		tl_strv_push(&ids, cs->claims[i].id);
	for (k = 0; k < n; k++) {
		struct tl_buf hint = TL_BUF_INIT;

		for (i = 0; i < cs->nclaims; i++)
			if (!fnmatch(patterns[k], cs->claims[i].id, 0))
				break;
		if (i < cs->nclaims)
			continue;
		tl_suggest_hint(&hint, patterns[k], &ids);
		tl_diag_add(d, cs->path, 0, 0, "--only: no claim '%s'%s",
			    patterns[k], hint.len ? tl_buf_str(&hint) : "");
		tl_buf_release(&hint);
		bad = 1;
	}
	tl_strv_release(&ids);
	if (bad)
		return -EINVAL;
	for (i = 0; i < cs->nclaims; i++) {
		if (!matches(cs->claims[i].id, patterns, n))
			claim_release(&cs->claims[i]);
		else if (kept++ != i)
			cs->claims[kept - 1] = cs->claims[i];
	}
	cs->nclaims = kept;
	for (i = 0, k = 0; i < cs->nfeatures; i++) {
		if (!needed(cs, &cs->features[i]))
			feature_release(&cs->features[i]);
		else if (k++ != i)
			cs->features[k - 1] = cs->features[i];
	}
	cs->nfeatures = k;
	return (int)kept;
}
