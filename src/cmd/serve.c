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

static const char usage[] =
	"usage: traplab serve [--listen HOST:PORT] [--slo FILE] [--db FILE] "
	"[RUN.json]\n"
	"\n"
	"Serves RUN.json (default results/latest.json) and its SLO status on\n"
	"http://HOST:PORT/metrics until SIGINT or SIGTERM, re-read when it "
	"changes.\n"
	"\n"
	"options:\n"
	"  --listen HOST:PORT  where (default " TL_SERVE_DEFAULT_LISTEN
	", loopback only)\n"
	"  --slo FILE          add the status of FILE's objectives\n"
	"  --db FILE|URL       the history the SLO status reads earlier runs "
	"from\n"
	"\n"
	"exit: 0 after a signal, 2 on error (cannot bind, unreadable run).\n"
	"\n"
	"examples:\n"
	"  traplab serve &\n"
	"  curl -s 127.0.0.1:9464/metrics | head\n"
	"  traplab serve --listen 0.0.0.0:9464 --slo slo/default.yaml\n";

static const struct option longopts[] = {
	{"listen", required_argument, NULL, 'l'},
	{"slo", required_argument, NULL, 's'},
	{"db", required_argument, NULL, 'd'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0}};

int cmd_serve(int argc, char **argv)
{
	const char *listen = TL_SERVE_DEFAULT_LISTEN;
	const char *run_path = "results/latest.json", *slo_path = NULL;
	const char *db_path = TL_HISTORY_DEFAULT_DB;
	struct tl_server *s;
	sigset_t set;
	int i, sig;

	optind = 1;
	while ((i = tl_cmd_getopt(argc, argv, longopts, usage, &sig)) != -1) {
		if (i == TL_CMD_EXIT)
			return sig;
		if (i == 'l')
			listen = optarg;
		else if (i == 's')
			slo_path = optarg;
		else if (i == 'd')
			db_path = optarg;
	}
	if (argc - optind > 1) {
		fprintf(stderr, "traplab serve: one run file, not %d\n",
			argc - optind);
		return 2;
	}
	if (optind < argc)
		run_path = argv[optind];
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
