/*
 * test_history.c - the run history: schema migrations, one transaction per
 * run, two writers at once, and a writer killed half-way.
 *
 * The same tests run on either backend: SQLite files in a temp folder by
 * default, or the PostgreSQL database at $TL_HISTORY_TEST_URL (a
 * postgres:// URL; tests/e2e/t0900-history-pg.sh starts a server and sets
 * it). Each test starts from an empty history: for PostgreSQL the traplab
 * tables are dropped first, so never point this at a history you keep.
 */
#include "store/history.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/history_pg.h"
#include "tl_test.h"

static char *run_text(const char *name, size_t *len)
{
	char path[4096], *text = NULL;
	const char *root = getenv("TL_ROOT");

	snprintf(path, sizeof(path), "%s/tests/data/%s", root ? root : ".",
		 name);
	if (tl_read_file(path, &text, len))
		return NULL;
	return text;
}

/* run-1.json with another start time: a distinct run. */
static char *variant_of(const char *text, int k)
{
	const char *at = strstr(text, "\"started_utc\": \"");
	struct tl_buf b = TL_BUF_INIT;

	if (!at)
		return NULL;
	at += strlen("\"started_utc\": \"");
	tl_buf_append(&b, text, at - text);
	tl_buf_printf(&b, "2027-01-01T%02d:%02d:00Z", k / 60, k % 60);
	tl_buf_puts(&b, at + strlen("2026-11-25T22:10:00Z"));
	return b.s;
}

static const char *pg_url(void)
{
	const char *u = getenv("TL_HISTORY_TEST_URL");

	return u && *u ? u : NULL;
}

/* An empty history: a new SQLite path, or the test database emptied. */
static char *tmp_db(void)
{
	char dir[] = "/tmp/tl-history-XXXXXX";
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history *h;

	if (pg_url()) {
		if (tl_history_open(pg_url(), 1, &h, &err) ||
		    tl__history_exec(h,
				     "DROP TABLE IF EXISTS metrics, runs,"
				     " traplab_schema CASCADE",
				     &err)) {
			fprintf(stderr, "%s\n", tl_buf_str(&err));
			tl_buf_release(&err);
			return NULL;
		}
		tl_history_close(h);
		return xstrdup(pg_url());
	}
	if (!mkdtemp(dir))
		return NULL;
	return xasprintf("%s/sub/history.sqlite", dir);
}

static int is_pg(const char *db)
{
	return tl_history_is_postgres(db);
}

/* One integer from the history, through a connection of its own. */
static long long count(const char *db, const char *sql)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history *h;
	long long n = -1;

	if (!tl_history_open(db, 0, &h, &err)) {
		if (tl__history_scalar(h, sql, &n, &err))
			n = -1;
		tl_history_close(h);
	}
	if (n < 0)
		fprintf(stderr, "count: %s\n", tl_buf_str(&err));
	tl_buf_release(&err);
	return n;
}

static int schema_version(const char *db)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history *h;
	int v = -1;

	if (!tl_history_open(db, 0, &h, &err)) {
		if (tl_history_schema_version(h, &v, &err))
			v = -1;
		tl_history_close(h);
	}
	tl_buf_release(&err);
	return v;
}

static void cleanup(char *db)
{
	char *dir;

	if (is_pg(db)) {
		free(db);
		return;
	}
	dir = xstrdup(db);
	*strrchr(dir, '/') = 0;
	*strrchr(dir, '/') = 0;
	tl_rmtree(dir);
	free(dir);
	free(db);
}

