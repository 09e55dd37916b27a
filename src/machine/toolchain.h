/*
 * toolchain.h - which compilers this machine has, where, and which version.
 *
 * Found once per run. Zig is taken from $TL_ZIG, else `zig` on PATH when
 * its version is the pinned one (scripts/zig.version), else the project's
 * pinned copy in .tools/zig (installed by scripts/deps.sh). Go is `go` on
 * PATH, else /usr/local/go/bin/go, else Debian's /usr/lib/go/bin/go.
 * A missing toolchain is not an error: its variants are skipped, and the
 * reason says how to get it.
 */
#ifndef TL_TOOLCHAIN_H
#define TL_TOOLCHAIN_H

#include "measure/registry.h"

struct tl_tool {
	char *path;    /* NULL when missing */
	char *version; /* "gcc 12.2.0", "go1.26.8", "0.17.1" */
	char *missing; /* why it is missing, when it is */
};

struct tl_toolchains {
	struct tl_tool lang[TL_LANG_COUNT];
	struct tl_tool valgrind;
	char *zig_pinned; /* the version our Zig workloads are written for */
};

/* Finds every toolchain; never fails (missing ones say why). */
void tl_toolchains_find(struct tl_toolchains *t, const char *root);
void tl_toolchains_release(struct tl_toolchains *t);

/*
 * Runs argv (NULL-ended) with a timeout and returns its first output line
 * (stdout, else stderr) in *line (owned). 0, or -errno / -ECHILD when it
 * did not exit 0.
 */
int tl_run_capture(const char *const *argv, double timeout_s, char **line);

#endif
