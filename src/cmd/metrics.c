/*
 * metrics.c - `traplab metrics`: a run in the Prometheus text format, on
 * stdout or as a node_exporter textfile.
 */
#include "cmd/cmd.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure/results.h"
#include "report/expo.h"
#include "store/history.h"

#include "base/banned.h"

static const char usage[] =
	"usage: traplab metrics [--slo FILE] [--db FILE] [--textfile DIR] "
	"[RUN.json]\n"
	"\n"
	"Prints the figures of RUN.json (default results/latest.json) in the\n"
	"Prometheus text format, with the SLO status of an SLO file.\n"
	"\n"
	"options:\n"
	"  --slo FILE      add the status of FILE's objectives\n"
	"  --db FILE|URL   the history the SLO status reads earlier runs from\n"
	"  --textfile DIR  write DIR/traplab.prom atomically, for "
	"node_exporter's\n"
	"                  textfile collector, instead of printing\n"
	"\n"
	"exit: 0, or 2 on error.\n"
	"\n"
	"examples:\n"
	"  traplab metrics | grep op_duration_seconds\n"
	"  traplab metrics --slo slo/default.yaml results/latest.json\n"
	"  traplab metrics --textfile /var/lib/node_exporter/textfile\n";

static const struct option longopts[] = {
	{"textfile", required_argument, NULL, 't'},
	{"slo", required_argument, NULL, 's'},
	{"db", required_argument, NULL, 'd'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}};

int cmd_metrics(int argc, char **argv)
{
	const char *path = "results/latest.json", *textfile = NULL;
	const char *slo_path = NULL, *db = TL_HISTORY_DEFAULT_DB;
	struct tl_buf err = TL_BUF_INIT, out = TL_BUF_INIT;
	struct tl_expo *e = NULL;
	json_t *run = NULL;
	int i, rc = 2;

	optind = 1;
	while ((i = tl_cmd_getopt(argc, argv, longopts, usage, &rc)) != -1) {
		if (i == TL_CMD_EXIT)
			return rc;
		if (i == 't')
			textfile = optarg;
		else if (i == 's')
			slo_path = optarg;
		else if (i == 'd')
			db = optarg;
	}
	rc = 2;
	if (argc - optind > 1) {
		fprintf(stderr, "traplab metrics: one run file, not %d\n",
			argc - optind);
		return 2;
	}
	if (optind < argc)
		path = argv[optind];
	if (tl_results_load(path, &run, &err))
		goto out;
	e = tl_expo_new();
	if (tl_expo_run(e, run)) {
		tl_buf_printf(&err, "'%s': cannot expose the run", path);
		goto out;
	}
	if (slo_path && tl_expo_slo_file(e, slo_path, run, db, &err))
		goto out;
	tl_expo_write(e, &out);
	if (textfile) {
		char *file = xasprintf("%s/traplab.prom", textfile);
		int r = tl_write_file_atomic(file, out.s, out.len);

		if (r)
			tl_buf_printf(&err, "cannot write '%s': %s", file,
				      strerror(-r));
		free(file);
		if (r)
			goto out;
	} else {
		fwrite(tl_buf_str(&out), 1, out.len, stdout);
	}
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
	tl_expo_free(e);
	json_decref(run);
	tl_buf_release(&out);
	tl_buf_release(&err);
	return rc;
}
