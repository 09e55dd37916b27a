/*
 * compare.c - `traplab compare`: the change of every metric between two
 * runs, or between a run and the runs stored before it.
 */
#include "cmd/cmd.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/compare.h"
#include "base/term.h"
#include "report/cmpreport.h"
#include "measure/results.h"
#include "store/history.h"

#include "base/banned.h"

static int open_run(const char *spec, const char *db, json_t **out,
		    long long *id, struct tl_buf *err)
{
	struct tl_history *h;
	int rc;

	*id = 0;
	if (spec[0] != '@')
		return tl_results_load(spec, out, err);
	*id = strtoll(spec + 1, NULL, 10);
	rc = tl_history_open(db, TL_HISTORY_READ_ONLY, &h, err);
	if (rc)
		return rc;
	rc = tl_history_get_json(h, *id, out, err);
	tl_history_close(h);
	return rc;
}

/* The N runs stored before run on its machine, oldest first. */
static int baseline(const char *db, json_t *run, long long run_id, size_t n,
		    json_t ***out, size_t *nout, struct tl_buf *err)
{
	const char *fp = json_string_value(
		json_object_get(json_object_get(run, "env"), "fingerprint"));
	const char *started =
		json_string_value(json_object_get(run, "started_utc"));
	struct tl_history_run *runs = NULL;
	struct tl_history *h;
	size_t nr = 0, i, k = 0;
	json_t **v;
	int rc;

	rc = tl_history_open(db, TL_HISTORY_READ_ONLY, &h, err);
	if (rc)
		return rc;
	rc = tl_history_list(h, fp, run_id, 0, &runs, &nr, err);
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; !rc && i < nr && k < n; i++) {
		if (started && strcmp(runs[i].started_utc, started) >= 0)
			continue;
		rc = tl_history_get_json(h, runs[i].id, &v[k], err);
		if (!rc)
			k++;
	}
	for (i = 0; i < k / 2; i++) {
		json_t *t = v[i];

		v[i] = v[k - 1 - i];
		v[k - 1 - i] = t;
	}
	tl_history_runs_free(runs, nr);
	tl_history_close(h);
	*out = v;
	*nout = k;
	return rc;
}

/* The table on stdout, and --md / --json; 0 or 2 (reason in err). */
static int write_reports(const struct tl_compare *c, const char *what,
			 const char *md, const char *js, struct tl_buf *err)
{
	struct tl_buf b = TL_BUF_INIT;
	char *s = NULL;
	json_t *j;
	int e = 0;

	tl_cmpreport_table(&b, c, what, tl_term_width(1), tl_term_color(1));
	fputs(tl_buf_str(&b), stdout);
	if (md) {
		b.len = 0;
		tl_cmpreport_md(&b, c, what);
		e = tl_write_file_atomic(md, b.s, b.len);
		if (e)
			tl_buf_printf(err, "cannot write '%s': %s", md,
				      strerror(-e));
	}
	if (js && !e) {
		j = tl_cmpreport_json(c, what);
		s = json_dumps(j, JSON_INDENT(2));
		json_decref(j);
		e = tl_write_file_atomic(js, s, strlen(s));
		if (e)
			tl_buf_printf(err, "cannot write '%s': %s", js,
				      strerror(-e));
	}
	free(s);
	tl_buf_release(&b);
	return e ? 2 : 0;
}

static const char usage_text[] =
	"usage: traplab compare [--db FILE] [--alpha A] [--md FILE] [--json "
	"FILE] A B\n"
	"       traplab compare [--db FILE] --baseline N RUN\n"
	"\n"
	"The change of every metric from run A to run B, or from the N runs "
	"stored\n"
	"before RUN to RUN; A, B, RUN: a results JSON file or @ID of a stored "
	"run.\n"
	"\n"
	"options:\n"
	"  --db FILE|URL  the history of the @ID runs (default "
	"$TRAPLAB_HISTORY,\n"
	"                 else results/history.sqlite)\n"
	"  --alpha A      the significance level (default 0.05; 0.01 with\n"
	"                 --baseline)\n"
	"  --baseline N   RUN against the N runs stored before it on its "
	"machine\n"
	"  --md FILE      the comparison as Markdown (a pull request comment)\n"
	"  --json FILE    the comparison as JSON (for a script)\n"
	"\n"
	"exit: 0 nothing regressed, 1 a metric regressed, 2 error.\n"
	"\n"
	"examples:\n"
	"  traplab compare old.json results/latest.json\n"
	"  traplab compare @12 @15\n"
	"  traplab compare --baseline 5 --md change.md results/latest.json\n";

static int usage(void)
{
	return tl_cmd_usage("compare", usage_text);
}

static const struct option longopts[] = {
	{"db", required_argument, NULL, 'd'},
	{"alpha", required_argument, NULL, 'a'},
	{"baseline", required_argument, NULL, 'b'},
	{"md", required_argument, NULL, 'm'},
	{"json", required_argument, NULL, 'j'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}};

int cmd_compare(int argc, char **argv)
{
	const char *db = TL_HISTORY_DEFAULT_DB, *pos[2], *md = NULL, *js = NULL;
	struct tl_buf err = TL_BUF_INIT;
	struct tl_compare c;
	json_t *a = NULL, *b = NULL, **base = NULL;
	size_t nbase = 0, window = 0, i;
	double alpha = -1;
	long long ida, idb;
	int npos = 0, rc = 2, k;
	char *what = NULL;

	optind = 1;
	while ((k = tl_cmd_getopt(argc, argv, longopts, usage_text, &rc)) !=
	       -1) {
		if (k == TL_CMD_EXIT)
			return rc;
		if (k == 'd')
			db = optarg;
		else if (k == 'a')
			alpha = strtod(optarg, NULL);
		else if (k == 'b')
			window = strtoul(optarg, NULL, 10);
		else if (k == 'm')
			md = optarg;
		else if (k == 'j')
			js = optarg;
	}
	rc = 2;
	for (; optind < argc; optind++) {
		if (npos == 2)
			return usage();
		pos[npos++] = argv[optind];
	}
	if (npos != (window ? 1 : 2) || !(alpha < 1))
		return usage();
	if (window) {
		if (alpha <= 0)
			alpha = 0.01;
		if (open_run(pos[0], db, &b, &idb, &err) ||
		    baseline(db, b, idb, window, &base, &nbase, &err))
			goto out;
		if (!nbase) {
			tl_buf_printf(&err,
				      "no earlier run of this machine in '%s' "
				      "to compare '%s' with",
				      db, pos[0]);
			goto out;
		}
		what = xasprintf("%s against a baseline of the %zu earlier "
				 "run%s on this machine (A = pooled baseline)",
				 pos[0], nbase, nbase == 1 ? "" : "s");
		tl_compare_runs(base, nbase, b, alpha, &c);
	} else {
		if (alpha <= 0)
			alpha = 0.05;
		if (open_run(pos[0], db, &a, &ida, &err) ||
		    open_run(pos[1], db, &b, &idb, &err))
			goto out;
		what = xasprintf("A = %s, B = %s", pos[0], pos[1]);
		tl_compare_runs(&a, 1, b, alpha, &c);
	}
	rc = write_reports(&c, what, md, js, &err);
	if (!rc)
		rc = c.regressions ? 1 : 0;
	tl_compare_release(&c);
out:
	if (rc == 2 && err.len)
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
	for (i = 0; i < nbase; i++)
		json_decref(base[i]);
	free(base);
	free(what);
	json_decref(a);
	json_decref(b);
	tl_buf_release(&err);
	return rc;
}
