/*
 * build.c - compile one variant into a cached workload binary.
 *
 * Go and Zig require their sources in one folder (Go: one package dir;
 * Zig: imports stay inside the root module's folder), so every build
 * stages the variant's sources and the language's helper into
 * .cache/stage/KEY and compiles there. Go builds never reach the network:
 * GOPROXY=off, GOFLAGS=-mod=mod, GOTOOLCHAIN=local, and a go.mod with no
 * requirements.
 */
#include "measure/build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hash.h"
#include "base/os.h"
#include "base/proc.h"

#include "base/banned.h"

/* Runs a compiler (or generator); a failure lands in res, with its log. */
static int compile(const struct tl_build_opts *o, struct tl_strv *argv,
		   struct tl_strv *env, const char *cwd,
		   struct tl_build_result *res)
{
	int err = tl_compiler_run(
		tl_strv_cstr(argv), env->n ? tl_strv_cstr(env) : NULL, cwd,
		o->timeout_s > 0 ? o->timeout_s : 300, &res->log, &res->reason);

	if (err > 0)
		res->status = TL_BUILD_FAILED;
	return err < 0 ? err : 0;
}

void tl_build_result_release(struct tl_build_result *res)
{
	free(res->bin);
	free(res->target);
	free(res->toolchain);
	free(res->reason);
	free(res->log);
	memset(res, 0, sizeof(*res));
}

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static int hash_file(struct tl_hash *h, const char *path)
{
	char *data;
	size_t n;
	int err = tl_read_file(path, &data, &n);

	if (err)
		return err;
	tl_hash_str(h, path);
	tl_hash_update(h, &n, sizeof(n));
	tl_hash_update(h, data, n);
	free(data);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Hashes root/dir/ *.h in name order. */
static void hash_headers(struct tl_hash *h, const char *root, const char *dir)
{
	struct tl_strv names = TL_STRV_INIT;
	char *path = xasprintf("%s/%s", root, dir);
	struct dirent *de;
	DIR *d = opendir(path);

	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 2 && !strcmp(de->d_name + n - 2, ".h"))
			tl_strv_push(&names, de->d_name);
	}
	if (d)
		closedir(d);
	if (names.n) /* qsort wants a pointer even for none */
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		char *f = xasprintf("%s/%s", path, names.v[i]);

		hash_file(h, f);
		free(f);
	}
	tl_strv_release(&names);
	free(path);
}

static void hash_str(struct tl_hash *h, const char *s)
{
	tl_hash_str(h, s ? s : "(null)");
}

static void hash_strv(struct tl_hash *h, const struct tl_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		hash_str(h, sv->v[i]);
	hash_str(h, "|");
}

static int copy_file(const char *from, const char *to)
{
	char *data;
	size_t n;
	int err = tl_read_file(from, &data, &n);

	if (err)
		return err;
	err = tl_write_file_atomic(to, data, n);
	free(data);
	return err;
}

/* 1 when *bin exists: res takes it (and *bin is NULL). */
static int take_cached(char **bin, struct tl_build_result *res)
{
	struct stat st;

	if (stat(*bin, &st) != 0)
		return 0;
	res->status = TL_BUILD_OK;
	res->cached = 1;
	res->binary_bytes = st.st_size;
	res->bin = *bin;
	*bin = NULL;
	return 1;
}

/*
 * The name a file has in the stage folder: its own, except that a Zig
 * helper for one release (workload/tlw-0.10.1.zig) is staged as tlw.zig,
 * the name every workload imports.
 */
static char *stage_name(const char *path)
{
	const char *b = basename_of(path);
	size_t n = strlen(b);

	if (!strncmp(b, "tlw-", 4) && n > 8 && !strcmp(b + n - 4, ".zig"))
		return xstrdup("tlw.zig");
	return xstrdup(b);
}

/* Copies every file into the stage folder, flat (Go and Zig need one). */
static int stage_files(const struct tl_strv *files, const char *stage)
{
	int err = 0;

	for (size_t i = 0; !err && i < files->n; i++) {
		char *name = stage_name(files->v[i]);
		char *to = xasprintf("%s/%s", stage, name);

		free(name);

		err = copy_file(files->v[i], to);
		free(to);
	}
	return err;
}

