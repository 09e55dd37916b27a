/*
 * slo.c - `traplab slo check`: a run (and its history) against SLO budgets.
 */
#include "cmd/cmd.h"
#include "cmd/slosvc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/slo.h"
#include "base/cli.h"
#include "measure/registry.h"
#include "measure/results.h"
#include "store/history.h"
#include "report/export.h"
#include "report/slotable.h"
#include "base/term.h"

#include "base/banned.h"

/* Unknown names are an error of the SLO file: exit 2 with their places. */
static int check_names(const struct tl_slo *slo, json_t *run)
{
	struct tl_diag d = TL_DIAG_INIT, rd = TL_DIAG_INIT;
	struct tl_registry reg;
	int loaded, bad;
	size_t i;

	loaded = tl_registry_load(&reg, tl_cli_root(), &rd) >= 0;
	bad = tl_slo_check_names(slo, loaded ? &reg : NULL, run, &d);
	for (i = 0; i < d.msgs.n; i++)
		fprintf(stderr, "traplab: %s\n", d.msgs.v[i]);
	if (loaded)
		tl_registry_release(&reg);
	tl_diag_release(&rd);
	tl_diag_release(&d);
	return bad;
}

struct exports {
	const char *junit, *csv;
	int github;
};

/* --junit, --csv, --github; 0, or -1 after saying what failed. */
static int write_exports(const struct exports *ex, const struct tl_slo *slo,
			 const struct tl_slo_report *rep)
{
	struct tl_case *cases = xcalloc(rep->n + 1, sizeof(*cases));
	struct tl_strv own = TL_STRV_INIT;
	struct tl_buf b = TL_BUF_INIT, err = TL_BUF_INIT;
	char *heading = xasprintf("SLO %s", slo->name);
	int rc = 0, e;

	tl_slotable_cases(slo, rep, cases, &own);
	if (ex->junit) {
		tl_export_junit(&b, slo->path, cases, rep->n);
		e = tl_write_file_atomic(ex->junit, b.s, b.len);
		if (e)
			tl_buf_printf(&err, "cannot write '%s': %s", ex->junit,
				      strerror(-e));
		rc |= e;
	}
	if (ex->csv && !rc) {
		b.len = 0;
		tl_slotable_csv(&b, rep);
		e = tl_write_file_atomic(ex->csv, b.s, b.len);
		if (e)
			tl_buf_printf(&err, "cannot write '%s': %s", ex->csv,
				      strerror(-e));
		rc |= e;
	}
	if (ex->github && !rc)
		rc = tl_export_github(heading, cases, rep->n, &err);
	if (rc)
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
	free(heading);
	free(cases);
	tl_strv_release(&own);
	tl_buf_release(&b);
	tl_buf_release(&err);
	return rc ? -1 : 0;
}

const char tl__cmd_slo_check_help[] =
	"usage: traplab slo check [--slo FILE] [--db FILE | --no-history]\n"
	"                         [--junit FILE] [--csv FILE] [--github] "
	"[RUN.json]\n"
	"       traplab slo check --prometheus URL [--window DURATION] "
	"[--json]\n"
	"                         [--no-act] [--at UNIXTIME] [--slo] FILE\n"
	"\n"
	"Holds a run (default results/latest.json) to FILE's budgets "
	"(default\n" TL_SLO_DEFAULT_FILE
	"), or with --prometheus a service to a service SLO.\n"
	"\n"
	"options:\n"
	"  --slo FILE          the SLO file\n"
	"  --db FILE|URL       the history of the runs stored before RUN.json\n"
	"  --no-history        judge RUN.json alone\n"
	"  --junit FILE        one JUnit test case per objective and case "
	"(fails:\n"
	"                      failed now, budget exhausted, or no data)\n"
	"  --csv FILE          one row per objective and case\n"
	"  --github            annotations on stdout, a summary appended to\n"
	"                      $GITHUB_STEP_SUMMARY when it is set\n"
	"  --prometheus URL    the Prometheus that scrapes the service: "
	"latency\n"
	"                      quantile and share within the threshold, error\n"
	"                      share, request rate and CPU, by PromQL\n"
	"  --window DURATION   the window instead of the SLO period (30d)\n"
	"  --json              the service report as JSON (the action's "
	"evidence)\n"
	"  --no-act            report only; run none of the file's actions\n"
	"  --at UNIXTIME       evaluate as of then (default now)\n"
	"\n"
	"exit: 0 every objective met, 1 one violated or without data (NODATA), "
	"2\n"
	"error (a file, an unknown experiment or variant, Prometheus "
	"unreachable).\n"
	"\n"
	"examples:\n"
	"  traplab slo check\n"
	"  traplab slo check --no-history --junit slo.xml results/latest.json\n"
	"  traplab slo check --prometheus http://127.0.0.1:9090 "
	"slo/service-slo.yaml\n";

