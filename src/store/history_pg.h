/*
 * history_pg.h - the history's backend interface, and its PostgreSQL
 * backend (libpq).
 *
 * history.c owns the rules every backend follows (what a run is, one
 * transaction per run, dedupe by content id inside that transaction, the
 * row hook) and drives a backend through struct tl__history_ops. SQLite
 * implements it in history.c, PostgreSQL in history_pg.c. Both create the
 * same tables and apply the same numbered migration steps, each in its
 * own SQL dialect; TL_HISTORY_SCHEMA counts them, and a static assertion
 * in each backend keeps the two lists the same length.
 *
 * Nothing here is for callers outside history.c and its tests.
 */
#ifndef TL_HISTORY_PG_H
#define TL_HISTORY_PG_H

#include <stddef.h>

#include "store/history.h"
#include "base/util.h"

/* One row of the runs table, as written (strings borrowed, may be NULL). */
struct tl__history_run_row {
	const char *uid, *started_utc, *fingerprint, *hostname, *version;
	const char *commit, *toolchains, *options, *interfere;
	const char *json;
	size_t json_len;
};

/* One row of the metrics table (strings borrowed; NaN and n < 0: NULL). */
struct tl__history_metric_row {
	const char *experiment, *params, *variant, *lang, *status, *metric;
	const char *unit, *source;
	long long n;
	double median, ci_lo, ci_hi, p99;
};

/*
 * A backend. db is the backend's own connection state. Every function
 * returns 0 or -errno (-EIO for a database failure, with the message in
 * err), except where noted.
 */
struct tl__history_ops {
	const char *name; /* "sqlite", "postgres" */
	/*
	 * Starts the write transaction of one run. It must serialise
	 * writers: a second writer waits here (up to TL_HISTORY_BUSY_MS)
	 * rather than failing later, so that the dedupe check that follows
	 * sees every run committed before it.
	 */
	int (*begin)(void *db, struct tl_buf *err);
	int (*commit)(void *db, struct tl_buf *err);
	void (*rollback)(void *db);
	/* The id of the run with content id uid: 0, -ENOENT or -EIO. */
	int (*find)(void *db, const char *uid, long long *id);
	int (*insert_run)(void *db, const struct tl__history_run_row *r,
			  long long *id, struct tl_buf *err);
	int (*insert_metric)(void *db, long long run_id,
			     const struct tl__history_metric_row *m,
			     struct tl_buf *err);
	int (*set_counts)(void *db, long long id, long long nvariants,
			  long long nbad, long long nmetrics,
			  struct tl_buf *err);
	/* As tl_history_list(). */
	int (*list)(void *db, const char *fingerprint, long long before_id,
		    size_t limit, struct tl_history_run **runs, size_t *n,
		    struct tl_buf *err);
	/* The stored JSON text of run id (owned by the caller); -ENOENT. */
	int (*get_json)(void *db, long long id, char **text, size_t *len,
			struct tl_buf *err);
	/* As tl_history_series(). */
	int (*series)(void *db, const char *fingerprint, const char *experiment,
		      const char *params, const char *variant,
		      const char *metric, struct tl_history_point **pts,
		      size_t *n, struct tl_buf *err);
	int (*schema_version)(void *db, int *v, struct tl_buf *err);
	int (*set_schema_version)(void *db, int v, struct tl_buf *err);
	/* Runs SQL (several statements allowed) outside any run. */
	int (*exec)(void *db, const char *sql, struct tl_buf *err);
	/* The first column of the first row of one query, as an integer. */
	int (*scalar)(void *db, const char *sql, long long *out,
		      struct tl_buf *err);
	void (*close)(void *db);
};

/*
 * Connects to the PostgreSQL database at url (a libpq connection URI,
 * postgres:// or postgresql://) and migrates it. create == 0 and no
 * traplab tables: -ENOENT. -EIO when the server cannot be reached or a
 * statement fails, -EPROTO when the schema is newer than this traplab,
 * -ENOTSUP when traplab was built without libpq. On success *ops and *db
 * are set; the caller closes with (*ops)->close(*db).
 */
int tl__history_pg_open(const char *url, int create,
			const struct tl__history_ops **ops, void **db,
			struct tl_buf *err);

/*
 * url with any password replaced by "***" (in user:password@ and in a
 * password= parameter), for messages. Owned by the caller.
 */
char *tl__history_redact(const char *url);

#endif
