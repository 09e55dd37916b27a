/*
 * buildtime.c - build time as the measurement: this workload writes small
 * generated projects into TL_WORKDIR and runs the toolchains on them
 * itself (posix_spawn), timing one build per operation.
 *
 * Variants (experiment.yaml spells go.X as c.go_X and zig.X as c.zig_X,
 * because the registry wants a C workload's variants to start with "c."):
 *   c.clean             cc -O2 of a 9-file C program (no cache exists)
 *   go.clean            go build after every file of a 5-package module
 *                       changed (every package recompiled; the standard
 *                       library comes from the Go build cache, warmed by
 *                       one untimed build first)
 *   go.incremental      go build after one function body in the main
 *                       package changed (the other packages come from the
 *                       build cache)
 *   zig.clean           zig build-exe with an empty --cache-dir each time
 *                       (compiler_rt and other global-cache artefacts warm)
 *   zig.incremental     one file changed, then one update of Zig's
 *                       incremental compiler (zig build-exe -fincremental
 *                       --listen=-, started once per process; see
 *                       server_start); a Zig without -fincremental: a new
 *                       zig build-exe, same --cache-dir
 *   zig.compilelog_N    as zig.incremental, on a program whose comptime
 *                       code holds N @compileLog statements (N = 0, 12, 47:
 *                       the article's 4.4 table); facts: builds true|false
 *                       and the compiler's first error line
 *   zig.compilelog      the same with N from param logs=N (default 0)
 *
 * One operation is one build: the workload changes the sources (outside
 * the timing), then times posix_spawn + waitpid of the compiler with
 * CLOCK_MONOTONIC (Zig's server: the update request to its answer). The samples (ns_per_op) are the time until the
 * compiler answers, error or not; metric build_ns is reported only for
 * builds that produced a binary (a failed build has no build time). Each
 * process first does one untimed build to warm the caches the variant
 * assumes warm, unless the last process left them warm (keep_project). Params: zig_mode (default Debug, the
 * edit-compile loop), files (default 4: modules per project), funcs
 * (default 40: functions per module).
 *
 * Environment (set by the harness): TL_WORKDIR (scratch, removed after the
 * process), TL_CC, TL_GO, TL_ZIG (toolchain paths, empty when absent; when
 * unset, cc, go and zig are looked up in PATH). A missing toolchain is not
 * a failure: the workload prints "toolchain missing: NAME" on stderr and
 * exits with status 3, with no samples, so the harness can mark the variant
 * skipped. A build that fails unexpectedly prints the compiler's output on
 * stderr and exits 1.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* the harness builds with plain cc -O2 */
#endif
#include "tlw_tool.h"

#include <ftw.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#define EXIT_TOOLCHAIN_MISSING 3

/*
 * A kept project (see keep_project) counts as warm when its last process
 * ended at most this long ago, and starts over after this many builds
 * (its local cache keeps every build's output).
 */
#define KEEP_WARM_S	 1800
#define KEEP_MAX_BUILDS 200

/* A hung compiler is killed after this long; the run then fails. */
#define BUILD_TIMEOUT_MS 240000u

enum lang { LANG_C, LANG_GO, LANG_ZIG };

struct job {
	enum lang lang;
	int clean;
	int compilelogs; /* -1: not a compilelog variant */
	const char *tool;
	const char *dir;
	const char *zig_mode;
	int files;
	int funcs;
	unsigned long nonce;
	char **envp;
	/* The last build's output, exit status and first error line. */
	char log[256 * 1024];
	int ok;
	char first_error[512];
	uint64_t built_ns[256]; /* wall time of each timed build that built */
	size_t nbuilt;
	char stamp_path[4200]; /* a kept project's state file, else "" */
	/* Zig's compiler server (zig_serve), pid 0 when not running. */
	pid_t server;
	int server_in, server_out;
	char server_cache[4200];
	struct timespec bin_mtime; /* the server's binary after its last update */
};

/* Toolchain path from env var `var`: unset -> `def`, empty -> NULL. */
static const char *tool_path(const char *var, const char *def)
{
	const char *v = getenv(var);

	if (!v)
		return def;
	return *v ? v : NULL;
}

