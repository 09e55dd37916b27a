/*
 * history_sqlite.c - the history's SQLite backend (the embedded default).
 *
 * Write path: WAL journal, busy timeout TL_HISTORY_BUSY_MS, and each run
 * in one BEGIN IMMEDIATE ... COMMIT. IMMEDIATE takes the write lock at
 * BEGIN, so a second writer waits in the busy handler there instead of
 * failing later when its read transaction would have to be upgraded (which
 * SQLite refuses with SQLITE_BUSY regardless of the timeout). A process
 * killed before COMMIT leaves an uncommitted WAL tail that the next opener
 * ignores. The schema version is PRAGMA user_version.
 */
#include "store/history_sqlite.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "base/vec.h"

#include "base/banned.h"

/* Defined at the end; the migration drives the backend through it. */
static const struct tl__history_ops sq_ops;

struct sq {
	sqlite3 *db;
	sqlite3_stmt *ins_metric; /* prepared on first use */
	char *path;
};

static int sq_err(struct sq *q, struct tl_buf *err, const char *what)
{
	tl_buf_printf(err, "'%s': %s: %s", q->path, what,
		      sqlite3_errmsg(q->db));
	return -EIO;
}

static int sq_exec(void *db, const char *sql, struct tl_buf *err)
{
	struct sq *q = db;
	char *msg = NULL;

	if (sqlite3_exec(q->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		tl_buf_printf(err, "'%s': %s", q->path,
			      msg ? msg : sqlite3_errmsg(q->db));
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

static int sq_scalar(void *db, const char *sql, long long *out,
		     struct tl_buf *err)
{
	struct sq *q = db;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL))
		return sq_err(q, err, "query");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE) {
		tl_buf_printf(err, "'%s': query returned no row", q->path);
		return -ENOENT;
	}
	return sq_err(q, err, "query");
}

static int sq_schema_version(void *db, int *v, struct tl_buf *err)
{
	long long x;
	int rc = sq_scalar(db, "PRAGMA user_version", &x, err);

	if (!rc)
		*v = (int)x;
	return rc;
}

static int sq_set_schema_version(void *db, int v, struct tl_buf *err)
{
	char *sql = xasprintf("PRAGMA user_version = %d", v);
	int rc = sq_exec(db, sql, err);

	free(sql);
	return rc;
}

