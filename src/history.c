/*
 * history.c - the run history in SQLite.
 *
 * Write path: WAL journal, busy timeout TL_HISTORY_BUSY_MS, and each run in
 * one BEGIN IMMEDIATE ... COMMIT. IMMEDIATE takes the write lock at BEGIN,
 * so a second writer waits in the busy handler there instead of failing
 * later when its read transaction would have to be upgraded (which SQLite
 * refuses with SQLITE_BUSY regardless of the timeout). A process killed
 * before COMMIT leaves an uncommitted WAL tail that the next opener ignores.
 *
 * Schema versions (PRAGMA user_version), applied in order on open:
 *   1: runs (the whole JSON, machine fingerprint, toolchains) and metrics
 *   2: an index on metrics by figure, for series and compare queries
 *
 * Sample output of `traplab history`:
 *   id  started_utc           machine           commit   variants bad  metrics
 *    2  2026-11-25T22:40:00Z  9c1e5d0b7a3f4e21  3f2a9c1         4   0       12
 */
#include "history.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "metrics.h"
#include "stats.h"
#include "banned.h"

void (*tl__history_row_hook)(size_t row);

struct tl_history {
	sqlite3 *db;
	char *path;
};

static const char *const migrations[] = {
	/* 1 */
	"CREATE TABLE runs ("
	" id INTEGER PRIMARY KEY,"
	" uid TEXT NOT NULL UNIQUE,"
	" started_utc TEXT NOT NULL,"
	" stored_utc TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ')),"
	" fingerprint TEXT NOT NULL,"
	" hostname TEXT, version TEXT, tl_commit TEXT,"
	" toolchains TEXT, options TEXT, interfere TEXT,"
	" nvariants INTEGER NOT NULL, nbad INTEGER NOT NULL,"
	" nmetrics INTEGER NOT NULL,"
	" json TEXT NOT NULL);"
	"CREATE INDEX runs_machine ON runs(fingerprint, id);"
	"CREATE TABLE metrics ("
	" run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" experiment TEXT NOT NULL, params TEXT NOT NULL,"
	" variant TEXT NOT NULL, lang TEXT, status TEXT NOT NULL,"
	" metric TEXT NOT NULL, unit TEXT, source TEXT, n INTEGER,"
	" median REAL, ci_lo REAL, ci_hi REAL, p99 REAL,"
	" PRIMARY KEY (run_id, experiment, params, variant, metric));",
	/* 2 */
	"CREATE INDEX metrics_figure ON metrics(experiment, variant, metric,"
	" params, run_id);",
};

static int db_err(struct tl_history *h, struct tl_buf *err, const char *what)
{
	tl_buf_printf(err, "'%s': %s: %s", h->path, what,
		      sqlite3_errmsg(h->db));
	return -EIO;
}

