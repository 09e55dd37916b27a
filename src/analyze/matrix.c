/*
 * matrix.c - results from many machines, pooled per machine fingerprint.
 *
 * Key decision: the unit of pooling is the raw sample. Medians of runs are
 * never averaged; the samples of every run of one fingerprint are
 * concatenated and the statistics recomputed with tl_summary_metric(), the
 * function the runner uses for one run, with the fixed bootstrap seed, so
 * a merged metric is indistinguishable from one long run on that machine
 * and the same inputs give the same figures bit for bit. Runs of different
 * fingerprints stay in separate merged runs (see matrix.h for the rules).
 *
 * Sample output of `traplab history matrix --metric ns_per_op`:
 *   machines
 *     M1  9c1e5d0b7a3f4e21  2 runs  Synthetic CPU, 2 CPUs, 1 NUMA node,
 *                                   no PMU, VM (KVM)
 *     M2  51d0e8a2c7f3b914  1 run   Intel Xeon Gold 6338, 64 CPUs, 2 NUMA
 *                                   nodes, PMU, bare metal
 *   figure                          M1                    M2
 *   alloc size=64 c.arena ns_per_op 2.085 [2.063, 2.112]  1.52 [1.5, 1.55]
 */
#include "analyze/matrix.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/history.h"
#include "measure/results.h"
#include "base/stats.h"
#include "measure/summary.h"
#include "base/jsonx.h"
#include "base/vec.h"

#include "base/banned.h"

void tl_matrix_init(struct tl_matrix *mx)
{
	*mx = (struct tl_matrix)TL_MATRIX_INIT;
}

void tl_matrix_release(struct tl_matrix *mx)
{
	size_t i;

	for (i = 0; i < mx->n; i++) {
		struct tl_matrix_machine *m = &mx->machines[i];

		free(m->fingerprint);
		free(m->toolchains);
		free(m->label);
		free(m->cpu_model);
		free(m->hypervisor);
		json_decref(m->run);
	}
	free(mx->machines);
	tl_matrix_init(mx);
}

static int jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? (int)json_integer_value(v) : -1;
}

static int jbool(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_boolean(v) ? json_is_true(v) : -1;
}

static json_t *find_named(json_t *arr, const char *name)
{
	json_t *x;
	size_t i;

	json_array_foreach(arr, i, x)
	{
		const char *n = tl_json_str(x, "name", NULL);

		if (n && !strcmp(n, name))
			return x;
	}
	return NULL;
}

static json_t *find_case(json_t *cases, json_t *params)
{
	json_t *c, *p;
	size_t i;

	json_array_foreach(cases, i, c)
	{
		p = json_object_get(c, "params");
		if ((!p && !params) || (p && params && json_equal(p, params)))
			return c;
	}
	return NULL;
}

