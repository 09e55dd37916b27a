/*
 * history_pg.c - the run history in PostgreSQL, through libpq, for a
 * history that many machines (a Slurm array, a CI fleet) write at once.
 *
 * Same tables, same numbered migrations and same transaction rules as the
 * SQLite backend (history.c drives both). Where SQLite takes its write
 * lock with BEGIN IMMEDIATE, a run here is one READ COMMITTED transaction
 * that first takes a transaction-scoped advisory lock, so writers queue
 * instead of racing: the dedupe check that follows sees every run
 * committed before it (READ COMMITTED takes a fresh snapshot per
 * statement). SERIALIZABLE would give the same guarantee by aborting one
 * of two racing writers with a serialization failure (SQLSTATE 40001),
 * which every caller would then have to retry; waiting is simpler and is
 * what SQLite's busy timeout does. lock_timeout is TL_HISTORY_BUSY_MS, the
 * SQLite busy timeout. A client killed before COMMIT loses its connection,
 * and the server rolls the transaction back and frees the lock.
 *
 * The schema version lives in a one-row table, traplab_schema. Opening
 * reads it without any lock; only when a migration is due does it take the
 * advisory lock and read it again, so a fleet of readers never queues
 * behind a writer, and two processes creating the tables at once do not
 * both run step 1. To keep traplab's tables apart from others in a shared
 * database, give the URL a schema:
 * postgres://host/db?options=-csearch_path%3Dtraplab (the schema must exist).
 *
 * Built only when libpq's header is on the include path (pkg-config
 * libpq); without it, opening a postgres:// URL fails with -ENOTSUP and
 * says so, and SQLite works as before.
 *
 * Reference: PostgreSQL 15 documentation, "Advisory Locks" (13.3.5),
 * "libpq - Connection Strings" (34.1.1), "Transaction Isolation" (13.2).
 */
#include "store/history_pg.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#define TL_HAVE_LIBPQ 1
#endif
#endif

#include "base/banned.h"

char *tl__history_redact(const char *url)
{
	struct tl_buf b = TL_BUF_INIT;
	const char *p = strstr(url, "://"), *end, *at, *colon, *q;

	if (!p)
		return xstrdup(url);
	p += 3;
	end = p + strcspn(p, "/?");
	at = memrchr(p, '@', end - p);
	colon = at ? memchr(p, ':', at - p) : NULL;
	if (colon) {
		tl_buf_append(&b, url, colon + 1 - url);
		tl_buf_puts(&b, "***");
		p = at;
	} else {
		p = url;
	}
	/* password=... among the query parameters. */
	for (;;) {
		q = strstr(p, "password=");
		if (!q) {
			tl_buf_puts(&b, p);
			break;
		}
		tl_buf_append(&b, p, q + 9 - p);
		p = q + 9;
		if (q[-1] == '?' || q[-1] == '&') {
			tl_buf_puts(&b, "***");
			p += strcspn(p, "&");
		}
	}
	return b.s ? b.s : xstrdup("");
}

#ifdef TL_HAVE_LIBPQ

/* "traplab" as a 64-bit advisory lock key (the database scopes it). */
#define LOCK_KEY "32777128468476258"

/* Defined at the end; the migration drives the backend through it. */
static const struct tl__history_ops pg_ops;

/*
 * Whether traplab_schema exists in the schema CREATE TABLE would use. It
 * reads pg_class with the statement's snapshot: to_regclass() would look
 * through the catalog snapshot, which is not refreshed by taking an
 * advisory lock and so can miss tables created while we waited for it.
 */
#define HAS_SCHEMA_TABLE                                                       \
	"SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c"                   \
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"            \
	" WHERE c.relname = 'traplab_schema'"                                  \
	" AND n.nspname = current_schema())"

struct pg {
	PGconn *c;
	char *url; /* redacted, for messages */
};

static void quiet(void *arg, const char *msg)
{
	/* NOTICEs ("relation exists, skipping") are not traplab's output. */
	(void)arg;
	(void)msg;
}

/* Appends msg without its trailing newline. */
static void put_msg(struct tl_buf *err, const char *msg)
{
	size_t n = strlen(msg);

	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	tl_buf_append(err, msg, n);
}

static int pg_fail(struct pg *p, struct tl_buf *err, const char *what,
		   PGresult *r)
{
	tl_buf_printf(err, "'%s': %s: ", p->url, what);
	put_msg(err, r ? PQresultErrorMessage(r) : PQerrorMessage(p->c));
	PQclear(r);
	return -EIO;
}

/*
 * Runs one statement with text parameters (NULL entries are SQL NULL).
 * *out (may be NULL) receives the result on success. 0 or -EIO.
 */
