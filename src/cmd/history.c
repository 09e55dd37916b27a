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

static int usage(void)
{
	fputs(usage_text, stderr);
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

static int history_add(struct tl_history *h, int argc, char **argv)
{
	struct tl_buf err = TL_BUF_INIT;
	int i, rc = 0, was_new;
	long long id;
	char *text;
	size_t len;

	for (i = 0; i < argc; i++) {
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
	tl_buf_release(&err);
	return rc;
}

static int history_trend(struct tl_history *h, const char *machine, int argc,
			 char **argv)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_history_point *p;
	struct tl_changepoint cp;
	const char *params = NULL;
	double *x;
	size_t n, i;
	int rc = 0;

	if (argc == 5 && !strcmp(argv[3], "--params"))
		params = argv[4];
	else if (argc != 3)
		return usage();
	if (tl_history_series(h, machine, argv[0], params, argv[1], argv[2], &p,
			      &n, &err)) {
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
		tl_buf_release(&err);
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
	tl_buf_release(&err);
	return rc;
}

/*
 * traplab history matrix: from files when any are given (the history is
 * not opened), else from the last N runs of each machine in the history.
 */
static int history_matrix(const char *db, const char *machine, int argc,
			  char **argv)
{
	struct tl_buf err = TL_BUF_INIT, out = TL_BUF_INIT;
	struct tl_matrix mx = TL_MATRIX_INIT;
	struct tl_history *h = NULL;
	const char *metric = NULL, *dir = NULL;
	size_t last = 5, i;
	int a, rc = 0;

	for (a = 0; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--last") && a + 1 < argc)
			last = strtoul(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--metric") && a + 1 < argc)
			metric = argv[++a];
		else if (!strcmp(argv[a], "--out") && a + 1 < argc)
			dir = argv[++a];
		else if (!strcmp(argv[a], "--machine") && a + 1 < argc)
			machine = argv[++a];
		else
			return usage();
	}
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
	struct tl_buf err = TL_BUF_INIT;
	const char *db = TL_HISTORY_DEFAULT_DB, *machine = NULL;
	struct tl_history *h;
	size_t limit = 50;
	int i, rc;

	/* "+": options stop at the subcommand, which reads its own. */
	opterr = 0;
	optind = 1;
	while ((rc = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (rc == 'h') {
			fputs(usage_text, stdout);
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
		return history_matrix(db, machine, argc - i - 1, argv + i + 1);
	if (i < argc && strcmp(argv[i], "add") && strcmp(argv[i], "trend"))
		return usage();
	rc = tl_history_open(db,
			     i < argc && !strcmp(argv[i], "add")
				     ? TL_HISTORY_CREATE
				     : TL_HISTORY_READ_ONLY,
			     &h, &err);
	if (rc) {
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
		tl_buf_release(&err);
		return 2;
	}
	if (i == argc)
		rc = history_list(h, machine, limit);
	else if (!strcmp(argv[i], "add"))
		rc = i + 1 < argc ? history_add(h, argc - i - 1, argv + i + 1)
				  : usage();
	else
		rc = history_trend(h, machine, argc - i - 1, argv + i + 1);
	tl_history_close(h);
	tl_buf_release(&err);
	return rc;
}
