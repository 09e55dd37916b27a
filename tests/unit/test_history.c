/*
 * test_history.c - the SQLite run history: schema migrations, one
 * transaction per run, two writers at once, and a writer killed half-way.
 */
#include "history.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

static char *tmp_db(void)
{
	char dir[] = "/tmp/tl-history-XXXXXX";

	if (!mkdtemp(dir))
		return NULL;
	return xasprintf("%s/sub/history.sqlite", dir);
}

static long long count(const char *db, const char *sql)
{
	sqlite3 *d;
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL))
		return -1;
	if (!sqlite3_prepare_v2(d, sql, -1, &st, NULL)) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(d);
	return n;
}

static void cleanup(char *db)
{
	char *dir = xstrdup(db);

	*strrchr(dir, '/') = 0;
	*strrchr(dir, '/') = 0;
	tl_rmtree(dir);
	free(dir);
	free(db);
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
	tl_history_close(h);
	TL_CHECK_INT(count(db, "PRAGMA user_version"), TL_HISTORY_SCHEMA);
	TL_CHECK_INT(count(db, "SELECT count(*) FROM pragma_journal_mode "
			       "WHERE journal_mode = 'wal'"),
		     1);
	free(t1);
	free(t2);
	tl_buf_release(&err);
	cleanup(db);
}

TL_TEST(migrates_old_schema_and_refuses_newer)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history *h;
	char *db = tmp_db();
	sqlite3 *d;

	TL_CHECK_INT(tl_history_open(db, 1, &h, &err), 0);
	tl_history_close(h);
	/* Back to version 1: the step-2 index is gone. */
	TL_CHECK_INT(sqlite3_open(db, &d), SQLITE_OK);
	TL_CHECK_INT(sqlite3_exec(d,
				  "DROP INDEX metrics_figure;"
				  " PRAGMA user_version = 1",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(d);
	TL_CHECK_INT(tl_history_open(db, 0, &h, &err), 0);
	tl_history_close(h);
	TL_CHECK_INT(count(db, "PRAGMA user_version"), 2);
	TL_CHECK_INT(count(db, "SELECT count(*) FROM sqlite_master WHERE "
			       "name = 'metrics_figure'"),
		     1);
	TL_CHECK_INT(sqlite3_open(db, &d), SQLITE_OK);
	sqlite3_exec(d, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(d);
	TL_CHECK_INT(tl_history_open(db, 0, &h, &err), -EPROTO);
	TL_CHECK(strstr(tl_buf_str(&err), "newer"));
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
		if (tl_history_open(db, 1, &h, &err))
			return 1;
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
	TL_CHECK_INT(count(db, "SELECT count(*) FROM pragma_integrity_check"
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

TL_TEST_MAIN()
