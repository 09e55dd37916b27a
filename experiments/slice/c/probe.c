/*
 * probe.c - Zig alignment probes for article 2.3, run by the workload.
 *
 * c.probe builds, with the installed Zig (TL_ZIG), a program that views
 * an odd byte offset of a buffer as []align(1) u32 and @alignCast()s it
 * to []u32, in Debug, ReleaseSafe and ReleaseFast, runs it, and reports
 * what happened as facts (no samples):
 *
 *   zig_aligncast_odd_mode   "panic: <message>" when the safety check
 *                            fired, "in-place" when the cast kept the
 *                            same pointer and the loads read the right
 *                            values (no copy), "copied" when the pointer
 *                            changed, or the signal/exit status
 *   zig_article_ptrcast_compiles   does the article's snippet
 *                            (@as([*]u32, @ptrCast(data[1..4]))) compile?
 *                            (+ zig_article_ptrcast_diag)
 *
 * The article claims Zig copies a misaligned slice into an aligned
 * buffer at run time; these facts say what this Zig does. Sources are
 * written into TL_WORKDIR; a missing Zig gives `fact NAME absent:REASON`.
 */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np, sigabbrev_np */
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

/* Exit 10: same pointer, right values; 11: pointer changed; 12: wrong. */
static const char zig_aligncast[] =
	"const std = @import(\"std\");\n"
	"var buf: [64]u8 align(4) = undefined;\n"
	"pub fn main() void {\n"
	"    for (&buf, 0..) |*b, i| b.* = @intCast(i);\n"
	"    var off: usize = 1;\n"
	"    std.mem.doNotOptimizeAway(&off);\n"
	"    const bytes: []u8 = buf[off .. off + 32];\n"
	"    const words: []u32 = @alignCast(std.mem.bytesAsSlice(u32, "
	"bytes));\n"
	"    var sum: u32 = 0;\n"
	"    for (words) |w| sum +%= w;\n"
	"    var want: u32 = 0;\n"
	"    var i: usize = 0;\n"
	"    while (i < 32) : (i += 4) want +%= std.mem.readInt(u32, "
	"bytes[i..][0..4], .little);\n"
	"    if (@intFromPtr(words.ptr) != @intFromPtr(bytes.ptr)) "
	"std.process.exit(11);\n"
	"    std.process.exit(if (sum == want) 10 else 12);\n"
	"}\n";

/* The snippet of article 2.3, as printed there. */
static const char zig_article[] = "const data = [_]u8{ 0, 1, 2, 3, 4, 5 };\n"
				  "const misaligned = data[1..4];\n"
				  "fn processU32Slice(s: []u32) void {\n"
				  "    _ = s[0];\n"
				  "}\n"
				  "pub fn main() void {\n"
				  "    processU32Slice(@as([*]u32, "
				  "@ptrCast(misaligned))[@sizeOf(u32)..]);\n"
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

/* Runs dir/bin and describes how it ended. */
static void describe_run(const char *dir, const char *bin, char *dst,
			 size_t cap)
{
	char path[4200], out[8192], line[256];
	char *argv[] = {path, NULL};
	int st;

	snprintf(path, sizeof(path), "%s/%s", dir, bin);
	st = run(argv, dir, out, sizeof(out));
	if (find_line(out, "panic:", line, sizeof(line)))
		snprintf(dst, cap, "%s", strstr(line, "panic:"));
	else if (st < 0)
		snprintf(dst, cap, "not-run");
	else if (WIFSIGNALED(st))
		snprintf(dst, cap, "signal=%s", sigabbrev_np(WTERMSIG(st)));
	else if (WEXITSTATUS(st) == 10)
		snprintf(dst, cap, "in-place");
	else if (WEXITSTATUS(st) == 11)
		snprintf(dst, cap, "copied");
	else if (WEXITSTATUS(st) == 12)
		snprintf(dst, cap, "wrong-values");
	else
		snprintf(dst, cap, "exit=%d", WEXITSTATUS(st));
}

static void probe_zig(const char *zig, const char *work)
{
	static const char *const modes[] = {"Debug", "ReleaseSafe",
					    "ReleaseFast"};
	char dir[4096], diag[512], name[128], what[256];
	size_t i;
	int r;

	if (!zig || !*zig) {
		for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
			snprintf(name, sizeof(name), "zig_aligncast_odd_%s",
				 modes[i]);
			lower(name);
			tlw_fact(name, "absent:no zig toolchain");
		}
		tlw_fact("zig_article_ptrcast_compiles",
			 "absent:no zig toolchain");
		return;
	}
	/* A fresh folder per process: runs may share TL_WORKDIR. */
	snprintf(dir, sizeof(dir), "%s/zigprobe-XXXXXX", work);
	if (!mkdtemp(dir))
		tlw_die("cannot create '%s'", dir);
	write_file(dir, "aligncast.zig", zig_aligncast);
	write_file(dir, "article.zig", zig_article);

	r = zig_build(zig, dir, "article.zig", "Debug", "article", diag,
		      sizeof(diag));
	tlw_fact("zig_article_ptrcast_compiles",
		 r < 0 ? "absent:zig failed to run"
		 : r   ? "true"
		       : "false");
	if (r == 0)
		tlw_fact("zig_article_ptrcast_diag", diag);

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char bin[64];

		snprintf(bin, sizeof(bin), "aligncast_%s", modes[i]);
		snprintf(name, sizeof(name), "zig_aligncast_odd_%s", modes[i]);
		lower(name);
		r = zig_build(zig, dir, "aligncast.zig", modes[i], bin, diag,
			      sizeof(diag));
		if (r != 1) {
			fprintf(stderr, "%s\n", diag);
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
	probe_zig(getenv("TL_ZIG"), work);
	return tlw_finish();
}