TL_TEST(backend_is_chosen_by_url)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history *h;
	char *db = tmp_db();

	TL_CHECK(db);
	TL_CHECK_INT(tl_history_open(db, 1, &h, &err), 0);
	TL_CHECK_STR(tl_history_backend(h), pg_url() ? "postgres" : "sqlite");
	tl_history_close(h);
	TL_CHECK(tl_history_is_postgres("postgres://h/db"));
	TL_CHECK(tl_history_is_postgres("postgresql://u@h:5432/db"));
	TL_CHECK(!tl_history_is_postgres("results/history.sqlite"));
	TL_CHECK(!tl_history_is_postgres("./postgres://x"));
	setenv("TRAPLAB_HISTORY", "postgres://fleet/db", 1);
	TL_CHECK_STR(TL_HISTORY_DEFAULT_DB, "postgres://fleet/db");
	setenv("TRAPLAB_HISTORY", "", 1);
	TL_CHECK_STR(TL_HISTORY_DEFAULT_DB, "results/history.sqlite");
	unsetenv("TRAPLAB_HISTORY");
	TL_CHECK_STR(TL_HISTORY_DEFAULT_DB, "results/history.sqlite");
	tl_buf_release(&err);
	cleanup(db);
}

TL_TEST(passwords_are_masked_in_messages)
{
	struct {
		const char *in, *out;
	} c[] = {
		{"postgres://u:s3cret@h:5432/db", "postgres://u:***@h:5432/db"},
		{"postgres://u@h/db?password=x&sslmode=require",
		 "postgres://u@h/db?password=***&sslmode=require"},
		{"postgresql://u:a@b@h/db?sslmode=disable&password=p",
		 "postgresql://u:***@h/db?sslmode=disable&password=***"},
		{"postgres://h/db?application_name=oldpassword=1",
		 "postgres://h/db?application_name=oldpassword=1"},
		{"postgres://h/db", "postgres://h/db"},
	};
	size_t i;

	for (i = 0; i < TL_ARRAY_SIZE(c); i++) {
		char *r = tl__history_redact(c[i].in);

		TL_CHECK_STR(r, c[i].out);
		free(r);
	}
}

TL_TEST(store_list_and_dedupe)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history *h;
	struct tl_history_run *runs;
	struct tl_history_point *p;
	char *db = tmp_db(), *t1, *t2;
	size_t l1, l2, n;
	long long id;
	int was_new;
	json_t *run;

	t1 = run_text("run-1.json", &l1);
	t2 = run_text("run-slow.json", &l2);
	TL_CHECK(db && t1 && t2);
	TL_CHECK_INT(tl_history_open(db, 0, &h, &err), -ENOENT);
	TL_CHECK_INT(tl_history_open(db, 1, &h, &err), 0);
	TL_CHECK_INT(tl_history_add(h, t1, l1, NULL, &id, &was_new, &err), 0);
	TL_CHECK_INT(was_new, 1);
	TL_CHECK_INT(tl_history_add(h, t1, l1, NULL, &id, &was_new, &err), 0);
	TL_CHECK_INT(was_new, 0);
	TL_CHECK_INT(id, 1);
	TL_CHECK_INT(tl_history_add(h, t2, l2, "cpu", &id, &was_new, &err), 0);
	TL_CHECK_INT(id, 2);
	TL_CHECK_INT(tl_history_add(h, "{\"schema\":1}", 12, NULL, &id,
				    &was_new, &err),
		     -EINVAL);
	TL_CHECK_INT(tl_history_list(h, NULL, 0, 0, &runs, &n, &err), 0);
	TL_CHECK_INT(n, 2);
	TL_CHECK_INT(runs[0].id, 2);
	TL_CHECK_STR(runs[0].interfere, "cpu");
	TL_CHECK_STR(runs[1].fingerprint, "9c1e5d0b7a3f4e21");
	/* 4 variants: 3 ok + go.new skipped; 4 metrics + 1 status row. */
	TL_CHECK_INT(runs[1].nvariants, 4);
	TL_CHECK_INT(runs[1].nbad, 1);
	TL_CHECK_INT(runs[1].nmetrics, 5);
	tl_history_runs_free(runs, n);
	TL_CHECK_INT(tl_history_list(h, "other-machine", 0, 0, &runs, &n, &err),
		     0);
	TL_CHECK_INT(n, 0);
	tl_history_runs_free(runs, n);
	TL_CHECK_INT(tl_history_series(h, "9c1e5d0b7a3f4e21", "alloc",
				       "size=64", "c.arena", "ns_per_op", &p,
				       &n, &err),
		     0);
	TL_CHECK_INT(n, 2);
	TL_CHECK_NEAR(p[0].median, 2.0847, 1e-12);
	TL_CHECK(p[1].median > 3);
	free(p);
	TL_CHECK_INT(tl_history_get_json(h, 2, &run, &err), 0);
	TL_CHECK_STR(json_string_value(json_object_get(run, "started_utc")),
		     "2026-11-25T23:00:00Z");
	json_decref(run);
	TL_CHECK_INT(tl_history_get_json(h, 9, &run, &err), -ENOENT);
	/* No params: the first case of each run (there is one here). */
	TL_CHECK_INT(tl_history_series(h, NULL, "alloc", NULL, "c.arena",
				       "ns_per_op", &p, &n, &err),
		     0);
	TL_CHECK_INT(n, 2);
	TL_CHECK_NEAR(p[0].median, 2.0847, 1e-12);
	TL_CHECK_NEAR(p[0].ci_lo, 2.0633, 1e-12);
	free(p);
	tl_history_close(h);
	TL_CHECK_INT(schema_version(db), TL_HISTORY_SCHEMA);
	if (!is_pg(db))
		TL_CHECK_INT(count(db,
				   "SELECT count(*) FROM pragma_journal_mode"
				   " WHERE journal_mode = 'wal'"),
			     1);
	free(t1);
	free(t2);
	tl_buf_release(&err);
	cleanup(db);
}

