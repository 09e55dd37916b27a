/*
 * toolchain.c - find cc, c++, go, zig and valgrind, with their versions.
 */
#include "machine/toolchain.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/proc.h"

#include "base/banned.h"

int tl_run_capture(const char *const *argv, double timeout_s, char **line)
{
	struct tl_proc_spec spec = {.argv = argv,
				    .timeout_s = timeout_s,
				    .pin_cpu = -1,
				    .max_out_bytes = 1 << 20};
	struct tl_proc_result res;
	const char *src, *nl;
	int err;

	*line = NULL;
	err = tl_proc_run(&spec, &res);
	if (err)
		return err;
	src = res.out_len ? res.out : res.err_tail;
	nl = strchr(src, '\n');
	*line = nl ? xstrndup(src, (size_t)(nl - src)) : xstrdup(src);
	if (res.end == TL_PROC_SPAWN_FAIL)
		err = -res.spawn_errno;
	else if (res.end != TL_PROC_EXITED || res.exit_code != 0)
		err = -ECHILD;
	tl_proc_result_release(&res);
	return err;
}

static char *which(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *found = NULL;

	if (!path)
		return NULL;
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", dir, name);

		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

/* Sets t->path/version from the first candidate whose `ARG` works. */
static void probe(struct tl_tool *t, const char *const *cands, const char *arg,
		  const char *missing)
{
	int i;

	for (i = 0; cands[i]; i++) {
		char *p = strchr(cands[i], '/') ? xstrdup(cands[i])
						: which(cands[i]);
		const char *argv[] = {NULL, arg, NULL};
		char *line = NULL;

		if (!p || access(p, X_OK) != 0) {
			free(p);
			continue;
		}
		argv[0] = p;
		if (tl_run_capture(argv, 20, &line) == 0) {
			t->path = p;
			t->version = line;
			return;
		}
		free(line);
		free(p);
	}
	t->missing = xstrdup(missing);
}

/* "go version go1.x linux/amd64" -> "go1.x"; "valgrind-3.19.0" ->
 * "3.19.0"; compilers as below. */
static void tidy_version(struct tl_tool *t)
{
	char *v = t->version, *last;

	if (!v)
		return;
	if (strncmp(v, "go version ", 11) == 0) {
		char *sp = strchr(v + 11, ' ');
		char *nv = sp ? xstrndup(v + 11, (size_t)(sp - v - 11))
			      : xstrdup(v + 11);

		free(v);
		t->version = nv;
		return;
	}
	last = strrchr(v, ' ');
	if (last && strchr(v, '(')) {
		/* "cc (Debian 12.2.0-14) 12.2.0" -> "cc 12.2.0" */
		const char *name = strrchr(t->path, '/');
		char *nv =
			xasprintf("%s %s", name ? name + 1 : t->path, last + 1);

		free(v);
		t->version = nv;
	}
	if (strncmp(t->version, "valgrind-", 9) == 0)
		memmove(t->version, t->version + 9, strlen(t->version + 9) + 1);
}

static char *read_pinned(const char *root)
{
	char *path = xasprintf("%s/scripts/zig.version", root), *s = NULL;
	size_t n;

	if (tl_read_file(path, &s, &n) == 0) {
		while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
			s[--n] = '\0';
	} else {
		s = xstrdup("unknown");
	}
	free(path);
	return s;
}

void tl_toolchains_find(struct tl_toolchains *t, const char *root)
{
	const char *cc_c[] = {getenv("CC") ? getenv("CC") : "cc", "gcc", NULL};
	const char *cxx_c[] = {"c++", "g++", NULL};
	const char *go_c[] = {"go", "/usr/local/go/bin/go",
			      "/usr/lib/go/bin/go", NULL};
	const char *vg_c[] = {"valgrind", NULL};
	struct tl_tool *z = &t->lang[TL_LANG_ZIG];
	char *pinned_copy;

	memset(t, 0, sizeof(*t));
	t->zig_pinned = read_pinned(root);
	probe(&t->lang[TL_LANG_C], cc_c, "--version",
	      "no C compiler (apt-get install build-essential)");
	probe(&t->lang[TL_LANG_CPP], cxx_c, "--version",
	      "no C++ compiler (apt-get install g++)");
	probe(&t->lang[TL_LANG_GO], go_c, "version",
	      "no Go toolchain (apt-get install golang-go)");
	probe(&t->valgrind, vg_c, "--version",
	      "no valgrind (apt-get install valgrind)");

	pinned_copy = xasprintf("%s/.tools/zig/ziglang/zig", root);
	if (getenv("TL_ZIG") && *getenv("TL_ZIG")) {
		const char *zc[] = {getenv("TL_ZIG"), NULL};

		probe(z, zc, "version", "TL_ZIG does not run");
	} else {
		const char *zc[] = {"zig", NULL};

		probe(z, zc, "version", "no zig on PATH");
		if (z->path && strcmp(z->version, t->zig_pinned) != 0) {
			FREE_AND_NULL(z->path);
			FREE_AND_NULL(z->version);
		}
		if (!z->path) {
			const char *pc[] = {pinned_copy, NULL};

			FREE_AND_NULL(z->missing);
			probe(z, pc, "version", "");
			if (!z->path) {
				free(z->missing);
				z->missing = xasprintf(
					"no Zig %s (run scripts/deps.sh, which "
					"pins it from PyPI's ziglang into "
					".tools/zig)",
					t->zig_pinned);
			}
		}
	}
	free(pinned_copy);
	for (int i = 0; i < TL_LANG_COUNT; i++)
		tidy_version(&t->lang[i]);
	tidy_version(&t->valgrind);
}

static void tool_release(struct tl_tool *t)
{
	free(t->path);
	free(t->version);
	free(t->missing);
}

void tl_toolchains_release(struct tl_toolchains *t)
{
	for (int i = 0; i < TL_LANG_COUNT; i++)
		tool_release(&t->lang[i]);
	tool_release(&t->valgrind);
	free(t->zig_pinned);
	memset(t, 0, sizeof(*t));
}