static void conflict(json_t *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void conflict(json_t *run, const char *fmt, ...)
{
	struct tl_buf b = TL_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	tl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	json_array_append_new(
		json_object_get(json_object_get(run, "pool"), "conflicts"),
		json_string(tl_buf_str(&b)));
	tl_buf_release(&b);
}

static void label_from_env(struct tl_matrix_machine *m, json_t *env)
{
	struct tl_buf b = TL_BUF_INIT;
	const char *s;

	s = tl_json_str(env, "cpu_model", NULL);
	m->cpu_model = s ? xstrdup(s) : NULL;
	m->cpus = jint(env, "cpus");
	m->numa_nodes = jint(env, "numa_nodes");
	m->pmu = jbool(env, "pmu");
	m->virtualised = jbool(env, "virtualised");
	s = tl_json_str(env, "hypervisor", NULL);
	m->hypervisor = s && m->virtualised == 1 ? xstrdup(s) : NULL;

	tl_buf_puts(&b, m->cpu_model ? m->cpu_model : "unknown CPU");
	if (m->cpus > 0)
		tl_buf_printf(&b, ", %d CPU%s", m->cpus,
			      m->cpus == 1 ? "" : "s");
	if (m->numa_nodes > 0)
		tl_buf_printf(&b, ", %d NUMA node%s", m->numa_nodes,
			      m->numa_nodes == 1 ? "" : "s");
	if (m->pmu >= 0)
		tl_buf_puts(&b, m->pmu ? ", PMU" : ", no PMU");
	if (m->virtualised == 1)
		tl_buf_printf(&b, ", VM%s%s%s", m->hypervisor ? " (" : "",
			      m->hypervisor ? m->hypervisor : "",
			      m->hypervisor ? ")" : "");
	else if (m->virtualised == 0)
		tl_buf_puts(&b, ", bare metal");
	if (m->toolchains[0])
		tl_buf_printf(&b, "; %s", m->toolchains);
	m->label = b.s;
}

/*
 * "go1.26.8, zig 0.17.1": the Go and Zig releases a run used (env.
 * toolchains), "" when it does not say. Toolchains are an axis like
 * machines: runs that differ in them are never pooled.
 */
static char *toolchain_tag(json_t *env)
{
	json_t *tc = json_object_get(env, "toolchains");
	const char *go = tl_json_str(tc, "go", NULL);
	const char *zig = tl_json_str(tc, "zig", NULL);
	struct tl_buf b = TL_BUF_INIT;

	if (go)
		tl_buf_puts(&b, go);
	if (zig)
		tl_buf_printf(&b, "%szig %s", go ? ", " : "", zig);
	return b.s ? b.s : xstrdup("");
}

/* Every metric's samples must be numbers: checked once per added run. */
static int check_samples(const struct tl_metric_ref *r, void *arg)
{
	struct tl_buf *err = arg;
	double *x;
	size_t n;

	if (!r->name)
		return 0;
	if (tl_results_samples(r->metric, &x, &n)) {
		tl_buf_printf(err, "%s %s %s %s: samples are not numbers",
			      r->experiment, r->params, r->variant, r->name);
		return -EINVAL;
	}
	free(x);
	return 0;
}

static json_t *pool_entry(json_t *run, const char *source)
{
	json_t *e = json_object();
	const char *s;

	json_object_set_new(e, "source", json_string(source));
	s = tl_json_str(run, "started_utc", NULL);
	json_object_set_new(e, "started_utc", s ? json_string(s) : json_null());
	s = tl_json_str(json_object_get(run, "env"), "hostname", NULL);
	json_object_set_new(e, "hostname", s ? json_string(s) : json_null());
	return e;
}

static void add_hostname(json_t *pool, json_t *env)
{
	json_t *hosts = json_object_get(pool, "hostnames"), *x;
	const char *h = tl_json_str(env, "hostname", NULL);
	size_t i;

	if (!h)
		return;
	json_array_foreach(hosts, i, x)
	{
		if (!strcmp(json_string_value(x), h))
			return;
	}
	json_array_append_new(hosts, json_string(h));
}

/* The label fields must agree within a fingerprint; say so when not. */
static void check_env(json_t *run, json_t *a, json_t *b, const char *source)
{
	static const char *const keys[] = {"cpu_model", "cpus", "numa_nodes",
					   "pmu", "virtualised"};
	size_t i;

	for (i = 0; i < TL_ARRAY_SIZE(keys); i++) {
		json_t *x = json_object_get(a, keys[i]),
		       *y = json_object_get(b, keys[i]);

		if ((x || y) && !(x && y && json_equal(x, y)))
			conflict(run,
				 "%s: env.%s differs from the first run of "
				 "this fingerprint",
				 source, keys[i]);
	}
}

static void merge_status(json_t *dst, json_t *src)
{
	json_t *st = json_object_get(dst, "pool_statuses"), *x;
	const char *s = tl_json_str(src, "status", NULL), *d;
	struct tl_buf why = TL_BUF_INIT;
	size_t i;
	int same = 1;

	if (!st) {
		st = json_array();
		d = tl_json_str(dst, "status", NULL);
		json_array_append_new(st, json_string(d ? d : "ok"));
		json_object_set_new(dst, "pool_statuses", st);
	}
	json_array_append_new(st, json_string(s ? s : "ok"));
	json_array_foreach(st, i, x)
	{
		same &= json_equal(x, json_array_get(st, 0));
	}
	if (same)
		return;
	tl_buf_puts(&why, "runs pooled on this machine ended differently:");
	json_array_foreach(st, i, x)
	{
		tl_buf_printf(&why, "%s %s", i ? "," : "",
			      json_string_value(x));
	}
	json_object_set_new(dst, "status", json_string("partial"));
	json_object_set_new(dst, "reason", json_string(tl_buf_str(&why)));
	tl_buf_release(&why);
}

static void merge_variant(json_t *run, json_t *dst, json_t *src,
			  const char *where, const char *source)
{
	json_t *dm = json_object_get(dst, "metrics"),
	       *sm = json_object_get(src, "metrics"), *x, *y, *absent;
	const char *k;
	size_t i;

	merge_status(dst, src);
	if (!json_is_object(dm)) {
		dm = json_object();
		json_object_set_new(dst, "metrics", dm);
	}
	absent = json_object_get(dst, "absent");
	json_object_foreach(sm, k, x)
	{
		json_t *ds, *ss = json_object_get(x, "samples");

		y = json_object_get(dm, k);
		if (!y) {
			json_object_set_new(dm, k, json_deep_copy(x));
			json_object_del(absent, k);
			continue;
		}
		ds = json_object_get(y, "samples");
		if (!json_is_array(ds) || !json_is_array(ss)) {
			conflict(run,
				 "%s %s: %s has no raw samples to pool; the "
				 "first run's figures are kept",
				 where, k, source);
			continue;
		}
		json_array_foreach(ss, i, x)
		{
			json_array_append(ds, x);
		}
		json_object_set_new(y, "runs",
				    json_integer(jint(y, "runs") > 0
							 ? jint(y, "runs") + 1
							 : 2));
	}
	/* A figure measured in some run is not absent. */
	json_object_foreach(json_object_get(src, "absent"), k, x)
	{
		if (json_object_get(dm, k))
			continue;
		if (!json_is_object(absent)) {
			absent = json_object();
			json_object_set_new(dst, "absent", absent);
		}
		if (!json_object_get(absent, k))
			json_object_set(absent, k, x);
	}
	json_object_foreach(json_object_get(src, "facts"), k, x)
	{
		json_t *facts = json_object_get(dst, "facts");

		if (!json_is_object(facts)) {
			facts = json_object();
			json_object_set_new(dst, "facts", facts);
		}
		y = json_object_get(facts, k);
		if (!y)
			json_object_set(facts, k, x);
		else if (!json_equal(x, y))
			conflict(run,
				 "%s fact %s: %s says %s, the first run "
				 "%s; the first is kept",
				 where, k, source,
				 json_is_string(x) ? json_string_value(x) : "?",
				 json_is_string(y) ? json_string_value(y)
						   : "?");
	}
	x = json_object_get(src, "errors");
	y = json_object_get(dst, "errors");
	if (json_is_array(x) && json_array_size(x)) {
		if (!json_is_array(y)) {
			y = json_array();
			json_object_set_new(dst, "errors", y);
		}
		json_array_extend(y, x);
	}
}

static void merge_run(json_t *dst, json_t *src, const char *source)
{
	json_t *de = json_object_get(dst, "experiments"), *e, *c, *v, *x, *y;
	size_t ie, ic, iv;
	const char *a, *b;

	a = tl_json_str(dst, "started_utc", NULL);
	b = tl_json_str(src, "started_utc", NULL);
	if (a && b && strcmp(b, a) < 0)
		json_object_set_new(dst, "started_utc", json_string(b));
	x = json_object_get(dst, "elapsed_s");
	y = json_object_get(src, "elapsed_s");
	if (json_is_number(x) && json_is_number(y))
		json_object_set_new(
			dst, "elapsed_s",
			json_real(json_number_value(x) + json_number_value(y)));
	x = json_object_get(json_object_get(dst, "noise"), "aa_mde_pct");
	y = json_object_get(json_object_get(src, "noise"), "aa_mde_pct");
	if (json_is_number(y) &&
	    (!json_is_number(x) || json_number_value(y) > json_number_value(x)))
		json_object_set(dst, "noise", json_object_get(src, "noise"));

	json_array_foreach(json_object_get(src, "experiments"), ie, e)
	{
		const char *ename = tl_json_str(e, "name", NULL);
		json_t *dexp = ename ? find_named(de, ename) : NULL;

		if (!dexp) {
			json_array_append_new(de, json_deep_copy(e));
			continue;
		}
		json_array_foreach(json_object_get(e, "cases"), ic, c)
		{
			json_t *dcases = json_object_get(dexp, "cases");
			json_t *dc =
				find_case(dcases, json_object_get(c, "params"));
			char *where;

			if (!dc) {
				if (!json_is_array(dcases)) {
					dcases = json_array();
					json_object_set_new(dexp, "cases",
							    dcases);
				}
				json_array_append_new(dcases,
						      json_deep_copy(c));
				continue;
			}
			x = json_object_get(dc, "rounds");
			y = json_object_get(c, "rounds");
			if (json_is_integer(x) && json_is_integer(y))
				json_object_set_new(
					dc, "rounds",
					json_integer(json_integer_value(x) +
						     json_integer_value(y)));
			json_array_foreach(json_object_get(c, "variants"), iv,
					   v)
			{
				const char *vname =
					tl_json_str(v, "name", NULL);
				json_t *dvs = json_object_get(dc, "variants");
				json_t *dv =
					vname ? find_named(dvs, vname) : NULL;

				if (!dv) {
					json_array_append_new(
						dvs, json_deep_copy(v));
					continue;
				}
				{
					char *ps = json_dumps(
						json_object_get(c, "params"),
						JSON_COMPACT | JSON_SORT_KEYS |
							JSON_ENCODE_ANY);

					where = xasprintf("%s %s %s", ename,
							  ps ? ps : "{}",
							  vname);
					free(ps);
				}
				merge_variant(dst, dv, v, where, source);
				free(where);
			}
		}
	}
}

int tl_matrix_add(struct tl_matrix *mx, json_t *run, const char *source,
		  struct tl_buf *err)
{
	struct tl_matrix_machine *m = NULL;
	json_t *env = json_object_get(run, "env"), *pool;
	const char *fp = tl_json_str(env, "fingerprint", NULL);
	char *tc;
	size_t i;
	int rc;

	/*
	 * A run that does not say its machine (hand-written, or from before
	 * fingerprints) is one machine of its own kind, "unknown".
	 */
	if (!fp)
		fp = "unknown";
	if (!json_is_array(json_object_get(run, "experiments"))) {
		tl_buf_printf(err,
			      "'%s': no experiments list (not a traplab "
			      "results file?)",
			      source);
		return -EINVAL;
	}
	rc = tl_results_walk(run, check_samples, err);
	if (rc) {
		tl_buf_printf(err, " (in '%s')", source);
		return rc;
	}
	tc = toolchain_tag(env);
	for (i = 0; i < mx->n; i++)
		if (!strcmp(mx->machines[i].fingerprint, fp) &&
		    !strcmp(mx->machines[i].toolchains, tc))
			m = &mx->machines[i];
	if (!m) {
		if (mx->n == mx->cap) {
			mx->cap = mx->cap ? 2 * mx->cap : 4;
			mx->machines = xrealloc(
				mx->machines, mx->cap * sizeof(*mx->machines));
		}
		m = &mx->machines[mx->n++];
		*m = (struct tl_matrix_machine){.fingerprint = xstrdup(fp),
						.toolchains = tc};
		tc = NULL;
		label_from_env(m, env);
		m->run = json_deep_copy(run);
		pool = json_object();
		json_object_set_new(pool, "runs", json_array());
		json_object_set_new(pool, "hostnames", json_array());
		json_object_set_new(pool, "conflicts", json_array());
		json_object_set_new(m->run, "pool", pool);
	} else {
		pool = json_object_get(m->run, "pool");
		check_env(m->run, json_object_get(m->run, "env"), env, source);
		merge_run(m->run, run, source);
		m->dirty = 1;
	}
	json_array_append_new(json_object_get(pool, "runs"),
			      pool_entry(run, source));
	add_hostname(pool, env);
	m->nruns++;
	free(tc);
	return 0;
}

int tl_matrix_add_file(struct tl_matrix *mx, const char *path,
		       struct tl_buf *err)
{
	json_t *run;
	int rc;

	rc = tl_results_load(path, &run, err);
	if (rc)
		return rc;
	rc = tl_matrix_add(mx, run, path, err);
	json_decref(run);
	return rc;
}

int tl_matrix_add_history(struct tl_matrix *mx, struct tl_history *h,
			  const char *fingerprint, size_t last,
			  struct tl_buf *err)
{
	struct tl_history_run *runs;
	struct tl_strv fps = TL_STRV_INIT;
	size_t n, i, j, *taken, *idx, k = 0;
	int rc;

	rc = tl_history_list(h, fingerprint, 0, 0, &runs, &n, err);
	if (rc)
		return rc;
	/* Newest first: keep the first `last` plain runs of each machine. */
	taken = xcalloc(n + 1, sizeof(*taken));
	idx = xcalloc(n + 1, sizeof(*idx));
	for (i = 0; i < n; i++) {
		if (runs[i].interfere && *runs[i].interfere)
			continue;
		for (j = 0; j < fps.n; j++)
			if (!strcmp(fps.v[j], runs[i].fingerprint))
				break;
		if (j == fps.n)
			tl_strv_push(&fps, runs[i].fingerprint);
		if (last && taken[j] >= last)
			continue;
		taken[j]++;
		idx[k++] = i;
	}
	/* Oldest first, so machines appear in the order they first ran. */
	for (i = k; i-- > 0 && !rc;) {
		json_t *run;
		char *src = xasprintf("history run %lld", runs[idx[i]].id);

		rc = tl_history_get_json(h, runs[idx[i]].id, &run, err);
		if (!rc) {
			rc = tl_matrix_add(mx, run, src, err);
			json_decref(run);
		}
		free(src);
	}
	free(taken);
	free(idx);
	tl_strv_release(&fps);
	tl_history_runs_free(runs, n);
	return rc;
}

/* The statistics of one pooled metric, from its samples. */
static void recompute(const char *name, json_t *metric)
{
	static const char *const stats[] = {"n",    "median", "ci95",	"mad",
					    "mean", "min",    "max",	"p90",
					    "p99",  "p999",   "samples"};
	const char *source = tl_json_str(metric, "source", NULL);
	json_t *fresh, *v;
	const char *k;
	double *x;
	size_t n, i;

	if (jint(metric, "runs") < 2 || tl_results_samples(metric, &x, &n) ||
	    !n)
		return;
	fresh = tl_summary_metric(name, x, n, source ? source : "",
				  TL_STATS_BOOT_SEED);
	free(x);
	for (i = 0; i < TL_ARRAY_SIZE(stats); i++)
		json_object_del(metric, stats[i]);
	json_object_foreach(fresh, k, v)
	{
		if (strcmp(k, "unit") && strcmp(k, "source"))
			json_object_set(metric, k, v);
	}
	json_decref(fresh);
}

static void refresh(struct tl_matrix_machine *m)
{
	json_t *e, *c, *v, *x;
	size_t ie, ic, iv;
	const char *k;

	if (!m->dirty)
		return;
	json_array_foreach(json_object_get(m->run, "experiments"), ie, e)
	{
		json_array_foreach(json_object_get(e, "cases"), ic, c)
		{
			json_array_foreach(json_object_get(c, "variants"), iv,
					   v)
			{
				json_object_foreach(
					json_object_get(v, "metrics"), k, x)
				{
					recompute(k, x);
				}
			}
		}
	}
	m->dirty = 0;
}

const struct tl_matrix_machine *tl_matrix_machine(struct tl_matrix *mx,
						  size_t i)
{
	if (i >= mx->n)
		return NULL;
	refresh(&mx->machines[i]);
	return &mx->machines[i];
}

const struct tl_matrix_machine *tl_matrix_find(struct tl_matrix *mx,
					       const char *fingerprint)
{
	size_t i;

	for (i = 0; i < mx->n; i++)
		if (!strcmp(mx->machines[i].fingerprint, fingerprint))
			return tl_matrix_machine(mx, i);
	return NULL;
}

/* Printing: rows are figures, columns machines. */

struct row {
	char *key;    /* "alloc size=64 c.arena ns_per_op" */
	char **cells; /* one per machine, NULL: no such figure */
};

struct print_ctx {
	struct row *rows;
	size_t n, cap, col, ncols;
	const char *metric;
};

static int collect(const struct tl_metric_ref *r, void *arg)
{
	struct print_ctx *p = arg;
	struct tl_buf key = TL_BUF_INIT, cell = TL_BUF_INIT;
	double med, lo, hi;
	size_t i;

	if (!r->name || (p->metric && strcmp(p->metric, r->name)))
		return 0;
	tl_buf_printf(&key, "%s%s%s %s %s", r->experiment,
		      *r->params ? " " : "", r->params, r->variant, r->name);
	for (i = 0; i < p->n; i++)
		if (!strcmp(p->rows[i].key, tl_buf_str(&key)))
			break;
	if (i == p->n) {
		TL_VEC_RESERVE(p->rows, p->cap, p->n + 1);
		p->rows[i].key = xstrdup(tl_buf_str(&key));
		p->rows[i].cells = xcalloc(p->ncols, sizeof(char *));
		p->n++;
	}
	if (tl_results_stat(r->metric, "median", &med))
		tl_buf_puts(&cell, "?");
	else if (!tl_results_stat(r->metric, "ci95_lower", &lo) &&
		 !tl_results_stat(r->metric, "ci95_upper", &hi))
		tl_buf_printf(&cell, "%.4g [%.4g, %.4g]", med, lo, hi);
	else
		tl_buf_printf(&cell, "%.4g", med);
	if (*r->unit && strcmp(r->unit, "count"))
		tl_buf_printf(&cell, " %s", r->unit);
	if (strcmp(r->status, "ok"))
		tl_buf_printf(&cell, " (%s)", r->status);
	free(p->rows[i].cells[p->col]);
	p->rows[i].cells[p->col] = cell.s;
	tl_buf_release(&key);
	return 0;
}

void tl_matrix_print(struct tl_matrix *mx, const char *metric,
		     struct tl_buf *out)
{
	struct print_ctx p = {.ncols = mx->n, .metric = metric};
	size_t i, j, kw = 6, *w;

	tl_buf_puts(out, "machines\n");
	for (i = 0; i < mx->n; i++) {
		const struct tl_matrix_machine *m = tl_matrix_machine(mx, i);
		json_t *conf = json_object_get(json_object_get(m->run, "pool"),
					       "conflicts");

		tl_buf_printf(out, "  M%zu  %s  %zu run%s  %s\n", i + 1,
			      m->fingerprint, m->nruns,
			      m->nruns == 1 ? " " : "s", m->label);
		if (json_array_size(conf))
			tl_buf_printf(out,
				      "      %zu pooling conflict%s (see "
				      "pool.conflicts)\n",
				      json_array_size(conf),
				      json_array_size(conf) == 1 ? "" : "s");
	}
	for (i = 0; i < mx->n; i++) {
		p.col = i;
		tl_results_walk(mx->machines[i].run, collect, &p);
	}
	w = xcalloc(mx->n + 1, sizeof(*w));
	for (j = 0; j < mx->n; j++)
		w[j] = 3 + (j >= 9) + (j >= 99);
	for (i = 0; i < p.n; i++) {
		if (strlen(p.rows[i].key) > kw)
			kw = strlen(p.rows[i].key);
		for (j = 0; j < mx->n; j++)
			if (p.rows[i].cells[j] &&
			    strlen(p.rows[i].cells[j]) > w[j])
				w[j] = strlen(p.rows[i].cells[j]);
	}
	tl_buf_printf(out, "%-*s", (int)kw, "figure");
	for (j = 0; j < mx->n; j++) {
		char col[24];

		snprintf(col, sizeof(col), "M%zu", j + 1);
		tl_buf_printf(out, "  %-*s", j + 1 < mx->n ? (int)w[j] : 0,
			      col);
	}
	tl_buf_puts(out, "\n");
	for (i = 0; i < p.n; i++) {
		tl_buf_printf(out, "%-*s", (int)kw, p.rows[i].key);
		for (j = 0; j < mx->n; j++)
			tl_buf_printf(
				out, "  %-*s", j + 1 < mx->n ? (int)w[j] : 0,
				p.rows[i].cells[j] ? p.rows[i].cells[j] : "-");
		tl_buf_puts(out, "\n");
		for (j = 0; j < mx->n; j++)
			free(p.rows[i].cells[j]);
		free(p.rows[i].cells);
		free(p.rows[i].key);
	}
	if (!p.n)
		tl_buf_printf(out, "(no figures%s%s)\n",
			      metric ? " named " : "", metric ? metric : "");
	free(p.rows);
	free(w);
}
