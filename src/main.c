/*
 * main.c - traplab's command table and the project root.
 *
 *     $ traplab run alloc --quick
 *     alloc size=64  (262144 ops/sample)
 *       variant                status              ns/op  95% CI ...
 *       c.glibc                ok                13.2 ns  [13.1 ns, 13.4 ns]
 */
#include "cli.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claims.h"
#include "history.h"
#include "metrics.h"
#include "runner.h"
#include "util.h"

#include "banned.h"

typedef int tl_cmd_fn(int argc, char **argv);

struct cmd {
	const char *name;
	tl_cmd_fn *fn;
	const char *help;
};

static const struct cmd cmds[] = {
	{"claims", cmd_claims,
	 "check the article's claims: run what they need, print verdicts"},
	{"run", cmd_run, "build, run and measure experiments; write results"},
	{"list", cmd_list, "experiments, variants and which toolchains exist"},
	{"doctor", cmd_doctor, "what this machine can measure, and how well"},
	{"history", cmd_history, "list stored runs"},
	{"metrics", cmd_metrics, "a run in the Prometheus text format"},
};

static char root[PATH_MAX];

const char *tl_cli_root(void)
{
	return root;
}

static int has_experiments(const char *dir)
{
	char *p = xasprintf("%s/experiments", dir);
	int ok = access(p, F_OK) == 0;

	free(p);
	return ok;
}

static void find_root(void)
{
	char exe[PATH_MAX], *slash;
	ssize_t n;
	int up;

	if (getenv("TRAPLAB_ROOT") && *getenv("TRAPLAB_ROOT") &&
	    realpath(getenv("TRAPLAB_ROOT"), root))
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (up = 0; up < 4 && (slash = strrchr(exe, '/')); up++) {
			*slash = '\0';
			if (*exe && has_experiments(exe)) {
				snprintf(root, sizeof(root), "%s", exe);
				return;
			}
		}
	}
	if (!getcwd(root, sizeof(root)))
		snprintf(root, sizeof(root), ".");
}

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: traplab COMMAND [ARGS]\n\n"
	      "traplab measures the performance traps of C, Go and Zig on this\n"
	      "machine and checks published claims against the measurements.\n\n"
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
	find_root();
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
	fprintf(stderr, "traplab: unknown command '%s' (traplab --help lists "
			"them)\n",
		argv[1]);
	return 2;
}
