/*
 * cli.c - the project root, found once (see cli.h).
 */
#include "base/cli.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

#include "base/banned.h"

static char root[PATH_MAX];

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

const char *tl_cli_root(void)
{
	if (!root[0])
		find_root();
	return root;
}
