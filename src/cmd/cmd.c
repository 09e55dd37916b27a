/*
 * cmd.c - what the subcommands share.
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>

#include "base/banned.h"

int tl_cmd_wants_help(int argc, char **argv, const char *usage)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 1;
		}
	return 0;
}
