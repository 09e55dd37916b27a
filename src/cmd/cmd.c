/*
 * cmd.c - what the subcommands share: one way to read options.
 *
 * Every command parses with getopt_long() through tl_cmd_getopt(), so
 * --help, an unknown option and a missing value behave the same in all
 * of them: help on stdout and exit 0; an error said once on stderr with
 * the closest known option ("did you mean '--slo'?") and exit 2.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>

#include "base/suggest.h"
#include "base/util.h"

#include "base/banned.h"

void tl_cmd_help(const char *help)
{
	fputs(help, stdout);
}

int tl_cmd_usage(const char *cmd, const char *help)
{
	const char *end = strstr(help, "\n\n");

	fprintf(stderr,
		"%.*s\n(`traplab %s --help` has the options and "
		"examples)\n",
		end ? (int)(end - help) : (int)strcspn(help, "\n"), help, cmd);
	return 2;
}

int tl_cmd_wants_help(int argc, char **argv, const char *usage)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			tl_cmd_help(usage);
			return 1;
		}
	}
	return 0;
}

/* "--name=value" or "--name" as written, without dashes and value. */
static void bare_name(const char *arg, char *out, size_t len)
{
	size_t n;

	while (*arg == '-')
		arg++;
	n = strcspn(arg, "=");
	if (n >= len)
		n = len - 1;
	memcpy(out, arg, n);
	out[n] = '\0';
}

void tl_cmd_unknown(const char *cmd, const char *arg, const struct option *lo)
{
	const char *names[64], *hint;
	char name[64];
	size_t n = 0;

	bare_name(arg, name, sizeof(name));
	for (; lo->name && n < TL_ARRAY_SIZE(names); lo++)
		names[n++] = lo->name;
	hint = tl_suggest(name, names, n);
	if (hint)
		fprintf(stderr,
			"traplab %s: unknown option '%s' (did you mean "
			"'--%s'?)\n",
			cmd, arg, hint);
	else
		fprintf(stderr,
			"traplab %s: unknown option '%s' (traplab %s --help "
			"lists them)\n",
			cmd, arg, cmd);
}

int tl_cmd_getopt(int argc, char **argv, const struct option *lo,
		  const char *usage, int *status)
{
	return tl_cmd_getopt_short(argc, argv, "", lo, usage, status);
}

int tl_cmd_getopt_short(int argc, char **argv, const char *shorts,
			const struct option *lo, const char *usage, int *status)
{
	int ch, at = optind ? optind : 1; /* optind 0: glibc reinitializes */
	char spec[64];

	snprintf(spec, sizeof(spec), ":h%s", shorts);
	opterr = 0;
	ch = getopt_long(argc, argv, spec, lo, NULL);
	switch (ch) {
	case 'h':
		tl_cmd_help(usage);
		*status = 0;
		return TL_CMD_EXIT;
	case '?':
		tl_cmd_unknown(argv[0], optopt ? argv[at] : argv[optind - 1],
			       lo);
		*status = 2;
		return TL_CMD_EXIT;
	case ':':
		fprintf(stderr, "traplab %s: option '%s' needs a value\n",
			argv[0], argv[optind - 1]);
		*status = 2;
		return TL_CMD_EXIT;
	default:
		return ch;
	}
}
