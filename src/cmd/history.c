/*
 * history.c - `traplab history`: list, add, trend and matrix over the
 * stored runs.
 *
 *   $ traplab history
 *   id  started_utc           machine           commit   variants bad  metrics
 *    2  2026-11-25T22:40:00Z  9c1e5d0b7a3f4e21  3f2a9c1         4   0       12
 */
#include "cmd/cmd.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "analyze/matrix.h"
#include "base/stats.h"
#include "measure/results.h"
#include "store/history.h"

#include "base/banned.h"

static const char usage_text[] =
	"usage: traplab history [--db URL] [--machine FP] [--limit N | --all]\n"
	"       traplab history [--db URL] add RUN.json...\n"
	"       traplab history [--db URL] trend EXPERIMENT VARIANT METRIC "
	"[--params P]\n"
	"       traplab history [--db URL] matrix [--machine FP] [--last N]\n"
	"                       [--metric M] [--out DIR] [RUN.json...]\n"
	"\n"
	"The stored runs, newest first; add stores runs, trend shows one "
	"figure\n"
	"over the runs with its change point, matrix the figures x machines.\n"
	"\n"
	"options:\n"
	"  --db URL      a SQLite file or postgres://... (--history is the "
	"same;\n"
	"                default $TRAPLAB_HISTORY, else "
	"results/history.sqlite)\n"
	"  --machine FP  only the runs of this machine fingerprint\n"
	"  --limit N     list N runs (default 50); --all lists every one\n"
	"  --params P    trend: the case, as size=64\n"
	"  --last N      matrix: the last N plain runs of each machine "
	"(default 5)\n"
	"  --metric M    matrix: this metric only\n"
	"  --out DIR     matrix: each machine's pooled run to "
	"DIR/FINGERPRINT.json\n"
	"\n"
	"exit: 0, or 2 on error.\n"
	"\n"
	"examples:\n"
	"  traplab history\n"
	"  traplab history add results/latest.json\n"
	"  traplab history trend alloc c.glibc ns_per_op --params size=64\n"
	"  traplab history --db postgres://traplab@db/traplab matrix --last "
	"3\n";

static const char trend_usage[] =
	"usage: traplab history trend [--db URL] [--machine FP] [--params P]\n"
	"                             EXPERIMENT VARIANT METRIC\n"
	"\n"
	"One figure's medians over the stored runs, oldest first, with its\n"
	"change point (Pettitt's test) and whether the shift lasts.\n"
	"\n"
	"options:\n"
	"  --db URL      a SQLite file or postgres://... (--history is the "
	"same)\n"
	"  --machine FP  only the runs of this machine fingerprint\n"
	"  --params P    the case, as size=64\n"
	"\n"
	"exit: 0, or 2 on error.\n"
	"\n"
	"examples:\n"
	"  traplab history trend alloc c.glibc ns_per_op --params size=64\n"
	"  traplab history trend --db postgres://traplab@db/traplab json "
	"go.std ns_per_op\n";

static const char matrix_usage[] =
	"usage: traplab history matrix [--db URL] [--machine FP] [--last N]\n"
	"                              [--metric M] [--out DIR] "
	"[RUN.json...]\n"
	"\n"
	"The figures x machines matrix of the RUN.json files given (the "
	"history\n"
	"is not opened), else of the last N plain runs of each machine.\n"
	"\n"
	"options:\n"
	"  --db URL      a SQLite file or postgres://... (--history is the "
	"same)\n"
	"  --machine FP  only this machine fingerprint\n"
	"  --last N      the last N plain runs of each machine (default 5)\n"
	"  --metric M    this metric only\n"
	"  --out DIR     each machine's pooled run to DIR/FINGERPRINT.json\n"
	"\n"
	"exit: 0, or 2 on error.\n"
	"\n"
	"examples:\n"
	"  traplab history matrix --last 3\n"
	"  traplab history matrix --metric ns_per_op --out pooled/ a.json "
	"b.json\n";

static const char add_usage[] =
	"usage: traplab history add [--db URL] RUN.json...\n"
	"\n"
	"Stores runs in the history (what `traplab run` does after a run).\n"
	"\n"
	"options:\n"
	"  --db URL      a SQLite file or postgres://... (--history is the "
	"same)\n"
	"\n"
	"exit: 0, or 2 when a file cannot be read or stored.\n"
	"\n"
	"examples:\n"
	"  traplab history add results/latest.json\n"
	"  traplab history add --db postgres://traplab@db/traplab run-*.json\n";