static const char *index_count_sql(const char *db)
{
	return is_pg(db) ? "SELECT count(*) FROM pg_indexes WHERE"
			   " indexname = 'metrics_figure'"
			 : "SELECT count(*) FROM sqlite_master WHERE"
			   " name = 'metrics_figure'";
}

TL_TEST(migrates_old_schema_and_refuses_newer)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history *h, *h2;
	char *db = tmp_db();

	TL_CHECK(db);
	TL_CHECK_INT(tl_history_open(db, 1, &h, &err), 0);
	TL_CHECK_INT(count(db, index_count_sql(db)), 1);
	/* Back to version 1: the step-2 index is gone. */
	TL_CHECK_INT(tl__history_exec(h, "DROP INDEX metrics_figure", &err), 0);
	TL_CHECK_INT(tl__history_set_schema_version(h, 1, &err), 0);
	tl_history_close(h);
	TL_CHECK_INT(count(db, "SELECT count(*) FROM runs"), 0);
	TL_CHECK_INT(schema_version(db), 2);
	TL_CHECK_INT(count(db, index_count_sql(db)), 1);
	/*
	 * A newer schema is refused. The first connection stays open so
	 * that it can put the version back for the tests that follow.
	 */
	TL_CHECK_INT(tl_history_open(db, 0, &h, &err), 0);
	TL_CHECK_INT(tl__history_set_schema_version(h, 99, &err), 0);
	TL_CHECK_INT(tl_history_open(db, 0, &h2, &err), -EPROTO);
	TL_CHECK(strstr(tl_buf_str(&err), "newer"));
	TL_CHECK_INT(tl__history_set_schema_version(h, TL_HISTORY_SCHEMA, &err),
		     0);
	tl_history_close(h);
	tl_buf_release(&err);
	cleanup(db);
}

static int writer(const char *db, const char *text, int first, int nruns)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history *h;
	int k, was_new;

	for (k = first; k < first + nruns; k++) {
		char *t = variant_of(text, k);

		/* A fresh connection per run, as separate `traplab run`s. */
		if (tl_history_open(db, 1, &h, &err)) {
			fprintf(stderr, "writer: %s\n", tl_buf_str(&err));
			return 1;
		}
		if (tl_history_add(h, t, strlen(t), NULL, NULL, &was_new,
				   &err) ||
		    !was_new) {
			fprintf(stderr, "writer: %s\n", tl_buf_str(&err));
			return 1;
		}
		tl_history_close(h);
		free(t);
	}
	tl_buf_release(&err);
	return 0;
}

