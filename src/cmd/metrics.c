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

int cmd_metrics(int argc, char **argv)
{
	const char *path = "results/latest.json", *textfile = NULL;
	const char *slo_path = NULL, *db = TL_HISTORY_DEFAULT_DB;
	struct tl_buf err = TL_BUF_INIT, out = TL_BUF_INIT;
	struct tl_expo *e = NULL;
	json_t *run = NULL;
	int i, rc = 2;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--textfile") && i + 1 < argc)
			textfile = argv[++i];
		else if (!strcmp(argv[i], "--slo") && i + 1 < argc)
			slo_path = argv[++i];
		else if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (argv[i][0] == '-' || i + 1 != argc) {
			fprintf(stderr, "usage: traplab metrics [--slo FILE] "
					"[--db FILE] [--textfile DIR] "
					"[RUN.json]\n");
			return 2;
		} else
			path = argv[i];
	}
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