static int run(struct pg *p, const char *what, const char *sql, int n,
	       const char *const *vals, PGresult **out, struct tl_buf *err)
{
	PGresult *r = PQexecParams(p->c, sql, n, NULL, vals, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return pg_fail(p, err, what, r);
	if (out)
		*out = r;
	else
		PQclear(r);
	return 0;
}

/* Several statements, no parameters (PQexec's simple query protocol). */
static int pg_exec(void *db, const char *sql, struct tl_buf *err)
{
	struct pg *p = db;
	PGresult *r = PQexec(p->c, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return pg_fail(p, err, "exec", r);
	PQclear(r);
	return 0;
}

static int pg_scalar(void *db, const char *sql, long long *out,
		     struct tl_buf *err)
{
	struct pg *p = db;
	PGresult *r;
	const char *v;
	int rc;

	rc = run(p, "query", sql, 0, NULL, &r, err);
	if (rc)
		return rc;
	if (PQntuples(r) < 1 || PQnfields(r) < 1) {
		tl_buf_printf(err, "'%s': query returned no row", p->url);
		rc = -ENOENT;
	} else {
		v = PQgetvalue(r, 0, 0);
		*out = !strcmp(v, "t")	 ? 1
		       : !strcmp(v, "f") ? 0
					 : strtoll(v, NULL, 10);
	}
	PQclear(r);
	return rc;
}

static int pg_schema_version(void *db, int *v, struct tl_buf *err)
{
	long long x;
	int rc = pg_scalar(db, "SELECT version FROM traplab_schema", &x, err);

	if (!rc)
		*v = (int)x;
	return rc;
}

static int pg_set_schema_version(void *db, int v, struct tl_buf *err)
{
	char num[16];
	const char *vals[1] = {num};

	snprintf(num, sizeof(num), "%d", v);
	return run(db, "schema version",
		   "UPDATE traplab_schema SET version = $1", 1, vals, NULL,
		   err);
}

static void pg_rollback(void *db)
{
	struct pg *p = db;

	PQclear(PQexec(p->c, "ROLLBACK"));
}

static int pg_begin(void *db, struct tl_buf *err)
{
	struct pg *p = db;
	int rc;

	rc = pg_exec(p,
		     "BEGIN ISOLATION LEVEL READ COMMITTED;"
		     " SELECT pg_advisory_xact_lock(" LOCK_KEY ")",
		     err);
	if (rc)
		pg_rollback(p); /* a lock timeout leaves an aborted block */
	return rc;
}

static int pg_commit(void *db, struct tl_buf *err)
{
	return pg_exec(db, "COMMIT", err);
}

static int migrate(struct pg *p, int create, struct tl_buf *err)
{
	long long exists;
	int v, rc;

	/* The common case, without a lock: the schema is current. */
	rc = pg_scalar(p, HAS_SCHEMA_TABLE, &exists, err);
	if (rc)
		return rc;
	if (exists) {
		rc = pg_schema_version(p, &v, err);
		if (rc)
			return rc;
		if (v == TL_HISTORY_SCHEMA)
			return 0;
	}
	rc = pg_begin(p, err);
	if (rc)
		return rc;
	/* Again under the lock: another process may have just migrated. */
	rc = pg_scalar(p, HAS_SCHEMA_TABLE, &exists, err);
	if (rc)
		goto rollback;
	if (!exists && !create) {
		tl_buf_printf(err, "no history at '%s' (no traplab tables)",
			      p->url);
		rc = -ENOENT;
		goto rollback;
	}
	if (!exists)
		rc = pg_exec(p,
			     "CREATE TABLE traplab_schema ("
			     " version INTEGER NOT NULL);"
			     " INSERT INTO traplab_schema VALUES (0)",
			     err);
	if (!rc)
		rc = pg_schema_version(p, &v, err);
	if (rc)
		goto rollback;
	rc = tl_schema_migrate(&pg_ops, p, TL_SCHEMA_POSTGRES, p->url, v, err);
	if (rc)
		goto rollback;
	return pg_commit(p, err);

rollback:
	pg_rollback(p);
	return rc;
}

static void pg_close(void *db)
{
	struct pg *p = db;

	if (!p)
		return;
	PQfinish(p->c);
	free(p->url);
	free(p);
}

static int pg_find(void *db, const char *uid, long long *id)
{
	struct tl_buf err = TL_BUF_INIT;
	const char *vals[1] = {uid};
	PGresult *r;
	int rc;

	rc = run(db, "find", "SELECT id FROM runs WHERE uid = $1", 1, vals, &r,
		 &err);
	tl_buf_release(&err);
	if (rc)
		return rc;
	rc = -ENOENT;
	if (PQntuples(r) > 0) {
		*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		rc = 0;
	}
	PQclear(r);
	return rc;
}

static int pg_insert_run(void *db, const struct tl__history_run_row *w,
			 long long *id, struct tl_buf *err)
{
	/* A text parameter ends at its NUL: pass exactly json_len bytes. */
	char *json = xstrndup(w->json, w->json_len);
	const char *vals[10] = {w->uid,	       w->started_utc, w->fingerprint,
				w->hostname,   w->version,     w->commit,
				w->toolchains, w->options,     w->interfere,
				json};
	PGresult *r;
	int rc;

	rc = run(db, "insert run",
		 "INSERT INTO runs (uid, started_utc, fingerprint, hostname,"
		 " version, tl_commit, toolchains, options, interfere,"
		 " nvariants, nbad, nmetrics, json)"
		 " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,0,0,0,$10) RETURNING id",
		 10, vals, &r, err);
	free(json);
	if (rc)
		return rc;
	*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

/* A double as text that reads back bit for bit; NULL when not finite. */
static const char *fmt_double(char *buf, size_t n, double v)
{
	if (!isfinite(v))
		return NULL;
	snprintf(buf, n, "%.17g", v);
	return buf;
}

static int pg_insert_metric(void *db, long long run_id,
			    const struct tl__history_metric_row *m,
			    struct tl_buf *err)
{
	char id[24], n[24], d[4][32];
	const char *vals[14] = {
		id,
		m->experiment,
		m->params,
		m->variant,
		m->lang,
		m->status,
		m->metric,
		m->unit,
		m->source,
		NULL,
		fmt_double(d[0], sizeof(d[0]), m->median),
		fmt_double(d[1], sizeof(d[1]), m->ci_lo),
		fmt_double(d[2], sizeof(d[2]), m->ci_hi),
		fmt_double(d[3], sizeof(d[3]), m->p99),
	};

	snprintf(id, sizeof(id), "%lld", run_id);
	if (m->n >= 0) {
		snprintf(n, sizeof(n), "%lld", m->n);
		vals[9] = n;
	}
	return run(db, "insert metric",
		   "INSERT INTO metrics VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,"
		   "$10,$11,$12,$13,$14)",
		   14, vals, NULL, err);
}

static int pg_set_counts(void *db, long long id, long long nvariants,
			 long long nbad, long long nmetrics, struct tl_buf *err)
{
	char v[4][24];
	const char *vals[4] = {v[0], v[1], v[2], v[3]};

	snprintf(v[0], sizeof(v[0]), "%lld", nvariants);
	snprintf(v[1], sizeof(v[1]), "%lld", nbad);
	snprintf(v[2], sizeof(v[2]), "%lld", nmetrics);
	snprintf(v[3], sizeof(v[3]), "%lld", id);
	return run(db, "update run",
		   "UPDATE runs SET nvariants = $1, nbad = $2, nmetrics = $3"
		   " WHERE id = $4",
		   4, vals, NULL, err);
}

static char *get_str(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL
					: xstrdup(PQgetvalue(r, row, col));
}

static long long get_ll(PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static double get_double(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NAN
					: strtod(PQgetvalue(r, row, col), NULL);
}

static int pg_list(void *db, const char *fingerprint, long long before_id,
		   size_t limit, struct tl_history_run **runs, size_t *n,
		   struct tl_buf *err)
{
	char before[24], lim[24];
	const char *vals[3] = {fingerprint, before, limit ? lim : NULL};
	struct tl_history_run *v;
	PGresult *r;
	int i, k, rc;

	snprintf(before, sizeof(before), "%lld", before_id);
	snprintf(lim, sizeof(lim), "%zu", limit);
	/* LIMIT NULL is LIMIT ALL. */
	rc = run(db, "list",
		 "SELECT id, uid, started_utc, fingerprint, hostname,"
		 " version, tl_commit, interfere, nmetrics, nvariants, nbad"
		 " FROM runs WHERE ($1::text IS NULL OR fingerprint = $1)"
		 " AND ($2::bigint <= 0 OR id < $2) ORDER BY id DESC"
		 " LIMIT $3::bigint",
		 3, vals, &r, err);
	if (rc)
		return rc;
	k = PQntuples(r);
	v = xcalloc(k ? (size_t)k : 1, sizeof(*v));
	for (i = 0; i < k; i++)
		v[i] = (struct tl_history_run){
			get_ll(r, i, 0),  get_str(r, i, 1), get_str(r, i, 2),
			get_str(r, i, 3), get_str(r, i, 4), get_str(r, i, 5),
			get_str(r, i, 6), get_str(r, i, 7), get_ll(r, i, 8),
			get_ll(r, i, 9),  get_ll(r, i, 10)};
	PQclear(r);
	*runs = v;
	*n = (size_t)k;
	return 0;
}

static int pg_get_json(void *db, long long id, char **text, size_t *len,
		       struct tl_buf *err)
{
	struct pg *p = db;
	char num[24];
	const char *vals[1] = {num};
	PGresult *r;
	int rc;

	snprintf(num, sizeof(num), "%lld", id);
	rc = run(p, "get", "SELECT json FROM runs WHERE id = $1", 1, vals, &r,
		 err);
	if (rc)
		return rc;
	if (PQntuples(r) < 1) {
		tl_buf_printf(err, "no run %lld in '%s'", id, p->url);
		rc = -ENOENT;
	} else {
		*len = (size_t)PQgetlength(r, 0, 0);
		*text = xstrndup(PQgetvalue(r, 0, 0), *len);
	}
	PQclear(r);
	return rc;
}

static int pg_series(void *db, const char *fingerprint, const char *experiment,
		     const char *params, const char *variant,
		     const char *metric, struct tl_history_point **pts,
		     size_t *n, struct tl_buf *err)
{
	const char *vals[5] = {experiment, variant, metric, fingerprint,
			       params};
	struct tl_history_point *v;
	PGresult *r;
	int i, k, rc;

	/*
	 * MIN(params) picks one case per run when params is NULL; COLLATE
	 * "C" compares bytes, as SQLite does, whatever the database's
	 * locale.
	 */
	rc = run(db, "series",
		 "SELECT m.run_id, m.median, m.ci_lo, m.ci_hi FROM metrics m"
		 " JOIN runs r ON r.id = m.run_id"
		 " WHERE m.experiment = $1 AND m.variant = $2"
		 " AND m.metric = $3 AND ($4::text IS NULL OR r.fingerprint = "
		 "$4)"
		 " AND m.params = COALESCE($5::text, (SELECT MIN(params COLLATE"
		 "  \"C\") FROM metrics x WHERE x.run_id = m.run_id AND"
		 "  x.experiment = $1 AND x.variant = $2 AND x.metric = $3))"
		 " AND m.median IS NOT NULL ORDER BY m.run_id",
		 5, vals, &r, err);
	if (rc)
		return rc;
	k = PQntuples(r);
	v = xcalloc(k ? (size_t)k : 1, sizeof(*v));
	for (i = 0; i < k; i++)
		v[i] = (struct tl_history_point){
			get_ll(r, i, 0), get_double(r, i, 1),
			get_double(r, i, 2), get_double(r, i, 3)};
	PQclear(r);
	*pts = v;
	*n = (size_t)k;
	return 0;
}

static const struct tl__history_ops pg_ops = {
	.name = "postgres",
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.find = pg_find,
	.insert_run = pg_insert_run,
	.insert_metric = pg_insert_metric,
	.set_counts = pg_set_counts,
	.list = pg_list,
	.get_json = pg_get_json,
	.series = pg_series,
	.schema_version = pg_schema_version,
	.set_schema_version = pg_set_schema_version,
	.exec = pg_exec,
	.scalar = pg_scalar,
	.close = pg_close,
};

int tl__history_pg_open(const char *url, int create,
			const struct tl__history_ops **ops, void **db,
			struct tl_buf *err)
{
	struct pg *p = xcalloc(1, sizeof(*p));
	char *sql;
	int rc;

	p->url = tl__history_redact(url);
	p->c = PQconnectdb(url);
	if (!p->c) {
		tl_buf_printf(err, "cannot connect to '%s': out of memory",
			      p->url);
		rc = -EIO;
		goto fail;
	}
	if (PQstatus(p->c) != CONNECTION_OK) {
		tl_buf_printf(err, "cannot connect to '%s': ", p->url);
		put_msg(err, PQerrorMessage(p->c));
		rc = -EIO;
		goto fail;
	}
	PQsetNoticeProcessor(p->c, quiet, NULL);
	sql = xasprintf("SET client_encoding = 'UTF8';"
			" SET lock_timeout = %d",
			TL_HISTORY_BUSY_MS);
	rc = pg_exec(p, sql, err);
	free(sql);
	if (!rc)
		rc = migrate(p, create, err);
	if (rc)
		goto fail;
	*ops = &pg_ops;
	*db = p;
	return 0;

fail:
	pg_close(p);
	return rc;
}

#else /* !TL_HAVE_LIBPQ */

int tl__history_pg_open(const char *url, int create,
			const struct tl__history_ops **ops, void **db,
			struct tl_buf *err)
{
	char *safe = tl__history_redact(url);

	(void)create;
	(void)ops;
	(void)db;
	tl_buf_printf(err,
		      "'%s': this traplab was built without libpq "
		      "(pkg-config libpq; Debian: libpq-dev)",
		      safe);
	free(safe);
	return -ENOTSUP;
}

#endif
