/*
 * slosvc.c - `traplab slo rules|check --prometheus|tune` on a service SLO
 * (the article's service-slo.yaml or OpenSLO v1; analyze/svcslo.h).
 *
 *   $ traplab slo rules slo/service-slo.yaml > rules.yml
 *   $ promtool check rules rules.yml
 *   SUCCESS: 14 rules found
 */
#include "cmd/slosvc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/slo.h"
#include "analyze/svcslo.h"
#include "report/promrules.h"
#include "base/util.h"

#include "base/banned.h"

static void print_diag(struct tl_diag *d)
{
	size_t i;

	for (i = 0; i < d->msgs.n; i++)
		fprintf(stderr, "traplab: %s\n", d->msgs.v[i]);
}

/* Loads a service SLO; 0, or 2 after printing why (the exit code). */
static int load(const char *path, struct tl_svc_slo *slo)
{
	struct tl_diag d = TL_DIAG_INIT;
	int rc = tl_svc_slo_load(slo, path, NULL, 0, &d);

	if (rc == 1) {
		fprintf(stderr,
			"traplab: %s: a run-based SLO (budgets on traplab's "
			"own runs); `slo rules` and `--prometheus` need a "
			"service SLO (service-slo.yaml or OpenSLO with an "
			"indicator)\n",
			path);
		rc = 2;
	} else if (rc) {
		print_diag(&d);
		rc = 2;
	}
	tl_diag_release(&d);
	return rc;
}

static int parse_window(const char *s, double *out)
{
	if (tl_svc_parse_duration(s, out)) {
		fprintf(stderr,
			"traplab: --window: expected a duration such as 30d "
			"or 12h, found '%s'\n",
			s);
		return 2;
	}
	return 0;
}

static const char rules_usage[] =
	"usage: traplab slo rules [--window DURATION] FILE\n"
	"\n"
	"Prometheus recording rules for the SLIs of a service SLO and its\n"
	"multi-window multi-burn-rate alerts (page: 1h/5m at 14.4x, 6h/30m\n"
	"at 6x; ticket: 1d/2h at 3x, 3d/6h at 1x, for a 30d period; the\n"
	"windows scale with the period). FILE is the article's\n"
	"service-slo.yaml shape or OpenSLO v1 (slo/README.md).\n"
	"\n"
	"  --window DURATION   the SLO period instead of the file's (default\n"
	"                      30d); a short one (12h: 1m/5s windows) is for\n"
	"                      tests\n"
	"\n"
	"example:\n"
	"  traplab slo rules slo/service-slo.yaml > rules.yml && "
	"promtool check rules rules.yml\n";

static int cmd_rules(int argc, char **argv)
{
	static const struct option opts[] = {
		{"window", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct tl_buf out = TL_BUF_INIT;
	struct tl_svc_slo slo;
	double period = 0;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "w:h", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (parse_window(optarg, &period))
				return 2;
			break;
		case 'h':
			fputs(rules_usage, stdout);
			return 0;
		default:
			fputs(rules_usage, stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fputs(rules_usage, stderr);
		return 2;
	}
	rc = load(argv[optind], &slo);
	if (rc)
		return rc;
	tl_promrules_write(&slo, period, &out);
	fputs(tl_buf_str(&out), stdout);
	tl_buf_release(&out);
	tl_svc_slo_release(&slo);
	return 0;
}

int tl_cmd_slo_is_service(int argc, char **argv)
{
	int i;

	if (argc >= 2 &&
	    (!strcmp(argv[1], "rules") || !strcmp(argv[1], "tune")))
		return 1;
	for (i = 2; i < argc; i++)
		if (!strncmp(argv[i], "--prometheus", 12))
			return 1;
	return 0;
}

int tl_cmd_slo_service(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "rules"))
		return cmd_rules(argc - 1, argv + 1);
	fprintf(stderr, "traplab: slo: unknown subcommand '%s'\n",
		argc >= 2 ? argv[1] : "");
	return 2;
}

int cmd_slo_entry(int argc, char **argv)
{
	if (tl_cmd_slo_is_service(argc, argv))
		return tl_cmd_slo_service(argc, argv);
	return cmd_slo(argc, argv);
}