static int exec(struct tl_history *h, const char *sql, struct tl_buf *err)
{
	char *msg = NULL;

	if (sqlite3_exec(h->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		tl_buf_printf(err, "'%s': %s", h->path,
			      msg ? msg : sqlite3_errmsg(h->db));
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

static int user_version(struct tl_history *h, int *v, struct tl_buf *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(h->db, "PRAGMA user_version", -1, &st, NULL))
		return db_err(h, err, "user_version");
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_err(h, err, "user_version");
}

static int migrate(struct tl_history *h, struct tl_buf *err)
{
	int v, rc;
	char *sql;

	/*
	 * The version is read inside the write transaction so that two
	 * processes creating the same file do not both run step 1.
	 */
	rc = exec(h, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	rc = user_version(h, &v, err);
	if (rc)
		goto rollback;
	if (v > (int)TL_ARRAY_SIZE(migrations)) {
		tl_buf_printf(err,
			      "'%s': schema version %d is newer than this "
			      "traplab's (%zu)",
			      h->path, v, TL_ARRAY_SIZE(migrations));
		rc = -EPROTO;
		goto rollback;
	}
	for (; v < (int)TL_ARRAY_SIZE(migrations); v++) {
		rc = exec(h, migrations[v], err);
		if (rc)
			goto rollback;
		sql = xasprintf("PRAGMA user_version = %d", v + 1);
		rc = exec(h, sql, err);
		free(sql);
		if (rc)
			goto rollback;
	}
	return exec(h, "COMMIT", err);

rollback:
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int tl_history_open(const char *db_path, int create, struct tl_history **out,
		    struct tl_buf *err)
{
	struct tl_history *h;
	const char *slash;
	int flags = SQLITE_OPEN_READWRITE, rc;

	if (create) {
		flags |= SQLITE_OPEN_CREATE;
		slash = strrchr(db_path, '/');
		if (slash && slash != db_path) {
			char *dir = xstrndup(db_path, slash - db_path);

			rc = tl_mkdirs(dir);
			free(dir);
			if (rc) {
				tl_buf_printf(err,
					      "cannot create folder of "
					      "'%s': %s",
					      db_path, strerror(-rc));
				return rc;
			}
		}
	}
	h = xcalloc(1, sizeof(*h));
	h->path = xstrdup(db_path);
	rc = sqlite3_open_v2(db_path, &h->db, flags, NULL);
	if (rc != SQLITE_OK) {
		if (!create && rc == SQLITE_CANTOPEN) {
			tl_buf_printf(err, "no history at '%s'", db_path);
			rc = -ENOENT;
		} else {
			rc = db_err(h, err, "open");
		}
		goto fail;
	}
	sqlite3_busy_timeout(h->db, TL_HISTORY_BUSY_MS);
	rc = exec(h,
		  "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;"
		  " PRAGMA synchronous = NORMAL",
		  err);
	if (!rc)
		rc = migrate(h, err);
	if (rc)
		goto fail;
	*out = h;
	return 0;

fail:
	tl_history_close(h);
	return rc;
}

void tl_history_close(struct tl_history *h)
{
	if (!h)
		return;
	sqlite3_close(h->db);
	free(h->path);
	free(h);
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

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_stat(sqlite3_stmt *st, int i, json_t *m, const char *stat)
{
	double v;

	if (m && !tl_metrics_stat(m, stat, &v) && isfinite(v))
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

struct add_ctx {
	struct tl_history *h;
	sqlite3_stmt *st;
	long long run_id;
	size_t rows, nvariants, nbad;
	struct tl_buf *err;
};

static int add_row(const struct tl_metric_ref *r, void *arg)
{
	struct add_ctx *a = arg;
	sqlite3_stmt *st = a->st;
	json_t *n;

	if (!r->name) {
		a->nvariants++;
		a->nbad += strcmp(r->status, "ok") != 0;
		/* A variant with no figures still records its status. */
		if (json_object_size(
			    json_object_get(r->variant_obj, "metrics")))
			return 0;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, a->run_id);
	bind_text(st, 2, r->experiment);
	bind_text(st, 3, r->params);
	bind_text(st, 4, r->variant);
	bind_text(st, 5, r->lang);
	bind_text(st, 6, r->status);
	bind_text(st, 7, r->name ? r->name : "");
	bind_text(st, 8, r->unit);
	bind_text(st, 9, r->source);
	n = json_object_get(r->metric, "n");
	if (json_is_integer(n))
		sqlite3_bind_int64(st, 10, json_integer_value(n));
	bind_stat(st, 11, r->metric, "median");
	bind_stat(st, 12, r->metric, "ci95_lower");
	bind_stat(st, 13, r->metric, "ci95_upper");
	bind_stat(st, 14, r->metric, "p99");
	if (sqlite3_step(st) != SQLITE_DONE)
		return db_err(a->h, a->err, "insert metric");
	a->rows++;
	if (tl__history_row_hook)
		tl__history_row_hook(a->rows);
	return 0;
}

int tl_history_find(struct tl_history *h, const char *text, size_t len,
		    long long *id)
{
	sqlite3_stmt *st;
	char uid[17];
	int rc = -ENOENT;

	content_uid(text, len, uid);
	if (sqlite3_prepare_v2(h->db, "SELECT id FROM runs WHERE uid = ?", -1,
			       &st, NULL))
		return -EIO;
	bind_text(st, 1, uid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int tl_history_add(struct tl_history *h, const char *text, size_t len,
		   const char *interfere, long long *run_id, int *was_new,
		   struct tl_buf *err)
{
	struct add_ctx a = {.h = h, .err = err};
	sqlite3_stmt *st = NULL;
	json_t *run, *env, *tl;
	char uid[17], *tc = NULL, *opts = NULL;
	long long id;
	int rc;

	if (was_new)
		*was_new = 0;
	rc = tl_metrics_parse("run", text, len, &run, err);
	if (rc)
		return rc;
	env = json_object_get(run, "env");
	tl = json_object_get(run, "traplab");
	if (!jstr(env, "fingerprint") || !jstr(run, "started_utc")) {
		tl_buf_puts(err, "run has no env.fingerprint or started_utc");
		rc = -EINVAL;
		goto out;
	}
	content_uid(text, len, uid);
	rc = exec(h, "BEGIN IMMEDIATE", err);
	if (rc)
		goto out;
	/* Checked inside the transaction: a racing twin cannot slip in. */
	if (!tl_history_find(h, text, len, &id)) {
		if (run_id)
			*run_id = id;
		rc = exec(h, "COMMIT", err);
		goto out;
	}
	if (!interfere) {
		json_t *o = json_object_get(json_object_get(run, "options"),
					    "interfere");
		interfere = json_is_string(o) ? json_string_value(o) : NULL;
	}
	tc = json_dumps(json_object_get(env, "toolchains"), JSON_COMPACT);
	opts = json_dumps(json_object_get(run, "options"), JSON_COMPACT);
	if (sqlite3_prepare_v2(
		    h->db,
		    "INSERT INTO runs (uid, started_utc, fingerprint, hostname,"
		    " version, tl_commit, toolchains, options, interfere,"
		    " nvariants, nbad, nmetrics, json)"
		    " VALUES (?,?,?,?,?,?,?,?,?,0,0,0,?)",
		    -1, &st, NULL)) {
		rc = db_err(h, err, "prepare");
		goto rollback;
	}
	bind_text(st, 1, uid);
	bind_text(st, 2, jstr(run, "started_utc"));
	bind_text(st, 3, jstr(env, "fingerprint"));
	bind_text(st, 4, jstr(env, "hostname"));
	bind_text(st, 5, jstr(tl, "version"));
	bind_text(st, 6, jstr(tl, "commit"));
	bind_text(st, 7, tc);
	bind_text(st, 8, opts);
	bind_text(st, 9, interfere);
	sqlite3_bind_text(st, 10, text, (int)len, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = db_err(h, err, "insert run");
		goto rollback;
	}
	sqlite3_finalize(st);
	st = NULL;
	a.run_id = sqlite3_last_insert_rowid(h->db);
	if (sqlite3_prepare_v2(h->db,
			       "INSERT INTO metrics VALUES "
			       "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &a.st, NULL)) {
		rc = db_err(h, err, "prepare");
		goto rollback;
	}
	rc = tl_metrics_walk(run, add_row, &a);
	sqlite3_finalize(a.st);
	if (rc)
		goto rollback;
	if (sqlite3_prepare_v2(h->db,
			       "UPDATE runs SET nvariants = ?, nbad = ?,"
			       " nmetrics = ? WHERE id = ?",
			       -1, &st, NULL)) {
		rc = db_err(h, err, "prepare");
		goto rollback;
	}
	sqlite3_bind_int64(st, 1, (long long)a.nvariants);
	sqlite3_bind_int64(st, 2, (long long)a.nbad);
	sqlite3_bind_int64(st, 3, (long long)a.rows);
	sqlite3_bind_int64(st, 4, a.run_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = db_err(h, err, "update run");
		goto rollback;
	}
	rc = exec(h, "COMMIT", err);
	if (rc)
		goto rollback;
	if (run_id)
		*run_id = a.run_id;
	if (was_new)
		*was_new = 1;
	goto out;

rollback:
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
out:
	sqlite3_finalize(st);
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
	rc = tl_history_open(db_path ? db_path : TL_HISTORY_DEFAULT_DB, 1, &h,
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

void tl_history_run_release(struct tl_history_run *r)
{
	free(r->uid);
	free(r->started_utc);
	free(r->fingerprint);
	free(r->hostname);
	free(r->version);
	free(r->commit);
	free(r->interfere);
}

void tl_history_runs_free(struct tl_history_run *runs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		tl_history_run_release(&runs[i]);
	free(runs);
}

static char *col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

int tl_history_list(struct tl_history *h, const char *fingerprint,
		    long long before_id, size_t limit,
		    struct tl_history_run **runs, size_t *n, struct tl_buf *err)
{
	struct tl_history_run *v = NULL;
	size_t cap = 0, k = 0;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(
		    h->db,
		    "SELECT id, uid, started_utc, fingerprint, hostname,"
		    " version, tl_commit, interfere, nmetrics, nvariants, nbad"
		    " FROM runs WHERE (?1 IS NULL OR fingerprint = ?1)"
		    " AND (?2 <= 0 OR id < ?2) ORDER BY id DESC LIMIT ?3",
		    -1, &st, NULL))
		return db_err(h, err, "list");
	bind_text(st, 1, fingerprint);
	sqlite3_bind_int64(st, 2, before_id);
	sqlite3_bind_int64(st, 3, limit ? (long long)limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			cap = cap ? 2 * cap : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[k++] = (struct tl_history_run){sqlite3_column_int64(st, 0),
						 col_str(st, 1),
						 col_str(st, 2),
						 col_str(st, 3),
						 col_str(st, 4),
						 col_str(st, 5),
						 col_str(st, 6),
						 col_str(st, 7),
						 sqlite3_column_int64(st, 8),
						 sqlite3_column_int64(st, 9),
						 sqlite3_column_int64(st, 10)};
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		tl_history_runs_free(v, k);
		return db_err(h, err, "list");
	}
	*runs = v;
	*n = k;
	return 0;
}

int tl_history_get_json(struct tl_history *h, long long id, json_t **out,
			struct tl_buf *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(h->db, "SELECT json FROM runs WHERE id = ?", -1,
			       &st, NULL))
		return db_err(h, err, "get");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		char *name = xasprintf("history run %lld", id);

		rc = tl_metrics_parse(
			name, (const char *)sqlite3_column_text(st, 0),
			(size_t)sqlite3_column_bytes(st, 0), out, err);
		free(name);
	} else if (rc == SQLITE_DONE) {
		tl_buf_printf(err, "no run %lld in '%s'", id, h->path);
		rc = -ENOENT;
	} else {
		rc = db_err(h, err, "get");
	}
	sqlite3_finalize(st);
	return rc;
}

static double col_double(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		       ? NAN
		       : sqlite3_column_double(st, i);
}

int tl_history_series(struct tl_history *h, const char *fingerprint,
		      const char *experiment, const char *params,
		      const char *variant, const char *metric,
		      struct tl_history_point **pts, size_t *n,
		      struct tl_buf *err)
{
	struct tl_history_point *v = NULL;
	size_t cap = 0, k = 0;
	sqlite3_stmt *st;
	int rc;

	/* MIN(params) picks one case per run when params is NULL. */
	if (sqlite3_prepare_v2(
		    h->db,
		    "SELECT m.run_id, m.median, m.ci_lo, m.ci_hi FROM metrics m"
		    " JOIN runs r ON r.id = m.run_id"
		    " WHERE m.experiment = ?1 AND m.variant = ?2"
		    " AND m.metric = ?3 AND (?4 IS NULL OR r.fingerprint = ?4)"
		    " AND m.params = COALESCE(?5, (SELECT MIN(params) FROM"
		    "  metrics x WHERE x.run_id = m.run_id AND"
		    "  x.experiment = ?1 AND x.variant = ?2 AND x.metric = ?3))"
		    " AND m.median IS NOT NULL ORDER BY m.run_id",
		    -1, &st, NULL))
		return db_err(h, err, "series");
	bind_text(st, 1, experiment);
	bind_text(st, 2, variant);
	bind_text(st, 3, metric);
	bind_text(st, 4, fingerprint);
	bind_text(st, 5, params);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			cap = cap ? 2 * cap : 32;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[k++] = (struct tl_history_point){
			sqlite3_column_int64(st, 0), col_double(st, 1),
			col_double(st, 2), col_double(st, 3)};
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return db_err(h, err, "series");
	}
	*pts = v;
	*n = k;
	return 0;
}

/* The command. */

static int usage(void)
{
	fprintf(stderr,
		"usage: traplab history [--db FILE] [--machine FP] "
		"[--limit N]\n"
		"       traplab history [--db FILE] add RUN.json...\n"
		"       traplab history [--db FILE] trend EXPERIMENT VARIANT "
		"METRIC [--params P] [--machine FP]\n");
	return 2;
}

static int cmd_list(struct tl_history *h, const char *machine, size_t limit)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history_run *runs;
	size_t n, i;

	if (tl_history_list(h, machine, 0, limit, &runs, &n, &err)) {
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
		tl_buf_release(&err);
		return 2;
	}
	printf("%5s  %-20s  %-16s  %-8s  %-12s %8s %4s %8s\n", "id",
	       "started_utc", "machine", "commit", "interfere", "variants",
	       "bad", "metrics");
	for (i = 0; i < n; i++)
		printf("%5lld  %-20s  %-16s  %-8s  %-12s %8lld %4lld %8lld\n",
		       runs[i].id, runs[i].started_utc, runs[i].fingerprint,
		       runs[i].commit ? runs[i].commit : "-",
		       runs[i].interfere ? runs[i].interfere : "-",
		       runs[i].nvariants, runs[i].nbad, runs[i].nmetrics);
	if (!n)
		printf("(no runs)\n");
	tl_history_runs_free(runs, n);
	return 0;
}

static int cmd_add(struct tl_history *h, int argc, char **argv)
{
	struct tl_buf err = TL_BUF_INIT;
	int i, rc = 0, was_new;
	long long id;
	char *text;
	size_t len;

	for (i = 0; i < argc; i++) {
		int r = tl_read_file(argv[i], &text, &len);

		if (r) {
			fprintf(stderr, "traplab: cannot open '%s': %s\n",
				argv[i], strerror(-r));
			rc = 2;
			continue;
		}
		r = tl_history_add(h, text, len, NULL, &id, &was_new, &err);
		free(text);
		if (r) {
			fprintf(stderr, "traplab: '%s': %s\n", argv[i],
				tl_buf_str(&err));
			err.len = 0;
			rc = 2;
			continue;
		}
		printf("%s run %lld: %s\n",
		       was_new ? "stored" : "already stored", id, argv[i]);
	}
	tl_buf_release(&err);
	return rc;
}

static int cmd_trend(struct tl_history *h, const char *machine, int argc,
		     char **argv)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history_point *p;
	struct tl_changepoint cp;
	const char *params = NULL;
	double *x;
	size_t n, i;
	int rc = 0;

	if (argc == 5 && !strcmp(argv[3], "--params"))
		params = argv[4];
	else if (argc != 3)
		return usage();
	if (tl_history_series(h, machine, argv[0], params, argv[1], argv[2], &p,
			      &n, &err)) {
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
		tl_buf_release(&err);
		return 2;
	}
	printf("%s/%s %s%s%s over %zu runs%s%s\n", argv[0], argv[1], argv[2],
	       params ? " " : "", params ? params : "", n,
	       machine ? " on machine " : "", machine ? machine : "");
	printf("%6s %14s %14s %14s\n", "run", "median", "ci95_lo", "ci95_hi");
	for (i = 0; i < n; i++)
		printf("%6lld %14.6g %14.6g %14.6g\n", p[i].run_id, p[i].median,
		       p[i].ci_lo, p[i].ci_hi);
	x = xmalloc((n ? n : 1) * sizeof(*x));
	for (i = 0; i < n; i++)
		x[i] = p[i].median;
	if (n >= 2 && !tl_stats_pettitt(x, n, &cp)) {
		printf("change point (Pettitt): K=%.0f p=%.3g split after run "
		       "%lld (%zu before, %zu after)\n",
		       cp.k, cp.p, cp.split ? p[cp.split - 1].run_id : 0LL,
		       cp.split, n - cp.split);
		printf("lasting shift: %s (needs p < %.2g and >= %d runs "
		       "after the change)\n",
		       cp.p < 0.01 && n - cp.split >= 3 ? "CONFIRMED" : "no",
		       0.01, 3);
	} else {
		printf("change point: needs at least 2 runs\n");
	}
	free(x);
	free(p);
	tl_buf_release(&err);
	return rc;
}

int cmd_history(int argc, char **argv)
{
	struct tl_buf err = TL_BUF_INIT;
	const char *db = TL_HISTORY_DEFAULT_DB, *machine = NULL;
	struct tl_history *h;
	size_t limit = 50;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (!strcmp(argv[i], "--machine") && i + 1 < argc)
			machine = argv[++i];
		else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
			limit = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--all"))
			limit = 0;
		else
			break;
	}
	if (i < argc && strcmp(argv[i], "add") && strcmp(argv[i], "trend"))
		return usage();
	rc = tl_history_open(db, i < argc && !strcmp(argv[i], "add"), &h, &err);
	if (rc) {
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
		tl_buf_release(&err);
		return 2;
	}
	if (i == argc)
		rc = cmd_list(h, machine, limit);
	else if (!strcmp(argv[i], "add"))
		rc = i + 1 < argc ? cmd_add(h, argc - i - 1, argv + i + 1)
				  : usage();
	else
		rc = cmd_trend(h, machine, argc - i - 1, argv + i + 1);
	tl_history_close(h);
	tl_buf_release(&err);
	return rc;
}
