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
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "analyze/slo.h"
#include "analyze/svccheck.h"
#include "analyze/svcslo.h"
#include "analyze/svctune.h"
#include "measure/promql.h"
#include "report/svcact.h"
#include "report/promrules.h"
#include "base/suggest.h"
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

static int parse_at(const char *s, struct tl_promql *pq)
{
	char *end;

	pq->at = strtod(s, &end);
	if (end == s || *end || !(pq->at > 0)) {
		fprintf(stderr,
			"traplab: --at: expected a Unix time in seconds, "
			"found '%s'\n",
			s);
		return 2;
	}
	return 0;
}

static const char rules_usage[] =
	"usage: traplab slo rules [--window DURATION] FILE\n"
	"\n"
	"Prometheus recording rules for the SLIs of a service SLO (FILE: "
	"OpenSLO\n"
	"v1 or the article's shape) and its multi-window multi-burn-rate "
	"alerts.\n"
	"\n"
	"options:\n"
	"  --window DURATION   the SLO period instead of the file's (default "
	"30d);\n"
	"                      the alert windows scale with it (page: 1h/5m "
	"at\n"
	"                      14.4x, 6h/30m at 6x; ticket: 1d/2h at 3x, 3d/6h "
	"at\n"
	"                      1x, for 30d); a short one (12h) is for tests\n"
	"\n"
	"exit: 0, or 2 on error (a malformed FILE).\n"
	"\n"
	"examples:\n"
	"  traplab slo rules slo/service-slo.yaml > rules.yml\n"
	"  promtool check rules rules.yml\n"
	"  traplab slo rules --window 12h slo/service-slo.yaml\n";

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
	argv[0] = (char *)"slo rules";
	while ((c = tl_cmd_getopt_short(argc, argv, "w:", opts, rules_usage,
					&rc)) != -1) {
		switch (c) {
		case TL_CMD_EXIT:
			return rc;
		case 'w':
			if (parse_window(optarg, &period))
				return 2;
			break;
		}
	}
	if (optind + 1 != argc)
		return tl_cmd_usage("slo rules", rules_usage);
	rc = load(argv[optind], &slo);
	if (rc)
		return rc;
	tl_promrules_write(&slo, period, &out);
	fputs(tl_buf_str(&out), stdout);
	tl_buf_release(&out);
	tl_svc_slo_release(&slo);
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{"prometheus", required_argument, NULL, 'p'},
		{"window", required_argument, NULL, 'w'},
		{"slo", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"no-act", no_argument, NULL, 'n'},
		{"at", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *url = NULL, *path = NULL, *at = NULL;
	struct tl_buf err = TL_BUF_INIT;
	struct tl_svc_report rep;
	struct tl_svc_slo slo;
	struct tl_promql pq;
	double window = 0;
	int c, rc, as_json = 0, act = 1;
	json_t *ev;

	optind = 1;
	argv[0] = (char *)"slo check";
	while ((c = tl_cmd_getopt_short(argc, argv, "p:w:s:jna:", opts,
					tl__cmd_slo_check_help, &rc)) != -1) {
		switch (c) {
		case TL_CMD_EXIT:
			return rc;
		case 'p':
			url = optarg;
			break;
		case 'w':
			if (parse_window(optarg, &window))
				return 2;
			break;
		case 's':
			path = optarg;
			break;
		case 'j':
			as_json = 1;
			break;
		case 'n':
			act = 0;
			break;
		case 'a':
			at = optarg;
			break;
		}
	}
	if (!path && optind + 1 == argc)
		path = argv[optind++];
	if (!path || !url || optind != argc)
		return tl_cmd_usage("slo check", tl__cmd_slo_check_help);
	rc = load(path, &slo);
	if (rc)
		return rc;
	tl_promql_init(&pq, url);
	if (at && (rc = parse_at(at, &pq)))
		goto out;
	rc = tl_svc_check(&slo, window, tl_promql_fn, &pq, &rep, &err);
	if (rc) {
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
		rc = 2;
		goto out;
	}
	ev = tl_svc_report_json(&slo, &rep);
	if (as_json) {
		json_dumpf(ev, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
	} else {
		tl_svc_print(&slo, &rep, stdout);
	}
	rc = tl_svc_report_violated(&rep) ? 1 : 0;
	if (rc && act && tl_svc_act(&slo, ev, stderr, &err))
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
	json_decref(ev);
	tl_svc_report_release(&rep);
out:
	tl_promql_release(&pq);
	tl_svc_slo_release(&slo);
	tl_buf_release(&err);
	return rc;
}

static const char tune_usage[] =
	"usage: traplab slo tune --prometheus URL [--window DURATION] "
	"[--write]\n"
	"                        [--at UNIXTIME] FILE\n"
	"\n"
	"Proposes thresholds from what the service achieved over the window, "
	"with\n"
	"the margin its error budget allows, as a unified diff of FILE.\n"
	"\n"
	"options:\n"
	"  --prometheus URL    the Prometheus that scrapes the service\n"
	"  --window DURATION   the history to learn from (default: the SLO "
	"period)\n"
	"  --write             apply the change to FILE (targets and bounds "
	"kept)\n"
	"  --at UNIXTIME       learn from the window ending then\n"
	"\n"
	"exit: 0 (a proposal or nothing to change), 2 error.\n"
	"\n"
	"examples:\n"
	"  traplab slo tune --prometheus http://127.0.0.1:9090 "
	"slo/service-slo.yaml\n"
	"  traplab slo tune --prometheus http://127.0.0.1:9090 --window 7d \\\n"
	"      --write slo/service-slo.yaml\n";

static int cmd_tune(int argc, char **argv)
{
	static const struct option opts[] = {
		{"prometheus", required_argument, NULL, 'p'},
		{"window", required_argument, NULL, 'w'},
		{"write", no_argument, NULL, 'W'},
		{"at", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct tl_buf err = TL_BUF_INIT, out = TL_BUF_INIT;
	struct tl_svc_proposal *ps = NULL;
	const char *url = NULL, *path, *at = NULL;
	struct tl_svc_slo slo;
	struct tl_promql pq;
	char *text = NULL;
	double window = 0;
	size_t n = 0, i, len;
	int c, rc, write = 0;

	optind = 1;
	argv[0] = (char *)"slo tune";
	while ((c = tl_cmd_getopt_short(argc, argv, "p:w:Wa:", opts, tune_usage,
					&rc)) != -1) {
		switch (c) {
		case TL_CMD_EXIT:
			return rc;
		case 'p':
			url = optarg;
			break;
		case 'w':
			if (parse_window(optarg, &window))
				return 2;
			break;
		case 'W':
			write = 1;
			break;
		case 'a':
			at = optarg;
			break;
		}
	}
	if (!url || optind + 1 != argc)
		return tl_cmd_usage("slo tune", tune_usage);
	path = argv[optind];
	rc = load(path, &slo);
	if (rc)
		return rc;
	tl_promql_init(&pq, url);
	if (at && (rc = parse_at(at, &pq)))
		goto out;
	rc = tl_svc_tune(&slo, window, tl_promql_fn, tl_promql_labels_fn, &pq,
			 &ps, &n, &err);
	if (!rc && (rc = tl_read_file(path, &text, &len)))
		tl_buf_printf(&err, "cannot read '%s': %s", path,
			      strerror(-rc));
	if (!rc)
		rc = tl_svc_tune_rewrite(text, ps, n, &out, &err);
	if (rc) {
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
		rc = 2;
		goto out;
	}
	for (i = 0; i < n; i++)
		printf("%s: %s%s\n", ps[i].obj->name, ps[i].why,
		       ps[i].changed ? ""
		       : ps[i].text  ? " (unchanged)"
				     : "");
	tl_svc_tune_diff(path, text, tl_buf_str(&out), stdout);
	if (write && strcmp(text, tl_buf_str(&out))) {
		rc = tl_write_file_atomic(path, out.s, out.len);
		if (rc) {
			fprintf(stderr, "traplab: cannot write '%s': %s\n",
				path, strerror(-rc));
			rc = 2;
			goto out;
		}
		printf("written: %s\n", path);
	}
out:
	tl_svc_proposals_free(ps, n);
	free(text);
	tl_buf_release(&out);
	tl_buf_release(&err);
	tl_promql_release(&pq);
	tl_svc_slo_release(&slo);
	return rc;
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
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "tune"))
		return cmd_tune(argc - 1, argv + 1);
	fprintf(stderr, "traplab: slo: unknown subcommand '%s'\n",
		argc >= 2 ? argv[1] : "");
	return 2;
}

static const char slo_usage_text[] =
	"usage: traplab slo check [--slo FILE] [--db FILE | --no-history] "
	"[RUN.json]\n"
	"       traplab slo check --prometheus URL [--window D] [--json] FILE\n"
	"       traplab slo rules [--window D] FILE\n"
	"       traplab slo tune --prometheus URL [--window D] [--write] FILE\n"
	"\n"
	"Service-level objectives: traplab's own runs held to budgets\n"
	"(slo/default.yaml), or a running service held to a service SLO.\n"
	"\n"
	"subcommands:\n"
	"  check  a run against its budgets; with --prometheus, a service "
	"against\n"
	"         a service SLO (the article's service-slo.yaml or OpenSLO "
	"v1)\n"
	"  rules  the Prometheus recording rules and burn-rate alerts of a "
	"service\n"
	"  tune   thresholds proposed from what the service achieved\n"
	"`traplab slo SUBCOMMAND --help` has their options; slo/README.md has "
	"the\n"
	"file formats.\n"
	"\n"
	"exit: 0 met, 1 violated (or no data), 2 error.\n"
	"\n"
	"examples:\n"
	"  traplab slo check\n"
	"  traplab slo rules slo/service-slo.yaml > rules.yml\n"
	"  traplab slo check --prometheus http://127.0.0.1:9090 "
	"slo/service-slo.yaml\n";

int cmd_slo_entry(int argc, char **argv)
{
	static const char *const subs[] = {"check", "rules", "tune"};
	const char *near;

	if (argc >= 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		tl_cmd_help(slo_usage_text);
		return 0;
	}
	if (argc < 2)
		return tl_cmd_usage("slo", slo_usage_text);
	if (strcmp(argv[1], "check") && strcmp(argv[1], "rules") &&
	    strcmp(argv[1], "tune")) {
		near = tl_suggest(argv[1], subs, TL_ARRAY_SIZE(subs));
		fprintf(stderr,
			"traplab: slo: unknown subcommand '%s'%s%s%s "
			"(check, rules, tune)\n",
			argv[1], near ? "; did you mean '" : "",
			near ? near : "", near ? "'?" : "");
		return 2;
	}
	if (tl_cmd_slo_is_service(argc, argv))
		return tl_cmd_slo_service(argc, argv);
	return cmd_slo(argc, argv);
}
