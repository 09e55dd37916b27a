/*
 * main.c - traplab's command table and the project root.
 *
 *     $ traplab run alloc --quick
 *     alloc size=64  (262144 ops/sample)
 *       variant                status              ns/op  95% CI ...
 *       c.glibc                ok                13.2 ns  [13.1 ns, 13.4 ns]
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/run.h"
#include "cmd/slosvc.h"
#include "cmd/chaoscmd.h"
#include "base/suggest.h"
#include "base/util.h"

#include "base/banned.h"

typedef int tl_cmd_fn(int argc, char **argv);

struct cmd {
	const char *name;
	tl_cmd_fn *fn;
	const char *help;
};

static const struct cmd cmds[] = {
	{"claims", cmd_claims,
	 "check the article's claims: run what they need, print verdicts"},
	{"explain", cmd_explain,
	 "why a claim's verdict came out so: samples, band, code"},
	{"run", cmd_run, "build, run and measure experiments; write results"},
	{"list", cmd_list, "experiments, variants and which toolchains exist"},
	{"doctor", cmd_doctor, "what this machine can measure, and how well"},
	{"slo", cmd_slo_entry,
	 "check a run against SLO budgets (exit 1: violated)"},
	{"chaos", cmd_chaos,
	 "faults on a service within its SLO's bounds; did it recover?"},
	{"compare", cmd_compare, "the change of every metric between two runs"},
	{"history", cmd_history, "stored runs, trends and change points"},
	{"metrics", cmd_metrics, "a run in the Prometheus text format"},
	{"serve", cmd_serve, "serve /metrics over HTTP (loopback by default)"},
	{"push", cmd_push, "push a run to a Prometheus Pushgateway"},
};

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: traplab COMMAND [ARGS]\n\n"
	      "traplab measures the performance traps of C, Go and Zig on "
	      "this\n"
	      "machine and checks published claims against the "
	      "measurements.\n\n"
	      "commands:\n",
	      f);
	for (i = 0; i < TL_ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].help);
	fputs("\n`traplab COMMAND --help` tells more. The project root is\n"
	      "found from the executable's location; TRAPLAB_ROOT overrides "
	      "it.\n",
	      f);
}

int main(int argc, char **argv)
{
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("traplab 0.1.0\n");
		return 0;
	}
	for (i = 0; i < TL_ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	{
		const char *names[TL_ARRAY_SIZE(cmds)], *hint;

		for (i = 0; i < TL_ARRAY_SIZE(cmds); i++)
			names[i] = cmds[i].name;
		hint = tl_suggest(argv[1], names, TL_ARRAY_SIZE(cmds));
		if (hint)
			fprintf(stderr,
				"traplab: unknown command '%s' (did you mean "
				"'%s'?)\n",
				argv[1], hint);
		else
			fprintf(stderr,
				"traplab: unknown command '%s' (traplab --help "
				"lists them)\n",
				argv[1]);
	}
	return 2;
}