/*
 * The language's workload helpers. Go: tlw.go with its valgrind client
 * request (tlw_amd64.{go,s}, tlw_noasm.go elsewhere; tlw_cgo.go in a
 * package that uses cgo). Zig: the helper of
 * the compiler's release when there is one (workload/tlw-0.10.1.zig: a
 * thin layer over that release's std with tlw.zig's names), else tlw.zig.
 */
/* Whether any of the (Go) sources so far imports "C". */
static int uses_cgo(const struct tl_strv *files)
{
	int yes = 0;

	for (size_t i = 0; i < files->n && !yes; i++) {
		char *text;
		size_t n;

		if (tl_read_file(files->v[i], &text, &n))
			continue;
		yes = strstr(text, "import \"C\"") != NULL;
		free(text);
	}
	return yes;
}

static void push_helpers(const char *root, enum tl_lang lang,
			 const struct tl_tool *tool, struct tl_strv *files)
{
	static const char *const go[] = {"tlw.go", "tlw_amd64.go",
					 "tlw_amd64.s", "tlw_noasm.go"};
	char *p;

	if (lang == TL_LANG_GO && uses_cgo(files)) {
		/* .s files of a cgo package go to the C compiler. */
		tl_strv_push_owned(files,
				   xasprintf("%s/workload/tlw.go", root));
		tl_strv_push_owned(files,
				   xasprintf("%s/workload/tlw_cgo.go", root));
		return;
	}
	if (lang == TL_LANG_GO) {
		for (size_t i = 0; i < TL_ARRAY_SIZE(go); i++)
			tl_strv_push_owned(files, xasprintf("%s/workload/%s",
							    root, go[i]));
		return;
	}
	p = xasprintf("%s/workload/tlw-%s.zig", root, tool->version);
	if (access(p, R_OK) != 0) {
		free(p);
		p = xasprintf("%s/workload/tlw.zig", root);
	}
	tl_strv_push_owned(files, p);
}

/*
 * Whether a Zig variant can be built by this release: the pinned one
 * (the workloads are written for it), one the variant names, or one with
 * its own helper (workload/tlw-VERSION.zig). Zig's std changes too much
 * between releases for one source to build on all of them.
 */
static int zig_has_form(const struct tl_build_opts *o,
			const struct tl_variant *v, const struct tl_tool *tool)
{
	char *p;
	int ok;

	if (v->toolchains.n || !strcmp(tool->version, o->tools->zig_pinned))
		return 1;
	p = xasprintf("%s/workload/tlw-%s.zig", o->root, tool->version);
	ok = access(p, R_OK) == 0;
	free(p);
	return ok;
}

/* One build in progress: what tl_build_variant's steps share. */
struct job {
	const struct tl_build_opts *o;
	const struct tl_experiment *e;
	const struct tl_variant *v;
	const struct tl_tool *tool;
	struct tl_strv argv, env;
	struct tl_strv tflags, pkflags;
	struct tl_strv files; /* absolute source paths */
	char *tmpbin;	      /* the compiler's output, renamed when done */
};

static int is_c_like(enum tl_lang lang)
{
	return lang == TL_LANG_C || lang == TL_LANG_CPP;
}

/*
 * The path of generated file g (generate: OUT: "SCRIPT ARGS"), made when
 * it is not there yet; NULL when the script failed (res says why). Its
 * folder is keyed by the script's bytes, the command and the Go
 * toolchain (its gofmt), so an edit makes a new file; the script writes
 * into a temporary file of that folder, renamed when complete, so
 * concurrent builds of the same file are harmless.
 */
static char *generated(struct job *j, const struct tl_kv *g,
		       struct tl_build_result *res)
{
	const struct tl_tool *go = &j->o->tools->lang[TL_LANG_GO];
	size_t sl = strcspn(g->val, " \t");
	char *script = xasprintf("%s/%.*s", j->e->dir, (int)sl, g->val);
	char key[TL_HASH_HEX_LEN + 1], *dir, *out = NULL, *tmp;
	struct tl_strv argv = TL_STRV_INIT, env = TL_STRV_INIT;
	struct tl_hash h;
	int fd;

