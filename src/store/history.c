/*
 * history.c - the run history: the rules every backend follows.
 *
 * A history is named by a path (SQLite, history_sqlite.c) or a
 * postgres:// URL (PostgreSQL, history_pg.c, for a history many machines
 * write). The rules live here, once: a run is parsed and checked, then
 * stored in one write transaction that first looks for the same content id
 * (so a run is never stored twice, even by two racing writers), writes the
 * run row, one row per (experiment, params, variant, metric), and the
 * counts, and commits. A writer killed before COMMIT leaves nothing
 * behind on either backend. The tables and their migrations are one list
 * for both backends (schema.c).
 */
#include "store/history.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/history_pg.h"
#include "store/history_sqlite.h"
#include "measure/results.h"
#include "base/stats.h"
#include "base/jsonx.h"
#include "base/banned.h"

void (*tl__history_row_hook)(size_t row);

struct tl_history {
	const struct tl__history_ops *ops;
	void *db;
};

const char *tl_history_default(void)
{
	const char *s = getenv("TRAPLAB_HISTORY");

	return s && *s ? s : "results/history.sqlite";
}

int tl_history_is_postgres(const char *url)
{
	return !strncmp(url, "postgres://", 11) ||
	       !strncmp(url, "postgresql://", 13);
}

/* The backend-neutral layer. */

int tl_history_open(const char *url, int mode, struct tl_history **out,
		    struct tl_buf *err)
{
	const struct tl__history_ops *ops;
	void *db;
	int rc;

	if (tl_history_is_postgres(url))
		rc = tl__history_pg_open(url, mode & TL_HISTORY_CREATE, &ops,
					 &db, err);
	else
		rc = tl__history_sqlite_open(url, mode, &ops, &db, err);
	if (rc)
		return rc;
	*out = xcalloc(1, sizeof(**out));
	(*out)->ops = ops;
	(*out)->db = db;
	return 0;
}

void tl_history_close(struct tl_history *h)
{
	if (!h)
		return;
	h->ops->close(h->db);
	free(h);
}

const char *tl_history_backend(const struct tl_history *h)
{
	return h->ops->name;
}

int tl_history_schema_version(struct tl_history *h, int *v, struct tl_buf *err)
{
	return h->ops->schema_version(h->db, v, err);
}

int tl__history_exec(struct tl_history *h, const char *sql, struct tl_buf *err)
{
	return h->ops->exec(h->db, sql, err);
}

int tl__history_scalar(struct tl_history *h, const char *sql, long long *out,
		       struct tl_buf *err)
{
	return h->ops->scalar(h->db, sql, out, err);
}

int tl__history_set_schema_version(struct tl_history *h, int v,
				   struct tl_buf *err)
{
	return h->ops->set_schema_version(h->db, v, err);
}

/* FNV-1a, 64 bits: a content id, not a security measure. */
static void content_uid(const char *text, size_t len, char out[17])
{
	uint64_t x = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= (unsigned char)text[i];
		x *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)x);
}

static double stat_or_nan(json_t *m, const char *stat)
{
	double v;

	return m && !tl_results_stat(m, stat, &v) && isfinite(v) ? v : NAN;
}

struct add_ctx {
	struct tl_history *h;
	long long run_id;
	size_t rows, nvariants, nbad;
	struct tl_buf *err;
};

static int add_row(const struct tl_metric_ref *r, void *arg)
{
	struct add_ctx *a = arg;
	struct tl__history_metric_row m;
	json_t *n;
	int rc;

	if (!r->name) {
		a->nvariants++;
		a->nbad += strcmp(r->status, "ok") != 0;
		/* A variant with no figures still records its status. */
		if (json_object_size(
			    json_object_get(r->variant_obj, "metrics")))
			return 0;
	}
	n = json_object_get(r->metric, "n");
	m = (struct tl__history_metric_row){
		.experiment = r->experiment,
		.params = r->params,
		.variant = r->variant,
		.lang = r->lang,
		.status = r->status,
		.metric = r->name ? r->name : "",
		.unit = r->unit,
		.source = r->source,
		.n = json_is_integer(n) ? (long long)json_integer_value(n) : -1,
		.median = stat_or_nan(r->metric, "median"),
		.ci_lo = stat_or_nan(r->metric, "ci95_lower"),
		.ci_hi = stat_or_nan(r->metric, "ci95_upper"),
		.p99 = stat_or_nan(r->metric, "p99"),
	};
	rc = a->h->ops->insert_metric(a->h->db, a->run_id, &m, a->err);
	if (rc)
		return rc;
	a->rows++;
	if (tl__history_row_hook)
		tl__history_row_hook(a->rows);
	return 0;
}

int tl_history_find(struct tl_history *h, const char *text, size_t len,
		    long long *id)
{
	char uid[17];

	content_uid(text, len, uid);
	return h->ops->find(h->db, uid, id);
}

