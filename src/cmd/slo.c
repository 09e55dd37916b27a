/*
 * slo.c - `traplab slo check`: a run (and its history) against SLO budgets.
 */
#include "cmd/cmd.h"

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

static int slo_usage(void)
{
	fprintf(stderr, "usage: traplab slo check [--slo FILE] [--db FILE | "
			"--no-history] [RUN.json]\n");
	return 2;
}

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
	int rc = 2, a;

	if (argc < 2 || strcmp(argv[1], "check"))
		return slo_usage();
	for (a = 2; a < argc; a++) {
		if (!strcmp(argv[a], "--slo") && a + 1 < argc)
			slo_path = argv[++a];
		else if (!strcmp(argv[a], "--db") && a + 1 < argc)
			db = argv[++a];
		else if (!strcmp(argv[a], "--no-history"))
			db = NULL;
		else if (argv[a][0] != '-' && a + 1 == argc)
			path = argv[a];
		else
			return slo_usage();
	}
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
	tl_slo_print(&slo, &rep, npast, stdout);
	rc = rep.violated || rep.nodata ? 1 : 0;
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
	return rc;
}
