/*
 * probe.c - compile probes for article 2.2, run by the workload itself.
 *
 * c.probe asks the installed compilers, at run time, the questions 2.2
 * answers from memory, and prints what they said as facts (no samples):
 *
 *   go_local_array_escapes      does `go build -gcflags=-m` move a local
 *                               array to the heap when a function returns
 *                               a slice of it? (+ go_escape_diag, the line)
 *   zig_return_ptr_local_compiles    does Zig accept `return &local`?
 *   zig_return_slice_local_compiles  does Zig accept `return local[0..]`?
 *                               (+ *_diag: the compiler's error line)
 *   zig_return_slice_local_run_mode  what such a program reads through the
 *                               dangling slice in Debug and
 *                               ReleaseFast: "sum=N" (6 means the dead
 *                               frame still held 1,2,3) or the signal
 *
 * Sources are written into TL_WORKDIR; compilers come from TL_GO and
 * TL_ZIG. A missing toolchain gives `fact NAME absent:REASON`.
 */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tlw.h"

extern char **environ;

/* Fact names are [a-z0-9_]: "ReleaseFast" becomes "releasefast". */
static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static const char go_probe[] = "package main\n"
			       "\n"
			       "//go:noinline\n"
			       "func bad() []int {\n"
			       "\tx := [3]int{1, 2, 3}\n"
			       "\treturn x[:]\n"
			       "}\n"
			       "\n"
			       "func main() { println(len(bad())) }\n";

static const char zig_ret_ptr[] =
	"const std = @import(\"std\");\n"
	"fn bad() *[3]u32 {\n"
	"    var x = [3]u32{ 1, 2, 3 };\n"
	"    return &x;\n"
	"}\n"
	"pub fn main() void {\n"
	"    const p = bad();\n"
	"    std.process.exit(@truncate(p[0] + p[1] + p[2]));\n"
	"}\n";

/* The slice version; scribble() reuses the dead frame's stack. */
static const char zig_ret_slice[] =
	"const std = @import(\"std\");\n"
	"fn bad() []u32 {\n"
	"    var x = [3]u32{ 1, 2, 3 };\n"
	"    return x[0..];\n"
	"}\n"
	"noinline fn scribble() u32 {\n"
	"    var y = [8]u32{ 9, 9, 9, 9, 9, 9, 9, 9 };\n"
	"    std.mem.doNotOptimizeAway(&y);\n"
	"    return y[0];\n"
	"}\n"
	"pub fn main() void {\n"
	"    const p = bad();\n"
	"    _ = scribble();\n"
	"    std.process.exit(@truncate(p[0] + p[1] + p[2]));\n"
	"}\n";

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) == EOF || fclose(f) != 0)
		tlw_die("cannot write '%s'", path);
}

/*
 * Runs argv in `cwd` with stdout+stderr captured into out (NUL-ended,
 * truncated). Returns the wait status, or -1 when it could not start.
 */
static int run(char *const argv[], const char *cwd, char *out, size_t cap)
{
	posix_spawn_file_actions_t fa;
	int fds[2], status = -1;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	while ((n = read(fds[0], out + len, cap - 1 - len)) > 0) {
		len += (size_t)n;
		if (len == cap - 1) {
			char skip[4096];

			while (read(fds[0], skip, sizeof(skip)) > 0)
				;
			break;
		}
	}
	out[len] = '\0';
	close(fds[0]);
	if (pid > 0 && waitpid(pid, &status, 0) < 0)
		status = -1;
	return pid > 0 ? status : -1;
}

/* Copies the first line of `text` containing `needle` (or none) into dst. */
static int find_line(const char *text, const char *needle, char *dst,
		     size_t cap)
{
	const char *hit = strstr(text, needle), *start, *end;
	size_t n;

	if (!hit)
		return 0;
	start = hit;
	while (start > text && start[-1] != '\n')
		start--;
	end = strchr(hit, '\n');
	n = end ? (size_t)(end - start) : strlen(start);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, start, n);
	dst[n] = '\0';
	return 1;
}

static void probe_go(const char *go, const char *work)
{
	char dir[4096], out[16384], line[512];
	char *argv[] = {(char *)go,  "build", "-gcflags=-m", "-o",
			"/dev/null", ".",     NULL};
	int st;

	if (!go || !*go) {
		tlw_fact("go_local_array_escapes", "absent:no go toolchain");
		return;
	}
	/* A fresh folder per process: runs may share TL_WORKDIR. */
	snprintf(dir, sizeof(dir), "%s/goprobe-XXXXXX", work);
	if (!mkdtemp(dir))
		tlw_die("cannot create '%s'", dir);
	write_file(dir, "go.mod", "module probe\n\ngo 1.22\n");
	write_file(dir, "probe.go", go_probe);
	setenv("GOFLAGS", "-mod=mod", 1);
	setenv("GOPROXY", "off", 1);
	setenv("GOTOOLCHAIN", "local", 1);
	st = run(argv, dir, out, sizeof(out));
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "%s", out);
		tlw_fact("go_local_array_escapes", "absent:go build failed");
		return;
	}
	if (find_line(out, "moved to heap: x", line, sizeof(line))) {
		tlw_fact("go_local_array_escapes", "true");
		tlw_fact("go_escape_diag", line);
	} else {
		tlw_fact("go_local_array_escapes", "false");
		if (find_line(out, "probe.go:6", line, sizeof(line)))
			tlw_fact("go_escape_diag", line);
	}
}

