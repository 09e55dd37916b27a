/*
 * toolchain.c - find cc, c++, go, zig and valgrind, with their versions,
 * and every installed release of Go and Zig (the toolchain axis).
 *
 * Releases are found by their folders under .tools/ (one per release,
 * git-ignored, filled by scripts/deps.sh --toolchains) and asked for their
 * version: the folder name is a hint, the binary's answer is the truth.
 */
#include "machine/toolchain.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/memo.h"
#include "base/proc.h"

#include "base/banned.h"

static const char *const lang_names[] = {
#define X(id, name, tool) name,
	TL_LANGS(X)
#undef X
};

const char *tl_lang_name(enum tl_lang l)
{
	return (unsigned)l < TL_LANG_COUNT ? lang_names[l] : "?";
}

int tl_lang_parse(const char *s, enum tl_lang *out)
{
	int i;

	for (i = 0; i < TL_LANG_COUNT; i++)
		if (strcmp(s, lang_names[i]) == 0) {
			*out = (enum tl_lang)i;
			return 0;
		}
	return -EINVAL;
}

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

int tl_run_capture_kept(struct tl_memo *memo, const char *key,
			const char *const *argv, double timeout_s, char **line)
{
	const char *kept = memo && key ? tl_memo_get(memo, key) : NULL;
	int err;

	if (kept) {
		*line = xstrdup(kept);
		return 0;
	}
	err = tl_run_capture(argv, timeout_s, line);
	if (!err && memo && key)
		tl_memo_put(memo, key, *line);
	return err;
}

/*
 * The memo key of `P ARG`: the question and the identity of the binary
 * it resolves to; for go also GOTOOLCHAIN and the folder, which can make
 * `go version` switch to another toolchain. NULL when P cannot be read.
 */
