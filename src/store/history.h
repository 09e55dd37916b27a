/*
 * history.h - every run, stored in SQLite (default results/history.sqlite)
 * or, for a history many machines share, in PostgreSQL (a postgres:// or
 * postgresql:// URL; history_pg.c).
 *
 * One run is one transaction, and writers are serialised at its start
 * (SQLite: BEGIN IMMEDIATE, so two writers queue on the busy timeout
 * instead of failing half-way with SQLITE_BUSY on upgrade; PostgreSQL: a
 * transaction-scoped advisory lock, waited for up to the same timeout), so
 * a run killed before COMMIT leaves no trace and readers never block
 * writers. The schema is versioned (PRAGMA user_version; the table
 * traplab_schema in PostgreSQL) and migrated forward step by step on open,
 * by the same numbered steps on both backends. The whole results JSON is
 * kept beside one row per (experiment, params, variant, metric), so later
 * stages can re-evaluate an old run exactly (SLO budgets, compare) and SQL
 * can still query the figures.
 *
 * Every command that takes a history (--db/--history) passes the string to
 * tl_history_open(), which picks the backend from it; the default is
 * $TRAPLAB_HISTORY, else results/history.sqlite.
 *
 * Thread safety: a struct tl_history belongs to one thread; any number of
 * processes (on any number of machines, for PostgreSQL) may open the same
 * history at once.
 */
#ifndef TL_HISTORY_H
#define TL_HISTORY_H

#include <jansson.h>
#include <stddef.h>

#include "base/util.h"
#include "store/schema.h"

/*
 * The history commands use when none is given: $TRAPLAB_HISTORY when set
 * and not empty, else "results/history.sqlite". A function call, so the
 * environment is read when a command runs.
 */
#define TL_HISTORY_DEFAULT_DB tl_history_default()

const char *tl_history_default(void);

/* 1 when url names a PostgreSQL history (postgres:// or postgresql://). */
int tl_history_is_postgres(const char *url);

struct tl_history; /* opaque */

/*
 * Opens and migrates the history at url: a postgres:// or postgresql://
 * libpq connection URI (the server and database must exist; the tables are
 * created when create is set), else a SQLite file path (the file and its
 * folder are created when create is set). 0, -ENOENT when it does not
 * exist (no file; no traplab tables) and create is 0, -EIO with a message
 * in err for any database failure (passwords in URLs are masked),
 * -EPROTO when the history's schema is newer than this traplab, -ENOTSUP
 * for a PostgreSQL URL when traplab was built without libpq. mode is 0 or
 * TL_HISTORY_CREATE or TL_HISTORY_READ_ONLY: a read-only SQLite history
 * (read-only disk, another user's file) is opened without writing to it,
 * and a schema older than this traplab's is -EPROTO (the next write
 * migrates it) rather than migrated.
 */
int tl_history_open(const char *url, int mode, struct tl_history **out,
		    struct tl_buf *err);
void tl_history_close(struct tl_history *h);

/* "sqlite" or "postgres". */
const char *tl_history_backend(const struct tl_history *h);

/* The schema version stored in the history. 0 or -EIO. */
int tl_history_schema_version(struct tl_history *h, int *v, struct tl_buf *err);

/*
 * Stores one run (text is its results JSON, already validated or not: it
 * is parsed here). *run_id receives the row id (may be NULL). A run already
 * stored (same content hash) is not stored twice: its id is returned with
 * *was_new = 0. 0, -EINVAL for a malformed run, -EIO on a database error
 * (the transaction is rolled back: nothing of the run remains).
 */
int tl_history_add(struct tl_history *h, const char *text, size_t len,
		   const char *interfere, long long *run_id, int *was_new,
		   struct tl_buf *err);

/*
 * What `traplab run` calls after writing each run: opens (creating)
 * db_path (a path or URL as tl_history_open(); NULL: the default),
 * stores results_json_path, closes. 0 or -errno; the message is printed on
 * stderr as "traplab: history: ...".
 */
int tl_history_store(const char *db_path, const char *results_json_path);

/*
 * Runs of machine fingerprint (NULL: every machine), newest first, at most
 * limit (0: all), only those with id < before_id when before_id > 0.
 * *runs is an owned array of *n entries; free with
 * tl_history_runs_free(). 0 or -EIO.
 */
int tl_history_list(struct tl_history *h, const char *fingerprint,
		    long long before_id, size_t limit,
		    struct tl_history_run **runs, size_t *n,
		    struct tl_buf *err);

/*
 * The stored results JSON of run id (new reference in *out). 0, -ENOENT,
 * -EIO.
 */
int tl_history_get_json(struct tl_history *h, long long id, json_t **out,
			struct tl_buf *err);

/* The id of a stored run with this content, or -ENOENT. */
int tl_history_find(struct tl_history *h, const char *text, size_t len,
		    long long *id);

/*
 * The series of one figure over the runs of a machine, oldest first:
 * median (and its CI bounds, NaN when absent) of experiment/params/variant/
 * metric. params NULL matches any case (the first per run). Arrays are
 * owned by the caller. 0 or -EIO.
 */
int tl_history_series(struct tl_history *h, const char *fingerprint,
		      const char *experiment, const char *params,
		      const char *variant, const char *metric,
		      struct tl_history_point **pts, size_t *n,
		      struct tl_buf *err);

/*
 * A hook called after each metric row of tl_history_add() is written,
 * before COMMIT (NULL by default). Tests use it to kill a writer half-way.
 */
extern void (*tl__history_row_hook)(size_t row);

/*
 * Test hooks, on either backend: run SQL outside any run; read one
 * integer (first column of the first row; -ENOENT when there is no row);
 * overwrite the stored schema version. 0 or -EIO.
 */
int tl__history_exec(struct tl_history *h, const char *sql, struct tl_buf *err);
int tl__history_scalar(struct tl_history *h, const char *sql, long long *out,
		       struct tl_buf *err);
int tl__history_set_schema_version(struct tl_history *h, int v,
				   struct tl_buf *err);

#endif
