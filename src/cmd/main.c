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

#include "cmd/help.h"
#include "cmd/run.h"
#include "cmd/slosvc.h"
#include "cmd/chaoscmd.h"
#include "base/suggest.h"
#include "base/term.h"
#include "base/util.h"

#include "base/banned.h"

typedef int tl_cmd_fn(int argc, char **argv);

static int cmd_help(int argc, char **argv);

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
	{"help", cmd_help, "a command's help, or the claim language"},
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
	fputs("\noptions of every command:\n"
	      "  --wide               tables show every column, however "
	      "wide\n"
	      "                       (else they fit $COLUMNS or the "
	      "terminal)\n"
	      "  --color=auto|always|never  colour verdicts and changes "
	      "(auto:\n"
	      "                       on a terminal, unless NO_COLOR is "
	      "set)\n\n"
	      "`traplab COMMAND --help` tells more; `traplab help claims` "
	      "explains\nthe claim language. The project root is found from "
	      "the executable's\nlocation; TRAPLAB_ROOT overrides it.\n",
	      f);
}

static const char help_help[] =
	"usage: traplab help [COMMAND [SUBCOMMAND] | claims]\n"
	"\n"
	"A command's help (as `traplab COMMAND --help`), the claim language\n"
	"(`traplab help claims`), or the list of commands.\n"
	"\n"
	"options:\n"
	"  none\n"
	"\n"
	"exit: 0, or 2 for an unknown command.\n"
	"\n"
	"examples:\n"
	"  traplab help\n"
	"  traplab help slo rules\n"
	"  traplab help claims\n";

/*
 * `traplab help [COMMAND [SUB...] | claims]`: the list of commands, the
 * claim language, or COMMAND's own --help (so there is one text).
 */
static int cmd_help(int argc, char **argv)
{
	const char *names[TL_ARRAY_SIZE(cmds)], *hint;
	char *av[8];
	size_t i;
	int n;

	if (tl_cmd_wants_help(argc, argv, help_help))
		return 0;
	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "claims") && argc == 2) {
		tl_help_claims(stdout);
		return 0;
	}
	for (i = 0; i < TL_ARRAY_SIZE(cmds); i++) {
		names[i] = cmds[i].name;
		if (strcmp(argv[1], cmds[i].name) || (size_t)argc > 6)
			continue;
		for (n = 1; n < argc; n++)
			av[n - 1] = argv[n];
		av[n - 1] = (char *)"--help";
		av[n] = NULL;
		return cmds[i].fn(n, av);
	}
	hint = tl_suggest(argv[1], names, TL_ARRAY_SIZE(cmds));
	fprintf(stderr, "traplab help: unknown command '%s'%s%s%s\n", argv[1],
		hint ? " (did you mean '" : " (traplab --help lists them)",
		hint ? hint : "", hint ? "'?)" : "");
	return 2;
}

/*
 * Takes --wide, --color[=WHEN] and --no-color out of argv (before a "--"),
 * wherever they are, so every command has them. Returns the new argc,
 * or -1 after printing an error.
 */
static int global_options(int argc, char **argv)
{
	enum tl_color_mode color = TL_COLOR_AUTO;
	int i, n = 1, wide = 0, rest = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (rest || strncmp(a, "--", 2)) {
			argv[n++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			rest = 1;
			argv[n++] = argv[i];
		} else if (!strcmp(a, "--wide")) {
			wide = 1;
		} else if (!strcmp(a, "--no-color")) {
			color = TL_COLOR_NEVER;
		} else if (!strncmp(a, "--color", 7) &&
			   (a[7] == '=' || !a[7])) {
			const char *w = a[7] ? a + 8 : "always";

			if (tl_term_color_parse(w, &color)) {
				fprintf(stderr,
					"traplab: --color is auto, always or "
					"never, not '%s'\n",
					w);
				return -1;
			}
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	tl_term_set(color, wide);
	return n;
}

int main(int argc, char **argv)
{
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	argc = global_options(argc, argv);
	if (argc < 0)
		return 2;
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
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