	tl_hash_init(&h);
	tl_hash_str(&h, g->key);
	tl_hash_str(&h, g->val);
	hash_str(&h, go->version);
	if (hash_file(&h, script)) {
		res->status = TL_BUILD_FAILED;
		res->reason = xasprintf("cannot read generator '%s'", script);
		tl_hash_final_hex(&h, key);
		goto out;
	}
	tl_hash_final_hex(&h, key);
	dir = xasprintf("%s/.cache/gen/%s", j->o->root, key);
	out = xasprintf("%s/%s", dir, g->key);
	tmp = xasprintf("%s/.%s.XXXXXX", dir, g->key);
	if (access(out, R_OK) == 0)
		goto out_tmp;
	if (tl_mkdirs(dir) || (fd = mkstemp(tmp)) < 0) {
		res->status = TL_BUILD_FAILED;
		res->reason = xasprintf("cannot create '%s'", tmp);
		FREE_AND_NULL(out);
		goto out_tmp;
	}
	close(fd);
	tl_strv_push(&argv, "sh");
	tl_strv_push(&argv, script);
	tl_strv_push(&argv, tmp);
	tl_compiler_push_words(&argv, g->val + sl);
	if (go->path)
		tl_strv_push_owned(&env, xasprintf("TL_GO=%s", go->path));
	if (compile(j->o, &argv, &env, j->e->dir, res) ||
	    res->status == TL_BUILD_FAILED || rename(tmp, out) < 0) {
		if (res->status != TL_BUILD_FAILED) {
			res->status = TL_BUILD_FAILED;
			res->reason =
				xasprintf("generator '%s' failed", script);
		}
		unlink(tmp);
		FREE_AND_NULL(out);
	}
out_tmp:
	free(tmp);
	free(dir);
out:
	tl_strv_release(&argv);
	tl_strv_release(&env);
	free(script);
	return out;
}

/*
 * The files compiled in: the variant's sources and generated files, then
 * its lib/ models (C) or the language's workload helper (Go, Zig). A
 * missing lib model or a failed generator fails the build (res says
 * which).
 */
static void collect_files(struct job *j, struct tl_build_result *res)
{
	const struct tl_variant *v = j->v;
	const char *root = j->o->root;

	for (size_t i = 0; i < v->sources.n; i++)
		tl_strv_push_owned(&j->files, xasprintf("%s/%s", j->e->dir,
							v->sources.v[i]));
	for (size_t i = 0; i < v->ngen; i++) {
		char *path = generated(j, &v->gen[i], res);

		if (!path)
			return;
		tl_strv_push_owned(&j->files, path);
	}
	if (!is_c_like(v->lang)) {
		push_helpers(root, v->lang, j->tool, &j->files);
		return;
	}
	for (size_t i = 0; i < v->lib.n; i++) {
		char *c = xasprintf("%s/lib/%s.c", root, v->lib.v[i]);
		char *s =
			xasprintf("%s/lib/arch/%s_x86_64.S", root, v->lib.v[i]);

		if (access(c, R_OK) == 0)
			tl_strv_push(&j->files, c);
		if (access(s, R_OK) == 0)
			tl_strv_push(&j->files, s);
		if (access(c, R_OK) != 0 && access(s, R_OK) != 0) {
			res->status = TL_BUILD_FAILED;
			res->reason = xasprintf("lib model '%s' not found (%s)",
						v->lib.v[i], c);
		}
		free(c);
		free(s);
	}
}

/*
 * The cache key: everything that decides the binary. A source that
 * cannot be read fails the build (res says which).
 */
static void build_key(struct job *j, const char *target,
		      char key[TL_BUILD_KEY_LEN + 1],
		      struct tl_build_result *res)
{
	const struct tl_variant *v = j->v;
	struct tl_hash h;
	int err;

	tl_hash_init(&h);

	hash_str(&h, tl_lang_name(v->lang));
	hash_str(&h, j->tool->version);
	hash_str(&h, target);
	hash_str(&h, v->mode);
	hash_strv(&h, &v->cflags);
	hash_strv(&h, &v->libs);
	hash_strv(&h, &v->goflags);
	hash_strv(&h, &j->pkflags);
	hash_strv(&h, &j->tflags);
	hash_strv(&h, &j->env);
	for (size_t i = 0; i < j->files.n; i++) {
		err = hash_file(&h, j->files.v[i]);
		if (err) {
			res->status = TL_BUILD_FAILED;
			res->reason = xasprintf("cannot read source '%s': %s",
						j->files.v[i], strerror(-err));
			tl_hash_final_hex(&h, key); /* releases h */
			return;
		}
	}
	/*
	 * C builds see every header of workload/ and lib/ through -I; hash
	 * them all, so an edited header can never leave a stale binary.
	 */
	if (is_c_like(v->lang)) {
		hash_headers(&h, j->o->root, "workload");
		hash_headers(&h, j->o->root, "lib");
	}
	tl_hash_final_hex(&h, key);
}