int tl_history_add(struct tl_history *h, const char *text, size_t len,
		   const char *interfere, long long *run_id, int *was_new,
		   struct tl_buf *err)
{
	struct add_ctx a = {.h = h, .err = err};
	struct tl__history_run_row row;
	json_t *run, *env, *tl;
	char uid[17], *tc = NULL, *opts = NULL;
	long long id;
	int rc;

	if (was_new)
		*was_new = 0;
	rc = tl_results_parse("run", text, len, &run, err);
	if (rc)
		return rc;
	env = json_object_get(run, "env");
	tl = json_object_get(run, "traplab");
	if (!tl_json_str(env, "fingerprint", NULL) ||
	    !tl_json_str(run, "started_utc", NULL)) {
		tl_buf_puts(err, "run has no env.fingerprint or started_utc");
		rc = -EINVAL;
		goto out;
	}
	/* A trend or an SLO window must not count a run cut short. */
	if (json_object_get(run, "incomplete")) {
		tl_buf_puts(err, "the run is incomplete (interrupted or still "
				 "going); it is not stored");
		rc = -EINVAL;
		goto out;
	}
	content_uid(text, len, uid);
	rc = h->ops->begin(h->db, err);
	if (rc)
		goto out;
	/* Checked inside the transaction: a racing twin cannot slip in. */
	rc = h->ops->find(h->db, uid, &id);
	if (!rc) {
		if (run_id)
			*run_id = id;
		rc = h->ops->commit(h->db, err);
		goto out;
	}
	if (rc != -ENOENT) {
		tl_buf_puts(err, "cannot look up the run's content id");
		goto rollback;
	}
	if (!interfere) {
		json_t *o = json_object_get(json_object_get(run, "options"),
					    "interfere");
		interfere = json_is_string(o) ? json_string_value(o) : NULL;
	}
	tc = json_dumps(json_object_get(env, "toolchains"), JSON_COMPACT);
	opts = json_dumps(json_object_get(run, "options"), JSON_COMPACT);
	row = (struct tl__history_run_row){
		.uid = uid,
		.started_utc = tl_json_str(run, "started_utc", NULL),
		.fingerprint = tl_json_str(env, "fingerprint", NULL),
		.hostname = tl_json_str(env, "hostname", NULL),
		.version = tl_json_str(tl, "version", NULL),
		.commit = tl_json_str(tl, "commit", NULL),
		.toolchains = tc,
		.options = opts,
		.interfere = interfere,
		.json = text,
		.json_len = len,
	};
	rc = h->ops->insert_run(h->db, &row, &a.run_id, err);
	if (rc)
		goto rollback;
	rc = tl_results_walk(run, add_row, &a);
	if (rc)
		goto rollback;
	rc = h->ops->set_counts(h->db, a.run_id, (long long)a.nvariants,
				(long long)a.nbad, (long long)a.rows, err);
	if (rc)
		goto rollback;
	rc = h->ops->commit(h->db, err);
	if (rc)
		goto rollback;
	if (run_id)
		*run_id = a.run_id;
	if (was_new)
		*was_new = 1;
	goto out;

rollback:
	h->ops->rollback(h->db);
out:
	free(tc);
	free(opts);
	json_decref(run);
	return rc;
}

int tl_history_store(const char *db_path, const char *results_json_path)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history *h = NULL;
	char *text = NULL;
	size_t len;
	int rc;

	rc = tl_read_file(results_json_path, &text, &len);
	if (rc) {
		tl_buf_printf(&err, "cannot open '%s': %s", results_json_path,
			      strerror(-rc));
		goto out;
	}
	rc = tl_history_open(db_path ? db_path : tl_history_default(), 1, &h,
			     &err);
	if (!rc)
		rc = tl_history_add(h, text, len, NULL, NULL, NULL, &err);
out:
	if (rc)
		fprintf(stderr, "traplab: history: %s\n", tl_buf_str(&err));
	tl_history_close(h);
	free(text);
	tl_buf_release(&err);
	return rc;
}

int tl_history_list(struct tl_history *h, const char *fingerprint,
		    long long before_id, size_t limit,
		    struct tl_history_run **runs, size_t *n, struct tl_buf *err)
{
	return h->ops->list(h->db, fingerprint, before_id, limit, runs, n, err);
}

int tl_history_get_json(struct tl_history *h, long long id, json_t **out,
			struct tl_buf *err)
{
	char *text, *name;
	size_t len;
	int rc;

	rc = h->ops->get_json(h->db, id, &text, &len, err);
	if (rc)
		return rc;
	name = xasprintf("history run %lld", id);
	rc = tl_results_parse(name, text, len, out, err);
	free(name);
	free(text);
	return rc;
}

int tl_history_series(struct tl_history *h, const char *fingerprint,
		      const char *experiment, const char *params,
		      const char *variant, const char *metric,
		      struct tl_history_point **pts, size_t *n,
		      struct tl_buf *err)
{
	return h->ops->series(h->db, fingerprint, experiment, params, variant,
			      metric, pts, n, err);
}
