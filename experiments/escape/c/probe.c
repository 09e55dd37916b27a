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
 *   zig_return_elem_ptr_local_compiles  `return &local[0]` (a *u32: the
 *                               article's "returning *u8")?
 *   zig_return_slice_local_compiles  does Zig accept `return local[0..]`?
 *   zig_return_local_any_compiles    does any of these three forms, all
 *                               that "returning a pointer to a local" can
 *                               mean, compile? (2.2's claim is that none
 *                               does)
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

static const char zig_ret_elem[] =
	"const std = @import(\"std\");\n"
	"fn bad() *u32 {\n"
	"    var x = [3]u32{ 1, 2, 3 };\n"
	"    return &x[0];\n"
	"}\n"
	"pub fn main() void {\n"
	"    const p = bad();\n"
	"    std.process.exit(@truncate(p.*));\n"
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

static void probe_go(const char *go, const char *work)
{
	char dir[4096], out[16384], line[512];
	/*
	 * -trimpath and CGO_ENABLED=1 as the harness builds Go variants
	 * (build.c), so the runtime and std come from the build cache: a
	 * fresh machine's probe took 4 s compiling them again, now 0.2.
	 */
	const char *argv[] = {go,   "build",	 "-trimpath", "-gcflags=-m",
			      "-o", "/dev/null", ".",	      NULL};
	struct tlw_tool t = {.cwd = dir,
			     .timeout_ms = COMPILE_TIMEOUT_MS,
			     .out = out,
			     .cap = sizeof(out)};

	if (!go || !*go) {
		tlw_fact("go_local_array_escapes", "absent:no go toolchain");
		return;
	}
	/* A fresh folder per process: runs may share TL_WORKDIR. */
	snprintf(dir, sizeof(dir), "%s/goprobe-XXXXXX", work);
	if (!mkdtemp(dir))
		tlw_die("cannot create '%s'", dir);
	tlw_tool_write(dir, "go.mod", "module probe\n\ngo 1.22\n");
	tlw_tool_write(dir, "probe.go", go_probe);
	setenv("GOFLAGS", "-mod=mod", 1);
	setenv("GOPROXY", "off", 1);
	setenv("GOTOOLCHAIN", "local", 1);
	setenv("GOWORK", "off", 1);
	setenv("CGO_ENABLED", "1", 1);
	if (tlw_tool_run(&t, argv) < 0 || !tlw_tool_ok(&t)) {
		fprintf(stderr, "%s", out);
		tlw_fact("go_local_array_escapes", "absent:go build failed");
		return;
	}
	if (tlw_tool_find_line(out, "moved to heap: x", line, sizeof(line))) {
		tlw_fact("go_local_array_escapes", "true");
		tlw_fact("go_escape_diag", line);
	} else {
		tlw_fact("go_local_array_escapes", "false");
		if (tlw_tool_find_line(out, "probe.go:6", line, sizeof(line)))
			tlw_fact("go_escape_diag", line);
	}
}

/* Runs dir/bin and describes its end: "exit=N" or "signal=NAME". */
static void describe_run(const char *dir, const char *bin, char *dst,
			 size_t cap)
{
	char path[4200], out[4096];
	const char *argv[] = {path, NULL};
	struct tlw_tool t = {.cwd = dir,
			     .timeout_ms = RUN_TIMEOUT_MS,
			     .out = out,
			     .cap = sizeof(out)};

	snprintf(path, sizeof(path), "%s/%s", dir, bin);
	if (tlw_tool_run(&t, argv) < 0)
		snprintf(dst, cap, "not-run");
	else if (t.timed_out)
		snprintf(dst, cap, "timed-out");
	else if (WIFSIGNALED(t.status))
		snprintf(dst, cap, "signal=%s",
			 sigabbrev_np(WTERMSIG(t.status)));
	else
		snprintf(dst, cap, "sum=%d", WEXITSTATUS(t.status));
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
	int r, any;

	if (!zig || !*zig) {
		tlw_fact("zig_return_ptr_local_compiles",
			 "absent:no zig toolchain");
		tlw_fact("zig_return_elem_ptr_local_compiles",
			 "absent:no zig toolchain");
		tlw_fact("zig_return_local_any_compiles",
			 "absent:no zig toolchain");
		tlw_fact("zig_return_slice_local_compiles",
			 "absent:no zig toolchain");
		return;
	}
	tlw_tool_tmpdir(work, "zigprobe", dir, sizeof(dir));
	tlw_tool_write(dir, "ret_ptr.zig", zig_ret_ptr);
	tlw_tool_write(dir, "ret_slice.zig", zig_ret_slice);
	tlw_tool_write(dir, "ret_elem.zig", zig_ret_elem);
	r = tlw_tool_zig_compiles(zig, dir, "ret_ptr.zig", "Debug", "ret_ptr",
				  COMPILE_TIMEOUT_MS, "zig_return_ptr_local");
	any = r;
	r = tlw_tool_zig_compiles(zig, dir, "ret_elem.zig", "Debug", "ret_elem",
				  COMPILE_TIMEOUT_MS,
				  "zig_return_elem_ptr_local");
	any = any < 0 || r < 0 ? -1 : any || r;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char bin[64];

		snprintf(bin, sizeof(bin), "ret_slice_%s", modes[i]);
		r = tlw_tool_zig_build(zig, dir, "ret_slice.zig", modes[i], bin,
				       COMPILE_TIMEOUT_MS, diag, sizeof(diag));
		if (i == 0) {
			tlw_fact("zig_return_slice_local_compiles",
				 r < 0 ? "absent:zig failed to run"
				 : r   ? "true"
				       : "false");
			if (r == 0)
				tlw_fact("zig_return_slice_local_diag", diag);
			any = any < 0 || r < 0 ? -1 : any || r;
			tlw_fact("zig_return_local_any_compiles",
				 any < 0 ? "absent:zig failed to run"
				 : any	 ? "true"
					 : "false");
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