/* cc -O2 -std=... -I... flags sources -o tmpbin libs -lm -lpthread -ldl */
static void c_argv(struct job *j)
{
	const struct tl_variant *v = j->v;
	struct tl_strv *argv = &j->argv;
	size_t i;

	tl_strv_push(argv, j->tool->path);
	tl_strv_push(argv, "-O2");
	tl_strv_push(argv, v->lang == TL_LANG_C ? "-std=gnu11" : "-std=c++17");
	tl_strv_push_owned(argv, xasprintf("-I%s/workload", j->o->root));
	tl_strv_push_owned(argv, xasprintf("-I%s/lib", j->o->root));
	tl_strv_push_owned(argv, xasprintf("-I%s", j->e->dir));
	for (i = 0; i < j->tflags.n; i++)
		tl_strv_push(argv, j->tflags.v[i]);
	for (i = 0; i < v->cflags.n; i++)
		tl_strv_push(argv, v->cflags.v[i]);
	for (i = 0; i < j->files.n; i++)
		if (!tl_compiler_has_suffix(j->files.v[i], ".h"))
			tl_strv_push(argv, j->files.v[i]);
	tl_strv_push(argv, "-o");
	tl_strv_push(argv, j->tmpbin);
	for (i = 0; i < v->libs.n; i++)
		tl_strv_push(argv, v->libs.v[i]);
	for (i = 0; i < j->pkflags.n; i++)
		tl_strv_push(argv, j->pkflags.v[i]);
	tl_strv_push(argv, "-lm");
	tl_strv_push(argv, "-lpthread");
	tl_strv_push(argv, "-ldl");
}

/* A go.mod with no requirements, the files, and `go build` offline. */
static int go_argv(struct job *j, const char *stage)
{
	const char *root = j->o->root;
	char *gomod = xasprintf("%s/go.mod", stage);
	const char *mod = "module tlwork\n\ngo 1.22\n";
	int err;

	err = tl_write_file_atomic(gomod, mod, strlen(mod));
	free(gomod);
	if (!err)
		err = stage_files(&j->files, stage);
	if (err)
		return err;
	tl_strv_push(&j->argv, j->tool->path);
	tl_strv_push(&j->argv, "build");
	tl_strv_push(&j->argv, "-trimpath");
	for (size_t i = 0; i < j->v->goflags.n; i++)
		tl_strv_push(&j->argv, j->v->goflags.v[i]);
	tl_strv_push(&j->argv, "-o");
	tl_strv_push(&j->argv, j->tmpbin);
	tl_strv_push(&j->argv, ".");
	tl_strv_push(&j->env, "GOFLAGS=-mod=mod");
	tl_strv_push(&j->env, "GOPROXY=off");
	tl_strv_push(&j->env, "GOTOOLCHAIN=local");
	tl_strv_push(&j->env, "GOWORK=off");
	tl_strv_push(&j->env, "CGO_ENABLED=1");
	tl_strv_push_owned(&j->env,
			   xasprintf("GOCACHE=%s/.cache/go-build", root));
	tl_strv_push_owned(&j->env, xasprintf("GOPATH=%s/.cache/gopath", root));
	tl_strv_push_owned(&j->env, xasprintf("HOME=%s/.cache", root));
	return 0;
}

