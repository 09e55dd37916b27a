/*
 * serve.c - `traplab serve`: /metrics over HTTP until SIGINT or SIGTERM.
 *
 *   $ traplab serve --listen 127.0.0.1:9464 &
 *   traplab: serving results/latest.json on http://127.0.0.1:9464/metrics
 */
#include "cmd/cmd.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "report/serve.h"
#include "store/history.h"

#include "base/banned.h"

static int usage(void)
{
	fprintf(stderr, "usage: traplab serve [--listen HOST:PORT] [--slo "
			"FILE] [--db FILE] [RUN.json]\n");
	return 2;
}

int cmd_serve(int argc, char **argv)
{
	const char *listen = TL_SERVE_DEFAULT_LISTEN;
	const char *run_path = "results/latest.json", *slo_path = NULL;
	const char *db_path = TL_HISTORY_DEFAULT_DB;
	struct tl_server *s;
	sigset_t set;
	int i, sig;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--listen") && i + 1 < argc)
			listen = argv[++i];
		else if (!strcmp(argv[i], "--slo") && i + 1 < argc)
			slo_path = argv[++i];
		else if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db_path = argv[++i];
		else if (argv[i][0] != '-' && i + 1 == argc)
			run_path = argv[i];
		else
			return usage();
	}
	/*
	 * Signals are taken synchronously by this thread only; blocked before
	 * the server starts its thread, which inherits the mask.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	s = tl_serve_start(listen, run_path, slo_path, db_path);
	if (!s)
		return 2;
	fprintf(stderr, "traplab: serving %s on http://%s/metrics\n", run_path,
		listen);
	sigwait(&set, &sig);
	tl_serve_stop(s);
	return 0;
}