/*
 * Builds `src` in `mode`. Returns 1 when it compiled, 0 when the compiler
 * rejected it (its first error line in diag), -1 when it could not run.
 */
static int zig_build(const char *zig, const char *dir, const char *src,
		     const char *mode, const char *bin, char *diag, size_t cap)
{
	char out[16384], emit[4200], cache[4200];
	char *argv[] = {(char *)zig,  "build-exe", "-O",
			(char *)mode, emit,	   "--cache-dir",
			cache,	      (char *)src, NULL};
	const char *root = getenv("TL_ROOT");
	int st;

	/*
	 * Zig's cache is keyed by compiler, source and flags, so a repeat
	 * probe gives the same answer; keeping it in the project's
	 * git-ignored .cache/ (not the scratch folder) makes it cheap.
	 */
	if (root && *root)
		snprintf(cache, sizeof(cache), "%s/.cache/zig-probe", root);
	else
		snprintf(cache, sizeof(cache), "%s/.zig-cache", dir);
	snprintf(emit, sizeof(emit), "-femit-bin=%s/%s", dir, bin);
	st = run(argv, dir, out, sizeof(out));
	diag[0] = '\0';
	if (st < 0 || !WIFEXITED(st))
		return -1;
	if (WEXITSTATUS(st) == 0)
		return 1;
	if (!find_line(out, "error:", diag, cap))
		return -1;
	return 0;
}

/* Runs dir/bin and describes its end: "exit=N" or "signal=NAME". */
static void describe_run(const char *dir, const char *bin, char *dst,
			 size_t cap)
{
	char path[4200], out[4096];
	char *argv[] = {path, NULL};
	int st;

	snprintf(path, sizeof(path), "%s/%s", dir, bin);
	st = run(argv, dir, out, sizeof(out));
	if (st < 0)
		snprintf(dst, cap, "not-run");
	else if (WIFSIGNALED(st))
		snprintf(dst, cap, "signal=%s", sigabbrev_np(WTERMSIG(st)));
	else
		snprintf(dst, cap, "sum=%d", WEXITSTATUS(st));
}

static void probe_zig(const char *zig, const char *work)
{
	/*
	 * No ReleaseSafe: Zig has no run-time check for dangling stack
	 * memory in any mode, and a ReleaseSafe build is not cached by this
	 * Zig (about a minute per probe run on this VM).
	 */
	static const char *const modes[] = {"Debug", "ReleaseFast"};
	char dir[4096], diag[512], name[128], what[128];
	size_t i;
	int r;

	if (!zig || !*zig) {
		tlw_fact("zig_return_ptr_local_compiles",
			 "absent:no zig toolchain");
		tlw_fact("zig_return_slice_local_compiles",
			 "absent:no zig toolchain");
		return;
	}
	/* A fresh folder per process: runs may share TL_WORKDIR. */
	snprintf(dir, sizeof(dir), "%s/zigprobe-XXXXXX", work);
	if (!mkdtemp(dir))
		tlw_die("cannot create '%s'", dir);
	write_file(dir, "ret_ptr.zig", zig_ret_ptr);
	write_file(dir, "ret_slice.zig", zig_ret_slice);

	r = zig_build(zig, dir, "ret_ptr.zig", "Debug", "ret_ptr", diag,
		      sizeof(diag));
	tlw_fact("zig_return_ptr_local_compiles",
		 r < 0 ? "absent:zig failed to run"
		 : r   ? "true"
		       : "false");
	if (r == 0)
		tlw_fact("zig_return_ptr_local_diag", diag);

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char bin[64];

		snprintf(bin, sizeof(bin), "ret_slice_%s", modes[i]);
		r = zig_build(zig, dir, "ret_slice.zig", modes[i], bin, diag,
			      sizeof(diag));
		if (i == 0) {
			tlw_fact("zig_return_slice_local_compiles",
				 r < 0 ? "absent:zig failed to run"
				 : r   ? "true"
				       : "false");
			if (r == 0)
				tlw_fact("zig_return_slice_local_diag", diag);
		}
		snprintf(name, sizeof(name), "zig_return_slice_local_run_%s",
			 modes[i]);
		lower(name);
		if (r != 1) {
			tlw_fact(name, r ? "absent:zig failed to run"
					 : "absent:does not compile");
			continue;
		}
		describe_run(dir, bin, what, sizeof(what));
		tlw_fact(name, what);
	}
}

int main(int argc, char **argv)
{
	struct tlw_args a;
	const char *work;

	tlw_parse(argc, argv, &a);
	if (!tlw_is(&a, "c.probe"))
		tlw_die("unknown variant '%s'", a.variant);
	work = getenv("TL_WORKDIR");
	if (!work || !*work)
		tlw_die("TL_WORKDIR is not set (the harness sets it)");
	probe_go(getenv("TL_GO"), work);
	probe_zig(getenv("TL_ZIG"), work);
	return tlw_finish();
}