/* The files, and `zig build-exe` with its caches under .cache/. */
static int zig_argv(struct job *j, const char *stage)
{
	const struct tl_variant *v = j->v;
	const char *root = j->o->root;
	struct tl_strv *argv = &j->argv;
	int err = stage_files(&j->files, stage);
	size_t i;

	if (err)
		return err;
	tl_strv_push(argv, j->tool->path);
	tl_strv_push(argv, "build-exe");
	tl_strv_push(argv, "-O");
	tl_strv_push(argv, v->mode ? v->mode : "ReleaseFast");
	for (i = 0; i < j->tflags.n; i++)
		tl_strv_push(argv, j->tflags.v[i]);
	tl_strv_push_owned(argv, xasprintf("-femit-bin=%s", j->tmpbin));
	tl_strv_push(argv, basename_of(v->sources.v[0]));
	/* Further .c sources are compiled in; .zig ones are imported. */
	for (i = 1; i < v->sources.n; i++)
		if (tl_compiler_has_suffix(v->sources.v[i], ".c"))
			tl_strv_push(argv, basename_of(v->sources.v[i]));
	for (i = 0; i < v->cflags.n; i++)
		tl_strv_push(argv, v->cflags.v[i]);
	for (i = 0; i < v->libs.n; i++)
		tl_strv_push(argv, v->libs.v[i]);
	for (i = 0; i < j->pkflags.n; i++)
		tl_strv_push(argv, j->pkflags.v[i]);
	tl_strv_push_owned(&j->env, xasprintf("HOME=%s/.cache", root));
	tl_strv_push_owned(
		&j->env,
		xasprintf("ZIG_LOCAL_CACHE_DIR=%s/.cache/zig-local", root));
	tl_strv_push_owned(
		&j->env,
		xasprintf("ZIG_GLOBAL_CACHE_DIR=%s/.cache/zig-global", root));
	return 0;
}

/* Compiles into stage/j->tmpbin, timing it; failures land in res. */
static int compile_in(struct job *j, const char *stage,
		      struct tl_build_result *res)
{
	uint64_t t0 = tl_os_now_ns();
	int err = 0;

	switch (j->v->lang) {
	case TL_LANG_C:
	case TL_LANG_CPP:
		c_argv(j);
		break;
	case TL_LANG_GO:
		err = go_argv(j, stage);
		break;
	case TL_LANG_ZIG:
		err = zig_argv(j, stage);
		break;
	default:
		err = -EINVAL;
	}
	if (!err)
		err = compile(j->o, &j->argv, &j->env, stage, res);
	res->build_s = (double)(tl_os_now_ns() - t0) / 1e9;
	return err;
}

/*
 * Builds *bin under the stage folder of key, unless another traplab built
 * it meanwhile. The stage path is stable per key, so Zig's own cache
 * (keyed by paths) is reused across runs; a lock keeps two traplab runs
 * from staging the same key at once.
 */
static int build_locked(struct job *j, const char *key, char **bin,
			struct tl_build_result *res)
{
	const char *root = j->o->root;
	char *stage = xasprintf("%s/.cache/stage/%s", root, key);
	char *lockpath = xasprintf("%s.lock", stage);
	char *dir = xasprintf("%s/.cache/stage", root);
	struct stat st;
	int lockfd, err;

	tl_mkdirs(dir);
	free(dir);
	lockfd = open(lockpath, O_CREAT | O_RDWR | O_CLOEXEC, 0644);
	if (lockfd >= 0)
		flock(lockfd, LOCK_EX);
	err = 0;
	if (take_cached(bin, res)) /* built while we waited */
		goto out;
	tl_rmtree(stage);
	err = tl_mkdirs(stage);
	if (!err) {
		dir = xasprintf("%s/.cache/bin", root);
		err = tl_mkdirs(dir);
		free(dir);
	}
	if (err)
		goto out;
	j->tmpbin = xasprintf("%s.tmp%ld", *bin, (long)getpid());
	err = compile_in(j, stage, res);
	if (err || res->status == TL_BUILD_FAILED) {
		unlink(j->tmpbin);
		goto out;
	}
	if (rename(j->tmpbin, *bin) < 0) {
		err = -errno;
		unlink(j->tmpbin);
		goto out;
	}
	if (stat(*bin, &st) == 0)
		res->binary_bytes = st.st_size;
	res->status = TL_BUILD_OK;
	res->bin = *bin;
	*bin = NULL;
out:
	tl_rmtree(stage);
	if (lockfd >= 0)
		close(lockfd); /* releases the lock */
	free(lockpath);
	free(stage);
	return err;
}

/*
 * Everything before compiling: the toolchain, the pkg-config flags, the
 * target, the files and the key. Returns 0 when the variant is to be
 * compiled, 1 when res already says it is skipped or failed.
 */
static int prepare(struct job *j, char key[TL_BUILD_KEY_LEN + 1],
		   struct tl_build_result *res)
{
	const struct tl_variant *v = j->v;
	const struct tl_build_opts *o = j->o;
	char *why = NULL;