static int usage(void)
{
	return tl_cmd_usage("history", usage_text);
}

/* Opens the history at db, or says why on stderr: 0 or 2. */
static int open_db(const char *db, int flags, struct tl_history **h)
{
	struct tl_buf err = TL_BUF_INIT;

	if (!tl_history_open(db, flags, h, &err))
		return 0;
	fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
	tl_buf_release(&err);
	return 2;
}

static int history_list(struct tl_history *h, const char *machine, size_t limit)
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

static const struct option add_opts[] = {
	{"db", required_argument, NULL, 'd'},
	{"history", required_argument, NULL, 'd'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}};

/* argv[0] is "add"; the operands are results files. */
static int history_add(const char *db, int argc, char **argv)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history *h;
	int i, rc = 0, was_new;
	long long id;
	char *text;
	size_t len;

	argv[0] = (char *)"history add";
	optind = 0; /* cmd_history's "+" ordering must not stick */
	while ((i = tl_cmd_getopt(argc, argv, add_opts, add_usage, &rc)) !=
	       -1) {
		if (i == TL_CMD_EXIT)
			return rc;
		if (i == 'd')
			db = optarg;
	}
	if (optind == argc)
		return tl_cmd_usage("history add", add_usage);
	if (open_db(db, TL_HISTORY_CREATE, &h))
		return 2;
	for (i = optind; i < argc; i++) {
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
	tl_history_close(h);
	tl_buf_release(&err);
	return rc;
}

static const struct option trend_opts[] = {
	{"db", required_argument, NULL, 'd'},
	{"history", required_argument, NULL, 'd'},
	{"params", required_argument, NULL, 'p'},
	{"machine", required_argument, NULL, 'm'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}};

/* argv[0] is "trend"; options may come before or after the operands. */
static int history_trend(const char *db, const char *machine, int argc,
			 char **argv)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history_point *p;
	struct tl_changepoint cp;
	struct tl_history *h;
	const char *params = NULL;
	double *x;
	size_t n, i;
	int rc = 0, o;

	argv[0] = (char *)"history trend";
	optind = 0; /* cmd_history's "+" ordering must not stick */
	while ((o = tl_cmd_getopt(argc, argv, trend_opts, trend_usage, &rc)) !=
	       -1) {
		if (o == TL_CMD_EXIT)
			return rc;
		if (o == 'd')
			db = optarg;
		else if (o == 'p')
			params = optarg;
		else if (o == 'm')
			machine = optarg;
	}
	if (argc - optind != 3) {
		fprintf(stderr,
			"traplab history trend: expected EXPERIMENT VARIANT "
			"METRIC, got %d operand%s\n",
			argc - optind, argc - optind == 1 ? "" : "s");
		return tl_cmd_usage("history trend", trend_usage);
	}
	argv += optind;
	if (open_db(db, TL_HISTORY_READ_ONLY, &h))
		return 2;
	if (tl_history_series(h, machine, argv[0], params, argv[1], argv[2], &p,
			      &n, &err)) {
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
		tl_buf_release(&err);
		tl_history_close(h);
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
	tl_history_close(h);
	tl_buf_release(&err);
	return rc;
}

/*
 * traplab history matrix: from files when any are given (the history is
 * not opened), else from the last N runs of each machine in the history.
 */
static const struct option matrix_opts[] = {
	{"db", required_argument, NULL, 'd'},
	{"history", required_argument, NULL, 'd'},
	{"last", required_argument, NULL, 'n'},
	{"metric", required_argument, NULL, 'M'},
	{"out", required_argument, NULL, 'o'},
	{"machine", required_argument, NULL, 'm'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}};

