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

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--job") && i + 1 < argc)
			job = argv[++i];
		else if (!strcmp(argv[i], "--slo") && i + 1 < argc)
			slo_path = argv[++i];
		else if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout_ms = (long)(strtod(argv[++i], NULL) * 1000);
		else if (argv[i][0] != '-' && npos == 0 && ++npos)
			url = argv[i];
		else if (argv[i][0] != '-' && npos == 1 && ++npos)
			path = argv[i];
		else
			url = NULL, i = argc;
	}
	if (!url) {
		fprintf(stderr, "usage: traplab push [--job NAME] [--slo FILE] "
				"[--timeout SECONDS] URL [RUN.json]\n");
		return 2;
	}
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
