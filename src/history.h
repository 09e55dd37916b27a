/*
 * history.h - every run, stored in SQLite (default results/history.sqlite).
 *
 * One run is one transaction (BEGIN IMMEDIATE, so two writers queue on the
 * busy timeout instead of failing half-way with SQLITE_BUSY on upgrade),
 * in WAL mode, so a run killed before COMMIT leaves no trace and readers
 * never block writers. The schema is versioned with PRAGMA user_version
 * and migrated forward step by step on open. The whole results JSON is kept
 * beside one row per (experiment, params, variant, metric), so later stages
 * can re-evaluate an old run exactly (SLO budgets, compare) and SQL can
 * still query the figures.
 *
 * Thread safety: a struct tl_history belongs to one thread; any number of
 * processes may open the same file at once.
 */
#ifndef TL_HISTORY_H
#define TL_HISTORY_H

#include <jansson.h>
#include <stddef.h>

#include "util.h"

#define TL_HISTORY_DEFAULT_DB "results/history.sqlite"
#define TL_HISTORY_SCHEMA     2
#define TL_HISTORY_BUSY_MS    30000

struct tl_history; /* opaque */

/*
 * Opens (creating the file and its folder when create is set) and migrates
 * the database. 0, -ENOENT when it does not exist and create is 0, -EIO
 * with a message in err for any SQLite failure, -EPROTO when the file's
 * schema is newer than this traplab.
 */
int tl_history_open(const char *db_path, int create, struct tl_history **out,
		    struct tl_buf *err);
void tl_history_close(struct tl_history *h);

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
 * db_path, stores results_json_path, closes. 0 or -errno; the message is
 * printed on stderr as "traplab: history: ...".
 */
int tl_history_store(const char *db_path, const char *results_json_path);

/* One stored run, as listed. Strings owned by the struct. */
struct tl_history_run {
	long long id;
	char *uid, *started_utc, *fingerprint, *hostname, *version, *commit;
	char *interfere;
	long long nmetrics, nvariants, nbad;
};

void tl_history_run_release(struct tl_history_run *r);

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
void tl_history_runs_free(struct tl_history_run *runs, size_t n);

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
struct tl_history_point {
	long long run_id;
	double median, ci_lo, ci_hi;
};

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
 * traplab history [--db FILE] [--all] [--limit N]: lists stored runs.
 * traplab history add RUN.json...: stores runs (what `traplab run` does).
 * traplab history trend EXPERIMENT VARIANT METRIC [--params P]: the median
 *   over runs with Pettitt's change-point test.
 * Exit 0, or 2 on error.
 */
int cmd_history(int argc, char **argv);

#endif
