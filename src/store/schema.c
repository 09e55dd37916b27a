/*
 * schema.c - the history's one list of migrations, for both backends.
 *
 * Each step is written once. Where SQLite and PostgreSQL spell a thing
 * differently, the step says {word} and the dialect table below fills it
 * in: the row id (SQLite's INTEGER PRIMARY KEY is its rowid; PostgreSQL
 * needs a sequence), 64-bit integers, doubles, and "now, in UTC, as
 * 2026-11-25T22:40:00Z" for a column default.
 */
#include "store/schema.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static const char *const steps[] = {
	/* 1 */
	"CREATE TABLE runs ("
	" id {id},"
	" uid TEXT NOT NULL UNIQUE,"
	" started_utc TEXT NOT NULL,"
	" stored_utc TEXT NOT NULL DEFAULT {now_utc},"
	" fingerprint TEXT NOT NULL,"
	" hostname TEXT, version TEXT, tl_commit TEXT,"
	" toolchains TEXT, options TEXT, interfere TEXT,"
	" nvariants INTEGER NOT NULL, nbad INTEGER NOT NULL,"
	" nmetrics INTEGER NOT NULL,"
	" json TEXT NOT NULL);"
	"CREATE INDEX runs_machine ON runs(fingerprint, id);"
	"CREATE TABLE metrics ("
	" run_id {int64} NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" experiment TEXT NOT NULL, params TEXT NOT NULL,"
	" variant TEXT NOT NULL, lang TEXT, status TEXT NOT NULL,"
	" metric TEXT NOT NULL, unit TEXT, source TEXT, n {int64},"
	" median {double}, ci_lo {double}, ci_hi {double}, p99 {double},"
	" PRIMARY KEY (run_id, experiment, params, variant, metric));",
	/* 2 */
	"CREATE INDEX metrics_figure ON metrics(experiment, variant, metric,"
	" params, run_id);",
};

_Static_assert(TL_ARRAY_SIZE(steps) == TL_HISTORY_SCHEMA,
	       "TL_HISTORY_SCHEMA counts the migration steps");

/* The words that differ: {name}, then SQLite's and PostgreSQL's. */
static const char *const words[][3] = {
	{"id", "INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY"},
	{"int64", "INTEGER", "BIGINT"},
	{"double", "REAL", "DOUBLE PRECISION"},
	{"now_utc", "(strftime('%Y-%m-%dT%H:%M:%SZ'))",
	 "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"},
};

char *tl_schema_migration(int step, enum tl_schema_dialect d)
{
	struct tl_buf b = TL_BUF_INIT;
	const char *p = steps[step], *open, *close;
	size_t i;

	while ((open = strchr(p, '{')) && (close = strchr(open, '}'))) {
		tl_buf_append(&b, p, open - p);
		for (i = 0; i < TL_ARRAY_SIZE(words); i++)
			if (strlen(words[i][0]) == (size_t)(close - open - 1) &&
			    !strncmp(open + 1, words[i][0], close - open - 1))
				break;
		/* A placeholder missing from the table is a programmer error.
		 */
		if (i == TL_ARRAY_SIZE(words))
			abort();
		tl_buf_puts(&b, words[i][1 + d]);
		p = close + 1;
	}
	tl_buf_puts(&b, p);
	p = xstrdup(tl_buf_str(&b));
	tl_buf_release(&b);
	return (char *)p;
}

int tl_schema_migrate(const struct tl__history_ops *ops, void *db,
		      enum tl_schema_dialect d, const char *where, int v,
		      struct tl_buf *err)
{
	int rc = 0;

	if (v > TL_HISTORY_SCHEMA) {
		tl_buf_printf(err,
			      "'%s': schema version %d is newer than this "
			      "traplab's (%d)",
			      where, v, TL_HISTORY_SCHEMA);
		return -EPROTO;
	}
	for (; v < TL_HISTORY_SCHEMA && !rc; v++) {
		char *sql = tl_schema_migration(v, d);

		rc = ops->exec(db, sql, err);
		free(sql);
		if (!rc)
			rc = ops->set_schema_version(db, v + 1, err);
	}
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
