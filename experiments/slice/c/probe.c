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
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "tlw_tool.h"

/* Time limits: a compile (cached ones take a second), a probe program. */
#define COMPILE_TIMEOUT_MS 240000u
#define RUN_TIMEOUT_MS	   10000u

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
	"}\n"
	/*
	 * The safety check is the compiler's; the handler only reports it.
	 * The default one (a DWARF stack-trace printer, and in ReleaseSafe
	 * a segfault handler) took a fresh ReleaseSafe build from 0.4 to
	 * 20 s. 0.14 and later take a panic namespace, older a function.
	 */
	"pub const std_options: std.Options = .{ .enable_segfault_handler "
	"= false };\n"
	"pub const panic = if (@hasDecl(std.debug, \"FullPanic\"))\n"
	"    std.debug.FullPanic(report)\n"
	"else\n"
	"    oldPanic;\n"
	"fn oldPanic(msg: []const u8, _: ?*std.builtin.StackTrace, "
	"_: ?usize) noreturn {\n"
	"    report(msg, null);\n"
	"}\n"
	"fn report(msg: []const u8, _: ?usize) noreturn {\n"
	"    const linux = std.os.linux;\n"
	"    _ = linux.write(2, \"panic: \", 7);\n"
	"    _ = linux.write(2, msg.ptr, msg.len);\n"
	"    _ = linux.write(2, \"\\n\", 1);\n"
	"    std.process.abort();\n"
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

/* Runs dir/bin and describes how it ended. */
static void describe_run(const char *dir, const char *bin, char *dst,
			 size_t cap)
{
	char path[4200], out[8192], line[256];
	const char *argv[] = {path, NULL};
	struct tlw_tool t = {.cwd = dir,
			     .timeout_ms = RUN_TIMEOUT_MS,
			     .out = out,
			     .cap = sizeof(out)};
	int st;

	snprintf(path, sizeof(path), "%s/%s", dir, bin);
	st = tlw_tool_run(&t, argv) < 0 ? -1 : t.status;
	if (tlw_tool_find_line(out, "panic:", line, sizeof(line)))
		snprintf(dst, cap, "%s", strstr(line, "panic:"));
	else if (st < 0)
		snprintf(dst, cap, "not-run");
	else if (t.timed_out)
		snprintf(dst, cap, "timed-out");
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
	tlw_tool_tmpdir(work, "zigprobe", dir, sizeof(dir));
	tlw_tool_write(dir, "aligncast.zig", zig_aligncast);
	tlw_tool_write(dir, "article.zig", zig_article);
	tlw_tool_zig_compiles(zig, dir, "article.zig", "Debug", "article",
			      COMPILE_TIMEOUT_MS, "zig_article_ptrcast");

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char bin[64];

		snprintf(bin, sizeof(bin), "aligncast_%s", modes[i]);
		snprintf(name, sizeof(name), "zig_aligncast_odd_%s", modes[i]);
		lower(name);
		r = tlw_tool_zig_build(zig, dir, "aligncast.zig", modes[i], bin,
				       COMPILE_TIMEOUT_MS, diag, sizeof(diag));
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