	/* The run's release, or the one the variant's code exists in. */
	j->tool = tl_toolchains_for(o->tools, v->lang, &v->toolchains, &why);
	if (!j->tool || !j->tool->path) {
		res->status = TL_BUILD_SKIPPED;
		res->reason = why ? why
				  : xstrdup(j->tool && j->tool->missing
						    ? j->tool->missing
						    : "toolchain missing");
		return 1;
	}
	free(why);
	res->toolchain = j->tool->version ? xstrdup(j->tool->version) : NULL;
	if (v->lang == TL_LANG_ZIG && !zig_has_form(o, v, j->tool)) {
		res->status = TL_BUILD_SKIPPED;
		res->reason = xasprintf(
			"no Zig %s form: the workload is written for Zig %s's "
			"std (workload/tlw.zig), and there is no "
			"workload/tlw-%s.zig helper for it",
			j->tool->version, o->tools->zig_pinned,
			j->tool->version);
		return 1;
	}
	if (v->pkgconfig.n &&
	    tl_compiler_pkgconfig(&v->pkgconfig, &j->pkflags, &res->reason)) {
		res->status = TL_BUILD_SKIPPED;
		return 1;
	}
	tl_compiler_target_flags(j->o->target, j->o->for_sim, v->lang,
				 &j->tflags, &j->env, &res->target);
	collect_files(j, res);
	if (res->status == TL_BUILD_FAILED)
		return 1;
	build_key(j, res->target, key, res);
	return res->status == TL_BUILD_FAILED;
}

static void job_release(struct job *j)
{
	free(j->tmpbin);
	tl_strv_release(&j->argv);
	tl_strv_release(&j->env);
	tl_strv_release(&j->tflags);
	tl_strv_release(&j->pkflags);
	tl_strv_release(&j->files);
}

int tl_build_key(const struct tl_build_opts *o, const struct tl_experiment *e,
		 const struct tl_variant *v, char key[TL_BUILD_KEY_LEN + 1])
{
	struct job j = {.o = o, .e = e, .v = v};
	struct tl_build_result res = {0};
	int stop = prepare(&j, key, &res);

	tl_build_result_release(&res);
	job_release(&j);
	return stop ? -ENOENT : 0;
}

int tl_build_variant(const struct tl_build_opts *o,
		     const struct tl_experiment *e, const struct tl_variant *v,
		     struct tl_build_result *res)
{
	struct job j = {.o = o, .e = e, .v = v};
	char key[TL_BUILD_KEY_LEN + 1], *bin;
	int err = 0;

	memset(res, 0, sizeof(*res));
	if (prepare(&j, key, res))
		goto out;
	/* Variants that differ only in name share one binary. */
	bin = xasprintf("%s/.cache/bin/%s-%s", o->root, tl_lang_name(v->lang),
			key);
	if (!take_cached(&bin, res))
		err = build_locked(&j, key, &bin, res);
	free(bin);
out:
	job_release(&j);
	return err;
}

void tl_build_describe(struct tl_buf *b, const struct tl_variant *v)
{
	const struct tl_strv *extra[] = {&v->cflags, &v->goflags, &v->libs};
	size_t i, k;

	switch (v->lang) {
	case TL_LANG_C:
		tl_buf_puts(b, "cc -O2 -std=gnu11");
		break;
	case TL_LANG_CPP:
		tl_buf_puts(b, "c++ -O2 -std=c++17");
		break;
	case TL_LANG_GO:
		tl_buf_puts(b, "go build -trimpath (CGO_ENABLED=1)");
		break;
	case TL_LANG_ZIG:
		tl_buf_printf(b, "zig build-exe -O %s",
			      v->mode ? v->mode : "ReleaseFast");
		break;
	default:
		tl_buf_puts(b, "?");
	}
	for (k = 0; k < TL_ARRAY_SIZE(extra); k++)
		for (i = 0; i < extra[k]->n; i++)
			tl_buf_printf(b, " %s", extra[k]->v[i]);
	for (i = 0; i < v->pkgconfig.n; i++)
		tl_buf_printf(b, " $(pkg-config %s)", v->pkgconfig.v[i]);
	for (i = 0; i < v->nenv; i++)
		tl_buf_printf(b, "%s%s=%s", i ? " " : "; run with ",
			      v->env[i].key, v->env[i].val);
}
