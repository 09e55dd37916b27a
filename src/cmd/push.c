/*
 * push.c - `traplab push`: a run (and its SLO status) to a Prometheus
 * Pushgateway.
 */
#include "cmd/cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/http.h"
#include "measure/results.h"
#include "report/expo.h"
#include "report/push.h"
#include "store/history.h"

#include "base/banned.h"

static const char usage[] =
	"usage: traplab push [--job NAME] [--slo FILE] [--db FILE] [--timeout "
	"SECONDS]\n"
	"                    URL [RUN.json]\n"
	"\n"
	"Sends RUN.json (default results/latest.json) and its SLO status to "
	"the\n"
	"Pushgateway at URL, replacing its group "
	"job/NAME/machine/FINGERPRINT.\n"
	"\n"
	"options:\n"
	"  --job NAME         the job label (default traplab)\n"
	"  --slo FILE         add the status of FILE's objectives\n"
	"  --db FILE|URL      the history the SLO status reads earlier runs "
	"from\n"
	"  --timeout SECONDS  give up after that long (default 10)\n"
	"\n"
	"exit: 0 the gateway accepted the run, 2 otherwise.\n"
	"\n"
	"examples:\n"
	"  traplab push http://127.0.0.1:9091\n"
	"  traplab push --job nightly --slo slo/default.yaml \\\n"
	"      https://pgw.example:9091 results/latest.json\n";

static const struct option longopts[] = {
	{"job", required_argument, NULL, 'j'},
	{"slo", required_argument, NULL, 's'},
	{"db", required_argument, NULL, 'd'},
	{"timeout", required_argument, NULL, 't'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}};

int cmd_push(int argc, char **argv)
{
	const char *url = NULL, *path = "results/latest.json", *job = "traplab";
	const char *slo_path = NULL, *db = TL_HISTORY_DEFAULT_DB, *fp;
	struct tl_buf err = TL_BUF_INIT, body = TL_BUF_INIT;
	struct tl_expo *e = NULL;
	json_t *run = NULL;
	char *target = NULL;
	int i, rc = 2, status, npos = 0;
	long timeout_ms = 10000;
	size_t lines = 0;
	char *shown;

	optind = 1;
	while ((i = tl_cmd_getopt(argc, argv, longopts, usage, &rc)) != -1) {
		if (i == TL_CMD_EXIT)
			return rc;
		if (i == 'j')
			job = optarg;
		else if (i == 's')
			slo_path = optarg;
		else if (i == 'd')
			db = optarg;
		else if (i == 't')
			timeout_ms = (long)(strtod(optarg, NULL) * 1000);
	}
	rc = 2;
	npos = argc - optind;
	if (npos < 1 || npos > 2) {
		fprintf(stderr,
			"traplab push: expected URL [RUN.json] (traplab push "
			"--help)\n");
		return 2;
	}
	url = argv[optind];
	if (npos == 2)
		path = argv[optind + 1];
	if (tl_results_load(path, &run, &err))
		goto out;
	e = tl_expo_new();
	if (tl_expo_run(e, run) ||
	    (slo_path && tl_expo_slo_file(e, slo_path, run, db, &err))) {
		if (!err.len)
			tl_buf_printf(&err, "'%s': cannot expose the run",
				      path);
		goto out;
	}
	tl_expo_write(e, &body);
	fp = json_string_value(
		json_object_get(json_object_get(run, "env"), "fingerprint"));
	if (tl_push_target(url, job, fp ? fp : "unknown", &target, &err))
		goto out;
	if (tl_push_http("PUT", target, body.s, body.len, timeout_ms, &status,
			 &err))
		goto out;
	for (i = 0; i < (int)body.len; i++)
		lines += body.s[i] == '\n';
	shown = tl_http_redact(target);
	fprintf(stderr, "traplab: pushed %zu lines to %s (HTTP %d)\n", lines,
		shown, status);
	free(shown);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
	free(target);
	tl_expo_free(e);
	json_decref(run);
	tl_buf_release(&body);
	tl_buf_release(&err);
	return rc;
}
