/*
 * schema.h - what the history's backends share: the records they read
 * and write, the one list of schema migrations, and the interface through
 * which history.c drives a backend.
 *
 * history.c owns the rules every backend follows (what a run is, one
 * transaction per run, dedupe by content id inside that transaction, the
 * row hook) and drives a backend through struct tl__history_ops. SQLite
 * implements it in history_sqlite.c, PostgreSQL in history_pg.c. Both
 * create the same tables by applying the same numbered steps of one list
 * (schema.c), written once with the few words where the two SQL dialects
 * differ left as placeholders.
 *
 * Schema versions (PRAGMA user_version in SQLite, the table traplab_schema
 * in PostgreSQL), applied in order on open:
 *   1: runs (the whole JSON, machine fingerprint, toolchains) and metrics
 *   2: an index on metrics by figure, for series and compare queries
 *
 * Nothing here but the records is for callers outside src/store/ and its
 * tests.
 */
#ifndef TL_SCHEMA_H
#define TL_SCHEMA_H

#include <stddef.h>

#include "base/util.h"

#define TL_HISTORY_BUSY_MS 30000

/* Modes of tl_history_open(). */
#define TL_HISTORY_CREATE    1 /* create the file or tables when absent */
#define TL_HISTORY_READ_ONLY 2 /* SQLite: open read-only, never migrate */

/* One stored run, as listed. Strings owned by the struct. */
struct tl_history_run {
	long long id;
	char *uid, *started_utc, *fingerprint, *hostname, *version, *commit;
	char *interfere;
	long long nmetrics, nvariants, nbad;
};

void tl_history_run_release(struct tl_history_run *r);
/* Releases runs[0..n) and frees the array (NULL is fine). */
void tl_history_runs_free(struct tl_history_run *runs, size_t n);

/*
 * One point of a figure's series (tl_history_series()): the median and its
 * CI bounds (NaN when absent) of one run.
 */
struct tl_history_point {
	long long run_id;
	double median, ci_lo, ci_hi;
};

/* The SQL dialects of the backends. */
enum tl_schema_dialect { TL_SCHEMA_SQLITE, TL_SCHEMA_POSTGRES };

/* The schema version this traplab writes: the length of the list. */
#define TL_HISTORY_SCHEMA 2

/*
 * The SQL of migration step (0-based: step 0 takes version 0 to 1) in
 * dialect d, owned by the caller. step must be < TL_HISTORY_SCHEMA.
 */
char *tl_schema_migration(int step, enum tl_schema_dialect d);

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
 * Takes the schema of db from version v to TL_HISTORY_SCHEMA, one step and
 * one version update at a time through ops (inside the caller's
 * transaction). where names the history in messages. 0, -EPROTO when v is
 * newer than this traplab, or what ops returns.
 */
int tl_schema_migrate(const struct tl__history_ops *ops, void *db,
		      enum tl_schema_dialect d, const char *where, int v,
		      struct tl_buf *err);

#endif