static int sq_migrate(struct sq *q, struct tl_buf *err)
{
	int v, rc;

	/*
	 * The version is read inside the write transaction so that two
	 * processes creating the same file do not both run step 1.
	 */
	rc = sq_exec(q, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	rc = sq_schema_version(q, &v, err);
	if (rc)
		goto rollback;
	rc = tl_schema_migrate(&sq_ops, q, TL_SCHEMA_SQLITE, q->path, v, err);
	if (rc)
		goto rollback;
	return sq_exec(q, "COMMIT", err);

rollback:
	sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/*
 * Read commands open the file read-only (a history on a read-only disk or
 * owned by another user is still readable) and never migrate: a file of an
 * older schema is migrated by the next write.
 */
static int sq_check_readable(struct sq *q, struct tl_buf *err)
{
	int v, rc = sq_schema_version(q, &v, err);

	if (rc)
		return rc;
	if (v == TL_HISTORY_SCHEMA)
		return 0;
	tl_buf_printf(err, "'%s': schema version %d, this traplab reads %d%s",
		      q->path, v, TL_HISTORY_SCHEMA,
		      v < TL_HISTORY_SCHEMA
			      ? " (the next `traplab run` or `traplab history "
				"add` migrates it)"
			      : "");
	return -EPROTO;
}

/*
 * A WAL file whose -shm cannot be created (read-only disk) cannot be read
 * through the shared-memory index; opened immutable it can, and on a
 * read-only disk nothing else can change it.
 */
static int sq_reopen_immutable(struct sq *q)
{
	struct tl_buf uri = TL_BUF_INIT;
	const char *c;
	int rc;

	tl_buf_puts(&uri, "file:");
	for (c = q->path; *c; c++) {
		if (*c == '%' || *c == '?' || *c == '#')
			tl_buf_printf(&uri, "%%%02X", (unsigned char)*c);
		else
			tl_buf_append(&uri, c, 1);
	}
	tl_buf_puts(&uri, "?mode=ro&immutable=1");
	sqlite3_close(q->db);
	rc = sqlite3_open_v2(tl_buf_str(&uri), &q->db,
			     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	tl_buf_release(&uri);
	return rc;
}

static void sq_close(void *db)
{
	struct sq *q = db;

	if (!q)
		return;
	sqlite3_finalize(q->ins_metric);
	sqlite3_close(q->db);
	free(q->path);
	free(q);
}

static int sq_begin(void *db, struct tl_buf *err)
{
	return sq_exec(db, "BEGIN IMMEDIATE", err);
}

static int sq_commit(void *db, struct tl_buf *err)
{
	return sq_exec(db, "COMMIT", err);
}

static void sq_rollback(void *db)
{
	struct sq *q = db;

	sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_double(sqlite3_stmt *st, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static int sq_find(void *db, const char *uid, long long *id)
{
	struct sq *q = db;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(q->db, "SELECT id FROM runs WHERE uid = ?", -1,
			       &st, NULL))
		return -EIO;
	bind_text(st, 1, uid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : -EIO;
}

static int sq_insert_run(void *db, const struct tl__history_run_row *r,
			 long long *id, struct tl_buf *err)
{
	struct sq *q = db;
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(
		    q->db,
		    "INSERT INTO runs (uid, started_utc, fingerprint, hostname,"
		    " version, tl_commit, toolchains, options, interfere,"
		    " nvariants, nbad, nmetrics, json)"
		    " VALUES (?,?,?,?,?,?,?,?,?,0,0,0,?)",
		    -1, &st, NULL))
		return sq_err(q, err, "prepare");
	bind_text(st, 1, r->uid);
	bind_text(st, 2, r->started_utc);
	bind_text(st, 3, r->fingerprint);
	bind_text(st, 4, r->hostname);
	bind_text(st, 5, r->version);
	bind_text(st, 6, r->commit);
	bind_text(st, 7, r->toolchains);
	bind_text(st, 8, r->options);
	bind_text(st, 9, r->interfere);
	sqlite3_bind_text(st, 10, r->json, (int)r->json_len, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = sq_err(q, err, "insert run");
	else
		*id = sqlite3_last_insert_rowid(q->db);
	sqlite3_finalize(st);
	return rc;
}

static int sq_insert_metric(void *db, long long run_id,
			    const struct tl__history_metric_row *m,
			    struct tl_buf *err)
{
	struct sq *q = db;
	sqlite3_stmt *st;

	if (!q->ins_metric &&
	    sqlite3_prepare_v2(q->db,
			       "INSERT INTO metrics VALUES "
			       "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &q->ins_metric, NULL))
		return sq_err(q, err, "prepare");
	st = q->ins_metric;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, m->experiment);
	bind_text(st, 3, m->params);
	bind_text(st, 4, m->variant);
	bind_text(st, 5, m->lang);
	bind_text(st, 6, m->status);
	bind_text(st, 7, m->metric);
	bind_text(st, 8, m->unit);
	bind_text(st, 9, m->source);
	if (m->n >= 0)
		sqlite3_bind_int64(st, 10, m->n);
	bind_double(st, 11, m->median);
	bind_double(st, 12, m->ci_lo);
	bind_double(st, 13, m->ci_hi);
	bind_double(st, 14, m->p99);
	if (sqlite3_step(st) != SQLITE_DONE) {
		int rc = sq_err(q, err, "insert metric");

		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	return 0;
}

static int sq_set_counts(void *db, long long id, long long nvariants,
			 long long nbad, long long nmetrics, struct tl_buf *err)
{
	struct sq *q = db;
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(q->db,
			       "UPDATE runs SET nvariants = ?, nbad = ?,"
			       " nmetrics = ? WHERE id = ?",
			       -1, &st, NULL))
		return sq_err(q, err, "prepare");
	sqlite3_bind_int64(st, 1, nvariants);
	sqlite3_bind_int64(st, 2, nbad);
	sqlite3_bind_int64(st, 3, nmetrics);
	sqlite3_bind_int64(st, 4, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = sq_err(q, err, "update run");
	sqlite3_finalize(st);
	return rc;
}

static char *col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

static int sq_list(void *db, const char *fingerprint, long long before_id,
		   size_t limit, struct tl_history_run **runs, size_t *n,
		   struct tl_buf *err)
{
	struct sq *q = db;
	struct tl_history_run *v = NULL;
	size_t cap = 0, k = 0;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(
		    q->db,
		    "SELECT id, uid, started_utc, fingerprint, hostname,"
		    " version, tl_commit, interfere, nmetrics, nvariants, nbad"
		    " FROM runs WHERE (?1 IS NULL OR fingerprint = ?1)"
		    " AND (?2 <= 0 OR id < ?2) ORDER BY id DESC LIMIT ?3",
		    -1, &st, NULL))
		return sq_err(q, err, "list");
	bind_text(st, 1, fingerprint);
	sqlite3_bind_int64(st, 2, before_id);
	sqlite3_bind_int64(st, 3, limit ? (long long)limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		TL_VEC_RESERVE(v, cap, k + 1);
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
		return sq_err(q, err, "list");
	}
	*runs = v;
	*n = k;
	return 0;
}

static int sq_get_json(void *db, long long id, char **text, size_t *len,
		       struct tl_buf *err)
{
	struct sq *q = db;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(q->db, "SELECT json FROM runs WHERE id = ?", -1,
			       &st, NULL))
		return sq_err(q, err, "get");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(st, 0);
		*text = xstrndup((const char *)sqlite3_column_text(st, 0),
				 *len);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		tl_buf_printf(err, "no run %lld in '%s'", id, q->path);
		rc = -ENOENT;
	} else {
		rc = sq_err(q, err, "get");
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

static int sq_series(void *db, const char *fingerprint, const char *experiment,
		     const char *params, const char *variant,
		     const char *metric, struct tl_history_point **pts,
		     size_t *n, struct tl_buf *err)
{
	struct sq *q = db;
	struct tl_history_point *v = NULL;
	size_t cap = 0, k = 0;
	sqlite3_stmt *st;
	int rc;

	/* MIN(params) picks one case per run when params is NULL. */
	if (sqlite3_prepare_v2(
		    q->db,
		    "SELECT m.run_id, m.median, m.ci_lo, m.ci_hi FROM metrics m"
		    " JOIN runs r ON r.id = m.run_id"
		    " WHERE m.experiment = ?1 AND m.variant = ?2"
		    " AND m.metric = ?3 AND (?4 IS NULL OR r.fingerprint = ?4)"
		    " AND m.params = COALESCE(?5, (SELECT MIN(params) FROM"
		    "  metrics x WHERE x.run_id = m.run_id AND"
		    "  x.experiment = ?1 AND x.variant = ?2 AND x.metric = ?3))"
		    " AND m.median IS NOT NULL ORDER BY m.run_id",
		    -1, &st, NULL))
		return sq_err(q, err, "series");
	bind_text(st, 1, experiment);
	bind_text(st, 2, variant);
	bind_text(st, 3, metric);
	bind_text(st, 4, fingerprint);
	bind_text(st, 5, params);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		TL_VEC_RESERVE(v, cap, k + 1);
		v[k++] = (struct tl_history_point){
			sqlite3_column_int64(st, 0), col_double(st, 1),
			col_double(st, 2), col_double(st, 3)};
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return sq_err(q, err, "series");
	}
	*pts = v;
	*n = k;
	return 0;
}

static const struct tl__history_ops sq_ops = {
	.name = "sqlite",
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.find = sq_find,
	.insert_run = sq_insert_run,
	.insert_metric = sq_insert_metric,
	.set_counts = sq_set_counts,
	.list = sq_list,
	.get_json = sq_get_json,
	.series = sq_series,
	.schema_version = sq_schema_version,
	.set_schema_version = sq_set_schema_version,
	.exec = sq_exec,
	.scalar = sq_scalar,
	.close = sq_close,
};

int tl__history_sqlite_open(const char *db_path, int mode,
			    const struct tl__history_ops **ops, void **out,
			    struct tl_buf *err)
{
	int create = mode & TL_HISTORY_CREATE;
	struct sq *q;
	size_t err_len;
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
	} else if (mode & TL_HISTORY_READ_ONLY) {
		flags = SQLITE_OPEN_READONLY;
	}
	q = xcalloc(1, sizeof(*q));
	q->path = xstrdup(db_path);
	rc = sqlite3_open_v2(db_path, &q->db, flags, NULL);
	if (rc != SQLITE_OK) {
		if (!create && rc == SQLITE_CANTOPEN) {
			tl_buf_printf(err, "no history at '%s'", db_path);
			rc = -ENOENT;
		} else {
			rc = sq_err(q, err, "open");
		}
		goto fail;
	}
	sqlite3_busy_timeout(q->db, TL_HISTORY_BUSY_MS);
	if (mode & TL_HISTORY_READ_ONLY) {
		size_t err_at = err->len;

		rc = sq_check_readable(q, err);
		int code = sqlite3_errcode(q->db) & 0xff;

		/*
		 * No -shm can be made (read-only disk) or the one there is
		 * broken (a full disk cut it short): read the file as is.
		 */
		if (rc && (code == SQLITE_CANTOPEN || code == SQLITE_IOERR) &&
		    sq_reopen_immutable(q) == SQLITE_OK) {
			tl_buf_truncate(err, err_at);
			rc = sq_check_readable(q, err);
		}
		if (rc)
			goto fail;
		*ops = &sq_ops;
		*out = q;
		return 0;
	}
	err_len = err->len;
	/*
	 * Switching a new file to WAL takes an exclusive lock, and SQLite
	 * answers SQLITE_BUSY there without calling the busy handler when
	 * another process is creating the same file: retry that step, with
	 * backoff, for as long as the busy timeout allows.
	 */
	for (int ms = 10, waited = 0;; waited += ms, ms *= 2) {
		tl_buf_truncate(err, err_len); /* the last attempt's words */
		rc = sq_exec(q,
			     "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = "
			     "ON; PRAGMA synchronous = NORMAL",
			     err);
		if (!rc)
			rc = sq_migrate(q, err);
		if (!rc || (sqlite3_errcode(q->db) & 0xff) != SQLITE_BUSY ||
		    waited >= TL_HISTORY_BUSY_MS)
			break;
		if (ms > 1000)
			ms = 1000;
		usleep((useconds_t)ms * 1000);
	}
	if (rc)
		goto fail;
	*ops = &sq_ops;
	*out = q;
	return 0;

fail:
	sq_close(q);
	return rc;
}