TL_TEST(two_writers_at_once)
{
	char *db = tmp_db(), *t;
	pid_t pid[2];
	size_t len;
	int i, st, ok = 1;

	t = run_text("run-1.json", &len);
	TL_CHECK(db && t);
	/* Both create the file and run the migrations racing each other. */
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		TL_CHECK(pid[i] >= 0);
		if (pid[i] == 0)
			_exit(writer(db, t, i * 100, 15));
	}
	for (i = 0; i < 2; i++) {
		if (waitpid(pid[i], &st, 0) != pid[i] || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			ok = 0;
	}
	TL_CHECK(ok);
	TL_CHECK_INT(count(db, "SELECT count(*) FROM runs"), 30);
	TL_CHECK_INT(count(db, "SELECT count(*) FROM metrics"), 30 * 5);
	TL_CHECK_INT(count(db, "SELECT count(*) FROM runs r WHERE nmetrics"
			       " != (SELECT count(*) FROM metrics m WHERE"
			       " m.run_id = r.id)"),
		     0);
	free(t);
	cleanup(db);
}

static void die_at_row_3(size_t row)
{
	if (row == 3)
		raise(SIGKILL);
}

TL_TEST(writer_killed_mid_run_leaves_no_half_run)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history *h;
	char *db = tmp_db(), *t, *t2;
	size_t len;
	pid_t pid;
	int st;

	t = run_text("run-1.json", &len);
	TL_CHECK(db && t);
	TL_CHECK_INT(tl_history_open(db, 1, &h, &err), 0);
	TL_CHECK_INT(tl_history_add(h, t, len, NULL, NULL, NULL, &err), 0);
	tl_history_close(h);
	t2 = variant_of(t, 7);
	pid = fork();
	TL_CHECK(pid >= 0);
	if (pid == 0) {
		tl__history_row_hook = die_at_row_3;
		if (tl_history_open(db, 1, &h, &err))
			_exit(3);
		tl_history_add(h, t2, strlen(t2), NULL, NULL, NULL, &err);
		_exit(4); /* not reached: the hook kills us */
	}
	TL_CHECK(waitpid(pid, &st, 0) == pid);
	TL_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	/* Only the first run, whole; the database is intact and writable. */
	TL_CHECK_INT(count(db, "SELECT count(*) FROM runs"), 1);
	TL_CHECK_INT(count(db, "SELECT count(*) FROM metrics"), 5);
	if (!is_pg(db))
		TL_CHECK_INT(count(db, "SELECT count(*) FROM"
				       " pragma_integrity_check"
				       " WHERE integrity_check = 'ok'"),
			     1);
	TL_CHECK_INT(tl_history_open(db, 0, &h, &err), 0);
	TL_CHECK_INT(tl_history_add(h, t2, strlen(t2), NULL, NULL, NULL, &err),
		     0);
	tl_history_close(h);
	TL_CHECK_INT(count(db, "SELECT count(*) FROM metrics"), 10);
	free(t);
	free(t2);
	tl_buf_release(&err);
	cleanup(db);
}

/* One list of steps; each dialect gets its own words and no placeholder. */
TL_TEST(migrations_one_list_two_dialects)
{
	for (int step = 0; step < TL_HISTORY_SCHEMA; step++) {
		char *sq = tl_schema_migration(step, TL_SCHEMA_SQLITE);
		char *pg = tl_schema_migration(step, TL_SCHEMA_POSTGRES);

		TL_CHECK(!strchr(sq, '{') && !strchr(pg, '{'));
		TL_CHECK(!strstr(sq, "BIGSERIAL") && !strstr(sq, "DOUBLE"));
		TL_CHECK(!strstr(pg, "strftime") && !strstr(pg, " REAL"));
		if (step == 0) {
			TL_CHECK(strstr(sq, "id INTEGER PRIMARY KEY,") != NULL);
			TL_CHECK(strstr(pg, "id BIGSERIAL PRIMARY KEY,") !=
				 NULL);
			TL_CHECK(strstr(sq, "DEFAULT (strftime(") != NULL);
			TL_CHECK(strstr(pg, "median DOUBLE PRECISION,") !=
				 NULL);
		} else {
			TL_CHECK_STR(sq, pg);
		}
		free(sq);
		free(pg);
	}
}

TL_TEST_MAIN()