/* argv[0] is "matrix". */
static int history_matrix(const char *db, const char *machine, int argc,
			  char **argv)
{
	struct tl_buf err = TL_BUF_INIT, out = TL_BUF_INIT;
	struct tl_matrix mx = TL_MATRIX_INIT;
	struct tl_history *h = NULL;
	const char *metric = NULL, *dir = NULL;
	size_t last = 5, i;
	int a, rc = 0;
	char *end;

	argv[0] = (char *)"history matrix";
	optind = 0; /* cmd_history's "+" ordering must not stick */
	while ((a = tl_cmd_getopt(argc, argv, matrix_opts, matrix_usage,
				  &rc)) != -1) {
		if (a == TL_CMD_EXIT)
			return rc;
		if (a == 'n') {
			last = strtoul(optarg, &end, 10);
			if (*end || !*optarg || *optarg == '-' || !last) {
				fprintf(stderr,
					"traplab history matrix: --last: "
					"expected a count of runs, found "
					"'%s'\n",
					optarg);
				return 2;
			}
		} else if (a == 'd') {
			db = optarg;
		} else if (a == 'M') {
			metric = optarg;
		} else if (a == 'o') {
			dir = optarg;
		} else if (a == 'm') {
			machine = optarg;
		}
	}
	a = optind;
	for (; a < argc && !rc; a++)
		rc = tl_matrix_add_file(&mx, argv[a], &err);
	if (!rc && !mx.n) {
		rc = tl_history_open(db, TL_HISTORY_READ_ONLY, &h, &err);
		if (!rc)
			rc = tl_matrix_add_history(&mx, h, machine, last, &err);
	}
	if (rc)
		goto fail;
	if (!mx.n) {
		fprintf(stderr, "traplab: no runs to put in a matrix\n");
		rc = 2;
		goto out;
	}
	tl_matrix_print(&mx, metric, &out);
	fputs(tl_buf_str(&out), stdout);
	for (i = 0; dir && i < mx.n; i++) {
		const struct tl_matrix_machine *m = tl_matrix_machine(&mx, i);
		char *path = xasprintf("%s/%s.json", dir, m->fingerprint);
		char *text = json_dumps(m->run, JSON_INDENT(1));

		rc = tl_mkdirs(dir);
		if (!rc)
			rc = tl_write_file_atomic(path, text, strlen(text));
		if (rc)
			tl_buf_printf(&err, "cannot write '%s': %s", path,
				      strerror(-rc));
		else
			printf("wrote %s (%zu run%s pooled)\n", path, m->nruns,
			       m->nruns == 1 ? "" : "s");
		free(text);
		free(path);
		if (rc)
			goto fail;
	}
	goto out;

fail:
	fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
	rc = 2;
out:
	tl_history_close(h);
	tl_matrix_release(&mx);
	tl_buf_release(&out);
	tl_buf_release(&err);
	return rc;
}

static const struct option longopts[] = {
	{"db", required_argument, NULL, 'd'},
	{"history", required_argument, NULL, 'd'},
	{"machine", required_argument, NULL, 'm'},
	{"limit", required_argument, NULL, 'l'},
	{"all", no_argument, NULL, 'a'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}};

int cmd_history(int argc, char **argv)
{
	const char *db = TL_HISTORY_DEFAULT_DB, *machine = NULL;
	struct tl_history *h;
	size_t limit = 50;
	int i, rc;

	/* "+": options stop at the subcommand, which reads its own. */
	opterr = 0;
	optind = 1;
	while ((rc = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (rc == 'h') {
			tl_cmd_help(usage_text);
			return 0;
		} else if (rc == '?') {
			tl_cmd_unknown("history", argv[optind - 1], longopts);
			return 2;
		} else if (rc == ':') {
			fprintf(stderr,
				"traplab history: option '%s' needs a value\n",
				argv[optind - 1]);
			return 2;
		} else if (rc == 'd') {
			db = optarg;
		} else if (rc == 'm') {
			machine = optarg;
		} else if (rc == 'l') {
			limit = strtoul(optarg, NULL, 10);
		} else if (rc == 'a') {
			limit = 0;
		}
	}
	i = optind;
	if (i < argc && !strcmp(argv[i], "matrix"))
		return history_matrix(db, machine, argc - i, argv + i);
	if (i < argc && !strcmp(argv[i], "trend"))
		return history_trend(db, machine, argc - i, argv + i);
	if (i < argc && !strcmp(argv[i], "add"))
		return history_add(db, argc - i, argv + i);
	if (i < argc)
		return usage();
	if (open_db(db, TL_HISTORY_READ_ONLY, &h))
		return 2;
	rc = history_list(h, machine, limit);
	tl_history_close(h);
	return rc;
}