static int slo_usage(void)
{
	return tl_cmd_usage("slo check", tl__cmd_slo_check_help);
}

static const struct option longopts[] = {
	{"slo", required_argument, NULL, 's'},
	{"db", required_argument, NULL, 'd'},
	{"no-history", no_argument, NULL, 'n'},
	{"junit", required_argument, NULL, 'j'},
	{"csv", required_argument, NULL, 'c'},
	{"github", no_argument, NULL, 'g'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}};

int cmd_slo(int argc, char **argv)
{
	const char *slo_path = TL_SLO_DEFAULT_FILE, *db = TL_HISTORY_DEFAULT_DB;
	const char *path = "results/latest.json";
	struct tl_buf err = TL_BUF_INIT;
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_slo_report rep;
	struct tl_slo slo;
	json_t *run = NULL, **past = NULL;
	size_t npast = 0, i;
	struct exports ex = {NULL, NULL, 0};
	struct tl_buf tb = TL_BUF_INIT;
	int rc = 2, a;

	if (argc < 2 || strcmp(argv[1], "check"))
		return slo_usage();
	/* Options after "check"; messages name the command "slo check". */
	argv[1] = (char *)"slo check";
	optind = 1;
	while ((a = tl_cmd_getopt(argc - 1, argv + 1, longopts,
				  tl__cmd_slo_check_help, &rc)) != -1) {
		if (a == TL_CMD_EXIT)
			return rc;
		if (a == 's')
			slo_path = optarg;
		else if (a == 'd')
			db = optarg;
		else if (a == 'n')
			db = NULL;
		else if (a == 'j')
			ex.junit = optarg;
		else if (a == 'c')
			ex.csv = optarg;
		else if (a == 'g')
			ex.github = 1;
	}
	rc = 2;
	if (argc - 1 - optind > 1) {
		fprintf(stderr, "traplab slo check: one run file, not %d\n",
			argc - 1 - optind);
		return 2;
	}
	if (optind < argc - 1)
		path = argv[1 + optind];
	if (tl_slo_load(&slo, slo_path, NULL, 0, &d)) {
		for (i = 0; i < d.msgs.n; i++)
			fprintf(stderr, "traplab: %s\n", d.msgs.v[i]);
		tl_diag_release(&d);
		return 2;
	}
	if (tl_results_load(path, &run, &err))
		goto out;
	if (check_names(&slo, run))
		goto out_quiet;
	if (db && tl_slo_load_past(&slo, db, run, &past, &npast, &err))
		goto out;
	tl_slo_check(&slo, run, past, npast, &rep);
	tl_slotable_render(&tb, &slo, &rep, npast, tl_term_width(1),
			   tl_term_color(1));
	fputs(tl_buf_str(&tb), stdout);
	rc = rep.violated || rep.nodata ? 1 : 0;
	if (write_exports(&ex, &slo, &rep))
		rc = 2;
	if (json_object_get(run, "incomplete")) {
		fprintf(stderr,
			"traplab: '%s' is an incomplete run (interrupted or "
			"still going): the gate fails\n",
			path);
		rc = 1;
	}
	tl_slo_report_release(&rep);
out:
	if (rc == 2)
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
out_quiet:
	tl_slo_past_free(past, npast);
	json_decref(run);
	tl_slo_release(&slo);
	tl_diag_release(&d);
	tl_buf_release(&err);
	tl_buf_release(&tb);
	return rc;
}