static char *version_key(const char *p, const char *arg)
{
	char *real = realpath(p, NULL), *id, *key, cwd[4096];
	const char *base = strrchr(p, '/');
	int go = !strcmp(base ? base + 1 : p, "go");

	id = tl_memo_file_id(real ? real : p);
	if (!id) {
		free(real);
		return NULL;
	}
	if (go && !getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	if (go)
		key = xasprintf(
			"%s %s %s GOTOOLCHAIN=%s cwd=%s", real ? real : p, arg,
			id, getenv("GOTOOLCHAIN") ? getenv("GOTOOLCHAIN") : "",
			cwd);
	else
		key = xasprintf("%s %s %s", real ? real : p, arg, id);
	free(real);
	free(id);
	return key;
}

/*
 * Sets t->path/version from the first candidate whose `ARG` works; an
 * answer is taken from the memo while the binary is the same file.
 */
static void probe(struct tl_tool *t, struct tl_memo *memo,
		  const char *const *cands, const char *arg,
		  const char *missing)
{
	int i;

	for (i = 0; cands[i]; i++) {
		char *p = strchr(cands[i], '/') ? xstrdup(cands[i])
						: which(cands[i]);
		const char *argv[] = {NULL, arg, NULL};
		char *line = NULL, *key;

		if (!p || access(p, X_OK) != 0) {
			free(p);
			continue;
		}
		key = memo ? version_key(p, arg) : NULL;
		argv[0] = p;
		if (tl_run_capture_kept(memo, key, argv, 20, &line) == 0) {
			free(key);
			t->path = p;
			t->version = line;
			return;
		}
		free(key);
		free(line);
		free(p);
	}
	t->missing = xstrdup(missing);
}

/*
 * Which compiler answers to PATH: "cc" and "c++" are alternatives'
 * names (/usr/bin/cc -> x86_64-linux-gnu-gcc-12), and a report saying
 * "cc cc 12.2.0" hides whether gcc or clang built the workloads. The
 * version line names clang; the resolved binary's name names gcc.
 */
static const char *compiler_family(const char *path, const char *line)
{
	char *real = realpath(path, NULL);
	const char *base = strrchr(real ? real : path, '/');
	const char *fam;

	base = base ? base + 1 : (real ? real : path);
	if (strstr(line, "clang") || strstr(base, "clang"))
		fam = strstr(base, "++") ? "clang++" : "clang";
	else if (strstr(base, "g++"))
		fam = "g++";
	else if (strstr(base, "gcc"))
		fam = "gcc";
	else
		fam = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	free(real);
	return fam;
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
		/* "cc (Debian 12.2.0-14) 12.2.0" -> "gcc 12.2.0" */
		char *nv = xasprintf("%s %s", compiler_family(t->path, v),
				     last + 1);

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

const char *tl_toolchain_bare_version(const char *v)
{
	if (v && v[0] == 'g' && v[1] == 'o' && v[2] >= '0' && v[2] <= '9')
		return v + 2;
	return v;
}

static void tool_copy(struct tl_tool *dst, const struct tl_tool *src)
{
	dst->path = src->path ? xstrdup(src->path) : NULL;
	dst->version = src->version ? xstrdup(src->version) : NULL;
	dst->missing = src->missing ? xstrdup(src->missing) : NULL;
}

static void tool_release(struct tl_tool *t)
{
	free(t->path);
	free(t->version);
	free(t->missing);
	memset(t, 0, sizeof(*t));
}

static struct tl_tool *release_of(struct tl_toolchains *t, enum tl_lang lang,
				  const char *version)
{
	const char *want = tl_toolchain_bare_version(version);

	for (int i = 0; i < t->nreleases[lang]; i++) {
		const char *v = t->releases[lang][i].version;

		if (v && !strcmp(tl_toolchain_bare_version(v), want))
			return &t->releases[lang][i];
	}
	return NULL;
}

const struct tl_tool *tl_toolchains_find_release(const struct tl_toolchains *t,
						 enum tl_lang lang,
						 const char *version)
{
	const struct tl_tool *r =
		release_of((struct tl_toolchains *)t, lang, version);

	return r && r->path ? r : NULL;
}

/* Adds a release unless its version is listed already (1 when added). */
static int add_release(struct tl_toolchains *t, enum tl_lang lang,
		       struct tl_tool *r)
{
	struct tl_tool *have =
		r->version ? release_of(t, lang, r->version) : NULL;

	if (have && (have->path || !r->path)) {
		tool_release(r);
		return 0;
	}
	if (have) { /* installed beats pinned-but-missing */
		tool_release(have);
		*have = *r;
		return 1;
	}
	if (t->nreleases[lang] == TL_RELEASES_MAX) {
		tool_release(r);
		return 0;
	}
	t->releases[lang][t->nreleases[lang]++] = *r;
	return 1;
}

/* Asks every binary matching the glob pattern for its version. */
static void add_glob(struct tl_toolchains *t, struct tl_memo *memo,
		     enum tl_lang lang, const char *pattern)
{
	glob_t g;

	if (glob(pattern, 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *cand[] = {g.gl_pathv[i], NULL};
		struct tl_tool r = {0};

		probe(&r, memo, cand, "version", "");
		if (!r.path) {
			tool_release(&r);
			continue;
		}
		tidy_version(&r);
		add_release(t, lang, &r);
	}
	globfree(&g);
}

/* The releases scripts/toolchains pins that are not installed. */
static void add_pinned(struct tl_toolchains *t, const char *root)
{
	char *path = xasprintf("%s/scripts/toolchains", root), *text, *line;
	char *save = NULL;
	size_t n;

	if (tl_read_file(path, &text, &n)) {
		free(path);
		return;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char lang[16], ver[64];
		enum tl_lang l;
		struct tl_tool r = {0};

		if (line[0] == '#' ||
		    sscanf(line, "%15s %63s", lang, ver) != 2 ||
		    tl_lang_parse(lang, &l))
			continue;
		r.version = xasprintf("%s%s", l == TL_LANG_GO ? "go" : "", ver);
		r.missing = xasprintf("pinned in scripts/toolchains, not "
				      "installed (run scripts/deps.sh "
				      "--toolchains)");
		add_release(t, l, &r);
	}
	free(text);
	free(path);
}

static int cmp_release(const void *a, const void *b)
{
	const struct tl_tool *x = a, *y = b;

	/* Newest first. */
	return strverscmp(tl_toolchain_bare_version(y->version),
			  tl_toolchain_bare_version(x->version));
}

static void find_releases(struct tl_toolchains *t, struct tl_memo *memo,
			  const char *root)
{
	static const enum tl_lang axis[] = {TL_LANG_GO, TL_LANG_ZIG};
	char *zig_glob = xasprintf("%s/.tools/zig*/ziglang/zig", root);
	char *go_glob = xasprintf(
		"%s/.tools/go-*/pkg/mod/golang.org/toolchain@*/bin/go", root);

	for (size_t i = 0; i < TL_ARRAY_SIZE(axis); i++) {
		struct tl_tool d = {0};

		if (!t->lang[axis[i]].path)
			continue;
		tool_copy(&d, &t->lang[axis[i]]);
		add_release(t, axis[i], &d);
	}
	add_glob(t, memo, TL_LANG_ZIG, zig_glob);
	add_glob(t, memo, TL_LANG_GO, go_glob);
	add_pinned(t, root);
	for (size_t i = 0; i < TL_ARRAY_SIZE(axis); i++)
		if (t->nreleases[axis[i]] > 2)
			qsort(&t->releases[axis[i]][1],
			      (size_t)t->nreleases[axis[i]] - 1,
			      sizeof(struct tl_tool), cmp_release);
	free(zig_glob);
	free(go_glob);
}

int tl_toolchains_select(struct tl_toolchains *t, const char *choice,
			 char **why)
{
	const char *eq = strchr(choice, '=');
	char lang[16];
	enum tl_lang l;
	struct tl_tool *r;
	struct tl_buf have = TL_BUF_INIT;

	*why = NULL;
	if (!eq || eq == choice || (size_t)(eq - choice) >= sizeof(lang) ||
	    !eq[1]) {
		*why = xasprintf("'%s' is not LANG=VERSION (go=1.27.3, "
				 "zig=0.13.0)",
				 choice);
		return -EINVAL;
	}
	memcpy(lang, choice, (size_t)(eq - choice));
	lang[eq - choice] = '\0';
	if (tl_lang_parse(lang, &l) || (l != TL_LANG_GO && l != TL_LANG_ZIG)) {
		*why = xasprintf("'%s': only go and zig releases are an axis",
				 choice);
		return -EINVAL;
	}
	r = release_of(t, l, eq + 1);
	if (r && r->path) {
		tool_release(&t->lang[l]);
		tool_copy(&t->lang[l], r);
		t->selected[l] = 1;
		return 0;
	}
	for (int i = 0; i < t->nreleases[l]; i++)
		if (t->releases[l][i].path)
			tl_buf_printf(&have, "%s%s", have.len ? ", " : "",
				      t->releases[l][i].version);
	*why = xasprintf(
		"%s %s is not installed (%s; installed: %s)", lang, eq + 1,
		r ? r->missing : "not pinned in scripts/toolchains either",
		have.len ? tl_buf_str(&have) : "none");
	tl_buf_release(&have);
	return -ENOENT;
}

const struct tl_tool *tl_toolchains_for(const struct tl_toolchains *t,
					enum tl_lang lang,
					const struct tl_strv *releases,
					char **why)
{
	const struct tl_tool *cur = &t->lang[lang];
	const char *cv = tl_toolchain_bare_version(cur->version);

	*why = NULL;
	if (!releases || !releases->n)
		return cur;
	if (cur->path && tl_strv_has(releases, cv))
		return cur;
	if (t->selected[lang]) {
		*why = xasprintf("cannot exist in %s %s: written for %s %s "
				 "only",
				 tl_lang_name(lang), cv, tl_lang_name(lang),
				 releases->v[0]);
		return NULL;
	}
	for (size_t i = 0; i < releases->n; i++) {
		const struct tl_tool *r =
			tl_toolchains_find_release(t, lang, releases->v[i]);

		if (r)
			return r;
	}
	*why = xasprintf("needs %s %s, not installed (run scripts/deps.sh "
			 "--toolchains)",
			 tl_lang_name(lang), releases->v[0]);
	return NULL;
}

void tl_toolchains_find(struct tl_toolchains *t, const char *root)
{
	const char *cc_c[] = {getenv("CC") ? getenv("CC") : "cc", "gcc", NULL};
	const char *cxx_c[] = {"c++", "g++", NULL};
	const char *go_c[] = {"go", "/usr/local/go/bin/go",
			      "/usr/lib/go/bin/go", NULL};
	const char *vg_c[] = {"valgrind", NULL};
	struct tl_tool *z = &t->lang[TL_LANG_ZIG];
	char *pinned_copy, *memo_path;
	struct tl_memo memo;

	memset(t, 0, sizeof(*t));
	memo_path = xasprintf("%s/.cache/toolversions", root);
	tl_memo_open(&memo, memo_path);
	free(memo_path);
	t->zig_pinned = read_pinned(root);
	probe(&t->lang[TL_LANG_C], &memo, cc_c, "--version",
	      "no C compiler (apt-get install build-essential)");
	probe(&t->lang[TL_LANG_CPP], &memo, cxx_c, "--version",
	      "no C++ compiler (apt-get install g++)");
	probe(&t->lang[TL_LANG_GO], &memo, go_c, "version",
	      "no Go toolchain (apt-get install golang-go)");
	probe(&t->valgrind, &memo, vg_c, "--version",
	      "no valgrind (apt-get install valgrind)");

	pinned_copy = xasprintf("%s/.tools/zig/ziglang/zig", root);
	if (getenv("TL_ZIG") && *getenv("TL_ZIG")) {
		const char *zc[] = {getenv("TL_ZIG"), NULL};

		probe(z, &memo, zc, "version", "TL_ZIG does not run");
	} else {
		const char *zc[] = {"zig", NULL};

		probe(z, &memo, zc, "version", "no zig on PATH");
		if (z->path && strcmp(z->version, t->zig_pinned) != 0) {
			FREE_AND_NULL(z->path);
			FREE_AND_NULL(z->version);
		}
		if (!z->path) {
			const char *pc[] = {pinned_copy, NULL};

			FREE_AND_NULL(z->missing);
			probe(z, &memo, pc, "version", "");
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
	find_releases(t, &memo, root);
	tl_memo_close(&memo);
}

void tl_toolchains_release(struct tl_toolchains *t)
{
	for (int i = 0; i < TL_LANG_COUNT; i++) {
		tool_release(&t->lang[i]);
		for (int k = 0; k < t->nreleases[i]; k++)
			tool_release(&t->releases[i][k]);
	}
	tool_release(&t->valgrind);
	free(t->zig_pinned);
	memset(t, 0, sizeof(*t));
}