/* A growable string for generated sources. */
struct text {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void add(struct text *t,
						      const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			tlw_die("vsnprintf failed");
		if ((size_t)n < t->cap - t->len)
			break;
		t->cap = (t->cap + (size_t)n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		if (!t->s)
			tlw_die("out of memory");
	}
	t->len += (size_t)n;
}

static void reset(struct text *t)
{
	t->len = 0;
	if (!t->s) {
		t->cap = 4096;
		t->s = malloc(t->cap);
		if (!t->s)
			tlw_die("out of memory");
	}
	t->s[0] = '\0';
}

/*
 * The generated programs: `files` modules of `funcs` small functions each
 * (a little arithmetic and a loop, and in Go and Zig a generic function
 * instantiated twice), and a main that calls them all. `stamp` changes a
 * constant in a module so that its compiled form must change.
 */
static void gen_c(struct job *j, int touch_all)
{
	struct text t = {0};
	char name[64];
	int m, f;

	for (m = 0; m < j->files; m++) {
		if (!touch_all && m > 0 && j->nonce > 1)
			continue;
		reset(&t);
		add(&t,
		    "#include <stdint.h>\nstatic const uint64_t stamp = "
		    "%luu;\n",
		    m == 0 || touch_all ? j->nonce : 0);
		for (f = 0; f < j->funcs; f++)
			add(&t,
			    "uint64_t m%d_f%d(uint64_t x);\n"
			    "uint64_t m%d_f%d(uint64_t x)\n{\n"
			    "\tuint64_t a = x ^ stamp;\n"
			    "\tfor (int i = 0; i < %d; i++)\n"
			    "\t\ta = a * 6364136223846793005u + %du;\n"
			    "\treturn a >> %d;\n}\n",
			    m, f, m, f, f % 7 + 1, f, f % 13);
		snprintf(name, sizeof(name), "m%d.c", m);
		tlw_tool_write(j->dir, name, t.s);
	}
	reset(&t);
	add(&t, "#include <stdint.h>\n#include <stdio.h>\n");
	for (m = 0; m < j->files; m++)
		for (f = 0; f < j->funcs; f++)
			add(&t, "uint64_t m%d_f%d(uint64_t x);\n", m, f);
	add(&t, "int main(void)\n{\n\tuint64_t s = 1;\n");
	for (m = 0; m < j->files; m++)
		for (f = 0; f < j->funcs; f++)
			add(&t, "\ts += m%d_f%d(s);\n", m, f);
	add(&t, "\tprintf(\"%%llu\\n\", (unsigned long long)s);\n"
		"\treturn 0;\n}\n");
	tlw_tool_write(j->dir, "main.c", t.s);
	free(t.s);
}

static void gen_go(struct job *j, int touch_all)
{
	struct text t = {0};
	char path[4096];
	int m, f;

	tlw_tool_write(j->dir, "go.mod", "module buildexp\n\ngo 1.22\n");
	for (m = 0; m < j->files; m++) {
		if (!touch_all && j->nonce > 1)
			continue;
		snprintf(path, sizeof(path), "%s/m%d", j->dir, m);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			tlw_die("cannot make '%s'", path);
		reset(&t);
		add(&t,
		    "package m%d\n\nconst stamp = %lu\n\n"
		    "type Number interface{ ~int64 | ~uint64 }\n\n"
		    "func Sum[T Number](xs []T) T {\n\tvar s T\n"
		    "\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn "
		    "s\n}\n",
		    m, touch_all ? j->nonce : 0);
		for (f = 0; f < j->funcs; f++)
			add(&t,
			    "\nfunc F%d(x uint64) uint64 {\n"
			    "\ta := x ^ stamp\n"
			    "\tfor i := 0; i < %d; i++ {\n"
			    "\t\ta = a*6364136223846793005 + %d\n\t}\n"
			    "\treturn a>>%d + Sum([]uint64{a, %d}) + "
			    "uint64(Sum([]int64{int64(a), %d}))\n}\n",
			    f, f % 7 + 1, f, f % 13, f, f);
		snprintf(path, sizeof(path), "m%d/m%d.go", m, m);
		tlw_tool_write(j->dir, path, t.s);
	}
	reset(&t);
	add(&t, "package main\n\nimport (\n\t\"fmt\"\n");
	for (m = 0; m < j->files; m++)
		add(&t, "\t\"buildexp/m%d\"\n", m);
	add(&t,
	    ")\n\nconst stamp = %lu\n\nfunc main() {\n"
	    "\ts := uint64(stamp)\n",
	    j->nonce);
	for (m = 0; m < j->files; m++)
		for (f = 0; f < j->funcs; f++)
			add(&t, "\ts += m%d.F%d(s)\n", m, f);
	add(&t, "\tfmt.Println(s)\n}\n");
	tlw_tool_write(j->dir, "main.go", t.s);
	free(t.s);
}

static void gen_zig(struct job *j, int touch_all)
{
	struct text t = {0};
	char name[64];
	int m, f, k;

	for (m = 0; m < j->files; m++) {
		if (!touch_all && m > 0 && j->nonce > 1)
			continue;
		reset(&t);
		add(&t,
		    "const stamp: u64 = %lu;\n\n"
		    "pub fn Acc(comptime T: type) type {\n"
		    "    return struct {\n        sum: T = 0,\n"
		    "        pub fn add(self: *@This(), x: T) void {\n"
		    "            self.sum +%%= x;\n        }\n    };\n}\n",
		    m == 0 || touch_all ? j->nonce : 0);
		for (f = 0; f < j->funcs; f++)
			add(&t,
			    "\npub fn func%d(x: u64) u64 {\n"
			    "    var a = x ^ stamp;\n"
			    "    var i: usize = 0;\n"
			    "    while (i < %d) : (i += 1) a = a *%% "
			    "6364136223846793005 +%% %d;\n"
			    "    var acc: Acc(u64) = .{};\n    acc.add(a);\n"
			    "    var acc2: Acc(i64) = .{};\n"
			    "    acc2.add(@bitCast(a));\n"
			    "    return (a >> %d) +%% acc.sum +%% "
			    "@as(u64, @bitCast(acc2.sum));\n}\n",
			    f, f % 7 + 1, f, f % 13);
		snprintf(name, sizeof(name), "m%d.zig", m);
		tlw_tool_write(j->dir, name, t.s);
	}
	reset(&t);
	add(&t, "const std = @import(\"std\");\n");
	for (m = 0; m < j->files; m++)
		add(&t, "const m%d = @import(\"m%d.zig\");\n", m, m);
	if (j->compilelogs >= 0) {
		/*
		 * The article's pattern: a trace helper called from comptime
		 * code that inspects a generic container's fields.
		 */
		add(&t, "\nfn Container(comptime T: type) type {\n"
			"    return struct { value: T, count: usize };\n}\n"
			"\nfn traceField(comptime T: type, comptime field: "
			"[]const u8) void {\n"
			"    _ = @FieldType(T, field);\n");
		if (j->compilelogs > 0)
			add(&t, "    @compileLog(\"Inspecting\", T, field);\n");
		add(&t, "}\n\ncomptime {\n");
		for (k = 0; k < j->compilelogs; k++)
			add(&t, "    traceField(Container(u%d), \"%s\");\n",
			    8 + k, k % 2 ? "count" : "value");
		add(&t, "}\n");
	}
	add(&t, "\npub fn main() void {\n    var s: u64 = 1;\n");
	for (m = 0; m < j->files; m++)
		for (f = 0; f < j->funcs; f++)
			add(&t, "    s +%%= m%d.func%d(s);\n", m, f);
	add(&t, "    std.mem.doNotOptimizeAway(s);\n}\n");
	tlw_tool_write(j->dir, "main.zig", t.s);
	free(t.s);
}

/*
 * Runs argv in j->dir with j->envp, its output kept in j->log; returns
 * the wall time from spawn to reap in ns and sets j->ok and
 * j->first_error. Dies when the compiler cannot start or hangs.
 */
static uint64_t spawn_build(struct job *j, const char *const argv[])
{
	struct tlw_tool t = {.cwd = j->dir,
			     .envp = j->envp,
			     .timeout_ms = BUILD_TIMEOUT_MS,
			     .out = j->log,
			     .cap = sizeof(j->log)};
	int err = tlw_tool_run(&t, argv);

	if (err)
		tlw_die("cannot run '%s': %s", argv[0], strerror(-err));
	if (t.timed_out)
		tlw_die("'%s' took more than %u s", argv[0],
			BUILD_TIMEOUT_MS / 1000);
	j->ok = tlw_tool_ok(&t);
	j->first_error[0] = '\0';
	tlw_tool_find_line(j->log, "error", j->first_error,
			   sizeof(j->first_error));
	return t.elapsed_ns;
}

static void show_log(const struct job *j)
{
	fputs(j->log, stderr);
}

/*
 * Zig's incremental compiler. A Zig with -fincremental (0.14 and later)
 * keeps what it analysed in memory between updates when it runs as a
 * compiler server (zig build-exe --listen=-: what `zig build --watch
 * -fincremental` drives): an update re-analyses only what the edit
 * touched. That is Zig's incremental build, so the incremental variants
 * time one update of a server started once per process (its first
 * update, a full build, is the untimed warm-up). A Zig without
 * -fincremental had no incremental compilation: there an incremental
 * build is a new zig build-exe with the caches warm (fact incremental).
 *
 * The protocol (lib/std/zig/Client.zig, Server.zig): messages of a
 * little-endian header {u32 tag, u32 body length} and a body. The client
 * sends update (1) and exit (0); the server answers an update with
 * messages ending in an error bundle (1), whose body is {u32 extra_len,
 * u32 string_bytes_len, u32 extra[extra_len], string bytes}: no errors
 * when extra is empty or its first word (the message count) is 0.
 */
#define ZIG_MSG_EXIT	      0u
#define ZIG_MSG_UPDATE	      1u
#define ZIG_MSG_ERROR_BUNDLE 1u
#define ZIG_MSG_EMIT_DIGEST  2u

static int zig_has_incremental(struct job *j)
{
	const char *argv[] = {j->tool, "build-exe", "--help", NULL};
	struct tlw_tool t = {.envp = j->envp,
			     .timeout_ms = 60000,
			     .out = j->log,
			     .cap = sizeof(j->log)};

	return tlw_tool_run(&t, argv) == 0 &&
	       strstr(j->log, "-fincremental") != NULL;
}

/* Dies with what the server said on stderr (the folder goes with us). */
static void server_died(const struct job *j)
{
	char path[4200], said[600] = "";
	FILE *f;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/server.log", j->dir);
	f = fopen(path, "r");
	if (f) {
		n = fread(said, 1, sizeof(said) - 1, f);
		fclose(f);
	}
	said[n] = '\0';
	for (char *p = said; *p; p++)
		if (*p == '\n')
			*p = ' ';
	tlw_die("zig's compiler server stopped%s%s", n ? ": " : "", said);
}

/* Reads exactly n bytes from the server, waiting at most until deadline. */
static void server_read(struct job *j, void *buf, size_t n, uint64_t deadline)
{
	char *p = buf;

	while (n) {
		struct pollfd pf = {.fd = j->server_out, .events = POLLIN};
		uint64_t now = tlw_now_ns();
		ssize_t got;

		if (now >= deadline)
			tlw_die("zig's compiler server took more than %u s",
				BUILD_TIMEOUT_MS / 1000);
		if (poll(&pf, 1, (int)((deadline - now) / 1000000u) + 1) <= 0)
			continue;
		got = read(j->server_out, p, n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			server_died(j);
		p += got, n -= (size_t)got;
	}
}

static void server_send(struct job *j, uint32_t tag)
{
	uint32_t h[2] = {tag, 0};

	if (write(j->server_in, h, sizeof(h)) != (ssize_t)sizeof(h))
		tlw_die("cannot write to zig's compiler server: %s",
			strerror(errno));
}

/* The first message of an error bundle, "error: MSG", into first_error. */
static void bundle_first_error(struct job *j, const uint32_t *body, size_t len)
{
	size_t words = len / 4, extra_len = words >= 2 ? body[0] : 0;
	const uint32_t *extra = body + 2;
	const char *strings = (const char *)(extra + extra_len);
	size_t nstrings = len - 8 - 4 * extra_len;
	uint32_t msg_index, text;

	j->first_error[0] = '\0';
	if (extra_len < 2 || 2 + extra_len > words || extra[1] >= extra_len)
		return;
	msg_index = extra[extra[1]];
	if (msg_index >= extra_len)
		return;
	text = extra[msg_index];
	if (text < nstrings)
		snprintf(j->first_error, sizeof(j->first_error), "error: %.*s",
			 (int)strnlen(strings + text, nstrings - text),
			 strings + text);
}

/* Starts `zig build-exe -fincremental --listen=-` on the project. */
static void server_start(struct job *j, const char *cache)
{
	const char *argv[] = {j->tool,	     "build-exe", "-O",	       j->zig_mode,
			      "-fincremental", "--listen=-", "--cache-dir", cache,
			      "main.zig",      NULL};
	posix_spawn_file_actions_t fa;
	int to[2], from[2], err;
	char log[4200];
	uint32_t h[2];
	char *body;

	/* A server that dies makes a write fail (EPIPE), not kill us. */
	signal(SIGPIPE, SIG_IGN);
	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0)
		tlw_die("pipe: %s", strerror(errno));
	snprintf(log, sizeof(log), "%s/server.log", j->dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, to[0], 0);
	posix_spawn_file_actions_adddup2(&fa, from[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, log,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addchdir_np(&fa, j->dir);
	err = posix_spawn(&j->server, j->tool, &fa, NULL, (char *const *)argv,
			  j->envp);
	posix_spawn_file_actions_destroy(&fa);
	close(to[0]);
	close(from[1]);
	if (err)
		tlw_die("cannot run '%s': %s", j->tool, strerror(err));
	j->server_in = to[1];
	j->server_out = from[0];
	/* The server introduces itself with its version. */
	server_read(j, h, sizeof(h), tlw_now_ns() + 60000000000ull);
	body = malloc(h[1] + 1u);
	if (!body)
		tlw_die("out of memory");
	server_read(j, body, h[1], tlw_now_ns() + 60000000000ull);
	free(body);
}

/*
 * An update that built must have written the binary: the server links in
 * place (its digest stays the same), so its mtime tells. An update that
 * missed the edit would time nothing.
 */
static void check_rebuilt(struct job *j, const char *bin)
{
	struct stat st;

	if (!bin[0] || stat(bin, &st) < 0)
		tlw_die("zig's compiler server built, but its binary '%s' is "
			"not there",
			bin);
	if (st.st_mtim.tv_sec == j->bin_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == j->bin_mtime.tv_nsec)
		tlw_die("zig's compiler server did not rewrite '%s' after the "
			"edit",
			bin);
	j->bin_mtime = st.st_mtim;
}

/*
 * One update: returns the time from the request to the update's error
 * bundle (the compiler's answer) and sets j->ok and j->first_error.
 */
static uint64_t server_update(struct job *j)
{
	uint64_t t0 = tlw_now_ns(),
		 deadline = t0 + (uint64_t)BUILD_TIMEOUT_MS * 1000000u;
	uint32_t h[2];
	char bin[4400] = "";

	server_send(j, ZIG_MSG_UPDATE);
	for (;;) {
		uint32_t *body;

		server_read(j, h, sizeof(h), deadline);
		body = malloc(h[1] + 4u);
		if (!body)
			tlw_die("out of memory");
		server_read(j, body, h[1], deadline);
		if (h[0] == ZIG_MSG_EMIT_DIGEST && h[1] >= 17) {
			const unsigned char *d = (const unsigned char *)body + 1;
			int k, n;

			n = snprintf(bin, sizeof(bin), "%s/o/", j->server_cache);
			for (k = 0; k < 16 && n + 2 < (int)sizeof(bin); k++)
				n += snprintf(bin + n, sizeof(bin) - (size_t)n,
					      "%02x", d[k]);
			snprintf(bin + n, sizeof(bin) - (size_t)n, "/main");
		}
		if (h[0] == ZIG_MSG_ERROR_BUNDLE) {
			uint64_t ns = tlw_now_ns() - t0;

			j->ok = h[1] < 12 || body[0] == 0 || body[2] == 0;
			bundle_first_error(j, body, h[1]);
			free(body);
			if (j->ok)
				check_rebuilt(j, bin);
			return ns;
		}
		free(body);
	}
}

static void server_stop(struct job *j)
{
	int st;

	if (!j->server)
		return;
	server_send(j, ZIG_MSG_EXIT);
	close(j->server_in);
	close(j->server_out);
	while (waitpid(j->server, &st, 0) < 0 && errno == EINTR)
		;
	j->server = 0;
}

/* One build of the variant: change the sources, then time the compiler. */
static uint64_t build_once(struct job *j)
{
	char out[4096], cache[4096];
	const char *argv[40];
	int n = 0, m;
	char files[16][64];

	j->nonce++;
	snprintf(out, sizeof(out), "%s/prog", j->dir);
	switch (j->lang) {
	case LANG_C:
		gen_c(j, 1);
		argv[n++] = j->tool;
		argv[n++] = "-O2";
		argv[n++] = "-o";
		argv[n++] = out;
		argv[n++] = "main.c";
		for (m = 0; m < j->files && m < 16; m++) {
			snprintf(files[m], sizeof(files[m]), "m%d.c", m);
			argv[n++] = files[m];
		}
		break;
	case LANG_GO:
		gen_go(j, j->clean);
		argv[n++] = j->tool;
		argv[n++] = "build";
		argv[n++] = "-o";
		argv[n++] = out;
		argv[n++] = ".";
		break;
	case LANG_ZIG:
		gen_zig(j, j->clean);
		if (j->server) {
			uint64_t ns = server_update(j);

			snprintf(j->log, sizeof(j->log), "%s\n", j->first_error);
			return ns;
		}
		/* clean: a new local cache per build; else one shared. */
		snprintf(cache, sizeof(cache), "%s/zig-cache-%lu", j->dir,
			 j->clean ? j->nonce : 0ul);
		argv[n++] = j->tool;
		argv[n++] = "build-exe";
		argv[n++] = "-O";
		argv[n++] = j->zig_mode;
		argv[n++] = "--cache-dir";
		argv[n++] = cache;
		argv[n++] = "-femit-bin=prog";
		argv[n++] = "main.zig";
		break;
	}
	argv[n] = NULL;
	return spawn_build(j, argv);
}

/* The environment of the builds: ours, with Go's settings forced. */
static char **build_env(void)
{
	static const char *const force[] = {"GOFLAGS=-mod=mod",	 "GOPROXY=off",
					    "GOTOOLCHAIN=local", "GOWORK=off",
					    "GO111MODULE=on",	 NULL};
	size_t n = 0, k = 0, i, f;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 8, sizeof(*env));
	if (!env)
		tlw_die("out of memory");
	for (i = 0; i < n; i++) {
		int skip = 0;

		for (f = 0; force[f]; f++) {
			size_t klen =
				(size_t)(strchr(force[f], '=') - force[f]);

			if (strncmp(environ[i], force[f], klen + 1) == 0)
				skip = 1;
		}
		if (!skip)
			env[k++] = environ[i];
	}
	for (f = 0; force[f]; f++)
		env[k++] = (char *)force[f];
	env[k] = NULL;
	return env;
}

/*
 * The variant name as the workload knows it. The registry wants a C
 * variant's name to start with "c.", so experiment.yaml spells
 * "go.clean" as "c.go_clean" and "zig.compilelog_47" as
 * "c.zig_compilelog_47"; both spellings are accepted.
 */
static const char *canonical(const char *variant)
{
	static char buf[128];

	if (strncmp(variant, "c.go_", 5) == 0)
		snprintf(buf, sizeof(buf), "go.%s", variant + 5);
	else if (strncmp(variant, "c.zig_", 6) == 0)
		snprintf(buf, sizeof(buf), "zig.%s", variant + 6);
	else
		return variant;
	return buf;
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/*
 * Warm across processes. An incremental variant's project is kept in
 * TL_ROOT/.cache/buildtime, one folder per variant, toolchain (path and
 * mtime) and params, locked while a process uses it. A process that finds
 * it built by the last process less than KEEP_WARM_S ago takes the caches
 * the variant assumes warm as warm, and skips the untimed warm-up build
 * (a second on Zig); its first edit takes the next stamp, so no build is
 * a cache hit. The state file is removed while the process runs and
 * written at its end, so a process that dies leaves a cold project.
 * Returns 1 when the project is warm; 0 with dir set to it when cold;
 * -1 when there is no kept folder to use (dir untouched).
 */
static int keep_project(struct job *j, const char *variant, char *dir,
			size_t cap)
{
	const char *root = getenv("TL_ROOT");
	char key[4800], base[4096];
	struct stat st, ts;
	uint64_t h = 1469598103934665603ull;
	unsigned long nonce = 0;
	int fd, warm = 0;
	FILE *f;

	if (j->clean || !root || !*root || stat(j->tool, &ts) < 0)
		return -1;
	snprintf(key, sizeof(key), "%s|%lld|%s|%d|%d|%d", j->tool,
		 (long long)ts.st_mtime, j->zig_mode, j->files, j->funcs,
		 j->compilelogs);
	for (const char *k = key; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ull;
	snprintf(base, sizeof(base), "%s/.cache/buildtime", root);
	if (mkdir(base, 0755) < 0 && errno != EEXIST)
		return -1;
	if ((size_t)snprintf(dir, cap, "%s/%s-%016llx", base, variant,
			     (unsigned long long)h) >= cap ||
	    (mkdir(dir, 0755) < 0 && errno != EEXIST))
		return -1;
	snprintf(key, sizeof(key), "%s/.lock", dir);
	fd = open(key, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (fd >= 0)
			close(fd);
		return -1; /* another process has it: a scratch project */
	}
	/* fd stays open: the lock lasts as long as the process. */
	snprintf(j->stamp_path, sizeof(j->stamp_path), "%s/.stamp", dir);
	f = fopen(j->stamp_path, "r");
	if (f && fstat(fileno(f), &st) == 0 && fscanf(f, "%lu", &nonce) == 1 &&
	    time(NULL) - st.st_mtime <= KEEP_WARM_S && nonce > 1 &&
	    nonce < KEEP_MAX_BUILDS)
		warm = 1;
	if (f)
		fclose(f);
	unlink(j->stamp_path);
	if (warm) {
		j->nonce = nonce;
		return 1;
	}
	/* Cold or full: start the project over. */
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		tlw_die("cannot make '%s': %s", dir, strerror(errno));
	return 0;
}

/* A kept project's state, written when the process is done with it. */
static void keep_done(const struct job *j)
{
	FILE *f = j->stamp_path[0] ? fopen(j->stamp_path, "w") : NULL;

	if (f) {
		fprintf(f, "%lu\n", j->nonce);
		fclose(f);
	}
}

static void batch(void *p, uint64_t ops)
{
	struct job *j = p;

	/*
	 * One build per operation. tlw_run times the whole batch, and the
	 * source edits between builds are a few kB of writes: negligible
	 * next to a compiler run, and the same for every variant.
	 */
	while (ops--) {
		uint64_t t0 = tlw_now_ns();

		build_once(j);
		if (!j->ok && j->compilelogs <= 0) {
			fprintf(stderr, "build: the build failed:\n");
			show_log(j);
			exit(1);
		}
		/*
		 * A build that failed (an @compileLog program) has a time to
		 * the compiler's answer (the sample) but no build time: only
		 * builds that produced a binary give build_ns, so a failure
		 * is never compared as if it had built.
		 */
		if (j->ok && j->nbuilt < sizeof(j->built_ns) / sizeof(j->built_ns[0]))
			j->built_ns[j->nbuilt++] = tlw_now_ns() - t0;
	}
}

int main(int argc, char **argv)
{
	static struct job j;
	struct tlw_args a;
	const char *work, *name = NULL, *variant;
	char dir[4096];
	char *tmpdir = NULL;
	int kept, serve;

	tlw_parse(argc, argv, &a);
	variant = canonical(a.variant);
	j.compilelogs = -1;
	j.zig_mode = tlw_str(&a, "zig_mode", "Debug");
	j.files = (int)tlw_int(&a, "files", 4);
	j.funcs = (int)tlw_int(&a, "funcs", 40);
	if (j.files < 1 || j.files > 16 || j.funcs < 1 || j.funcs > 10000)
		tlw_die("files must be 1..16 and funcs 1..10000");
	if (strcmp(variant, "c.clean") == 0) {
		j.lang = LANG_C, j.clean = 1, name = "cc";
		j.tool = tool_path("TL_CC", "cc");
	} else if (strcmp(variant, "go.clean") == 0 ||
		   strcmp(variant, "go.incremental") == 0) {
		j.lang = LANG_GO, j.clean = strcmp(variant, "go.clean") == 0;
		name = "go";
		j.tool = tool_path("TL_GO", "go");
	} else if (strcmp(variant, "zig.clean") == 0 ||
		   strcmp(variant, "zig.incremental") == 0 ||
		   strncmp(variant, "zig.compilelog", 14) == 0) {
		j.lang = LANG_ZIG, j.clean = strcmp(variant, "zig.clean") == 0;
		name = "zig";
		j.tool = tool_path("TL_ZIG", "zig");
		if (strcmp(variant, "zig.compilelog") == 0) {
			j.compilelogs = (int)tlw_int(&a, "logs", 0);
		} else if (strncmp(variant, "zig.compilelog_", 15) == 0) {
			char *end;

			j.compilelogs = (int)strtol(variant + 15, &end, 10);
			if (*end || end == variant + 15)
				tlw_die("bad variant '%s'", a.variant);
		}
		if (j.compilelogs > 1000)
			tlw_die("at most 1000 @compileLog statements");
	} else {
		tlw_die("unknown variant '%s'", a.variant);
	}
	if (!j.tool) {
		fprintf(stderr, "toolchain missing: %s\n", name);
		return EXIT_TOOLCHAIN_MISSING;
	}
	/* A bare name is looked up in PATH here: posix_spawn does not. */
	if (!strchr(j.tool, '/')) {
		static char found[4096];
		const char *path = getenv("PATH");
		char *copy = strdup(path ? path : ""), *save = NULL, *d;

		found[0] = '\0';
		for (d = strtok_r(copy, ":", &save); d;
		     d = strtok_r(NULL, ":", &save)) {
			snprintf(found, sizeof(found), "%s/%s", d, j.tool);
			if (access(found, X_OK) == 0)
				break;
			found[0] = '\0';
		}
		free(copy);
		if (!found[0]) {
			fprintf(stderr, "toolchain missing: %s\n", name);
			return EXIT_TOOLCHAIN_MISSING;
		}
		j.tool = found;
	}
	if (access(j.tool, X_OK) != 0) {
		fprintf(stderr, "toolchain missing: %s\n", name);
		return EXIT_TOOLCHAIN_MISSING;
	}

	work = getenv("TL_WORKDIR");
	if (!work || !*work) {
		char tmpl[] = "/tmp/tl-buildtime-XXXXXX";

		tmpdir = mkdtemp(tmpl) ? strdup(tmpl) : NULL;
		if (!tmpdir)
			tlw_die("no TL_WORKDIR and cannot make a temp dir");
		work = tmpdir;
	}
	j.envp = build_env();
	serve = j.lang == LANG_ZIG && !j.clean && zig_has_incremental(&j);
	/* A server's state lives in memory: a kept project would not help. */
	kept = serve ? -1 : keep_project(&j, a.variant, dir, sizeof(dir));
	if (kept < 0) {
		snprintf(dir, sizeof(dir), "%s/%s", work, a.variant);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			tlw_die("cannot make '%s': %s", dir, strerror(errno));
	}
	j.dir = dir;
	if (serve) {
		snprintf(j.server_cache, sizeof(j.server_cache),
			 "%s/zig-cache-0", dir);
		server_start(&j, j.server_cache);
	}

	/* Warm the caches the variant assumes warm (untimed). */
	if (kept == 1) {
		/* the last process's builds warmed them (keep_project) */
		j.ok = 1;
	} else {
		build_once(&j);
		if (!j.ok && j.compilelogs <= 0) {
			fprintf(stderr, "build: the warm-up build failed:\n");
			show_log(&j);
			return 1;
		}
	}

	tlw_run(&a, batch, &j);
	server_stop(&j);
	for (size_t k = 0; k < j.nbuilt; k++)
		tlw_metric("build_ns", (double)j.built_ns[k]);

	tlw_fact("builds", j.ok ? "true" : "false");
	if (!j.ok && j.first_error[0])
		tlw_fact("first_error", j.first_error);
	if (j.compilelogs >= 0)
		tlw_fact_int("compilelog_statements", j.compilelogs);
	tlw_fact("toolchain", j.tool);
	if (j.lang == LANG_ZIG)
		tlw_fact("zig_mode", j.zig_mode);
	tlw_fact_int("generated_functions", (long long)j.files * j.funcs);
	if (j.lang == LANG_ZIG && !j.clean)
		tlw_fact("incremental",
			 serve ? "compiler server (zig build-exe -fincremental "
				 "--listen=-), one update per build"
			       : "a new zig build-exe per build, caches warm "
				 "(this zig has no -fincremental)");
	tlw_fact("warm_up",
		 serve	     ? "the server's first update (a full build)"
		 : kept == 1 ? "kept project, built by the last process"
			     : "one untimed build");
	keep_done(&j);
	if (tmpdir) {
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(tmpdir);
	}
	free(j.envp);
	return tlw_finish();
}
