/*
 * tlw_tool.h - run a toolchain from a C workload (header only).
 *
 * Compile probes (experiments escape, slice) and the build-time workload
 * (experiment build) run compilers themselves: they write sources into
 * TL_WORKDIR, run `go build` or `zig build-exe` there, and report what the
 * compiler said (a fact) or how long it took (a sample). This header holds
 * the part they share: run one command with a time limit in a folder,
 * capture its stdout and stderr together, and give back its wait status.
 *
 *     char out[16384];
 *     const char *argv[] = {zig, "build-exe", "probe.zig", NULL};
 *     struct tlw_tool t = {.cwd = dir, .timeout_ms = 60000,
 *                          .out = out, .cap = sizeof(out)};
 *
 *     if (tlw_tool_run(&t, argv) < 0 || !tlw_tool_ok(&t))
 *             ... t.out holds what it printed ...
 *
 * Key design decision: the child is spawned with posix_spawn (vfork-like,
 * so a big parent costs nothing) and stays in the workload's process
 * group, so the harness's own timeout, which kills the whole group, also
 * ends a compiler and its children. The time limit here kills only the
 * direct child (SIGKILL); children it started (go build's compile and
 * link) then see their pipe close and are reaped by the harness.
 *
 * Output beyond `cap - 1` bytes is read and dropped (so the child never
 * blocks on a full pipe) and `truncated` is set. stdin is /dev/null.
 * Not thread-safe (it reads `environ`); one call at a time. Define
 * _GNU_SOURCE before the first include (posix_spawn_file_actions_addchdir_np,
 * pipe2): the harness compiles C workloads with plain `cc -O2`.
 */
#ifndef TLW_TOOL_H
#define TLW_TOOL_H

#ifndef _GNU_SOURCE
#error "define _GNU_SOURCE before including tlw_tool.h"
#endif

#include "tlw.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct tlw_tool {
	/* Inputs, set by the caller. */
	const char *cwd;     /* folder to run in; NULL: TL_WORKDIR (if set) */
	char *const *envp;   /* environment; NULL: this process's environ */
	unsigned timeout_ms; /* 0: no limit; else SIGKILL at the deadline */
	char *out;	     /* caller's buffer for stdout+stderr */
	size_t cap;	     /* its size in bytes, at least 1 */
	/* Results, set by tlw_tool_run. */
	int status;	     /* wait status (WIFEXITED...), -1 if not run */
	int timed_out;	     /* 1: killed at the deadline */
	int truncated;	     /* 1: output did not fit in cap - 1 bytes */
	size_t out_len;	     /* bytes in out, without the final NUL */
	uint64_t elapsed_ns; /* from spawn to reap, CLOCK_MONOTONIC */
};

/*
 * Runs argv (argv[0] is a path: PATH is not searched) as described by t,
 * waits for it and fills t's results; t->out is always NUL-ended. Returns
 * 0 when the command ran (whatever its status), -errno when it could not
 * be started (t->status stays -1).
 */
static inline int tlw_tool_run(struct tlw_tool *t, const char *const argv[])
{
	posix_spawn_file_actions_t fa;
	const char *cwd = t->cwd;
	uint64_t t0, deadline = 0;
	int fds[2], err, st;
	pid_t pid;

	t->status = -1;
	t->timed_out = 0;
	t->truncated = 0;
	t->out_len = 0;
	t->elapsed_ns = 0;
	t->out[0] = '\0';
	if (!cwd) {
		cwd = getenv("TL_WORKDIR");
		if (cwd && !*cwd)
			cwd = NULL;
	}
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	t0 = tlw_now_ns();
	if (t->timeout_ms)
		deadline = t0 + (uint64_t)t->timeout_ms * 1000000u;
	/* posix_spawn's argv is char *const[] for history; it is not written.
	 */
	err = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv,
			  t->envp ? t->envp : environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (err) {
		close(fds[0]);
		return -err;
	}
	for (;;) {
		struct pollfd p = {.fd = fds[0], .events = POLLIN};
		char skip[4096], *dst = skip;
		size_t room = sizeof(skip);
		int wait_ms = -1;
		ssize_t n;

		if (deadline) {
			uint64_t now = tlw_now_ns();

			if (now >= deadline) {
				kill(pid, SIGKILL);
				t->timed_out = 1;
				break;
			}
			wait_ms = (int)((deadline - now + 999999u) / 1000000u);
		}
		n = poll(&p, 1, wait_ms);
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		if (t->out_len < t->cap - 1) {
			dst = t->out + t->out_len;
			room = t->cap - 1 - t->out_len;
		}
		n = read(fds[0], dst, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (dst == skip)
			t->truncated = 1;
		else
			t->out_len += (size_t)n;
	}
	t->out[t->out_len] = '\0';
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	t->elapsed_ns = tlw_now_ns() - t0;
	t->status = st;
	return 0;
}

/* 1 when the command ran to the end and exited with status 0. */
static inline int tlw_tool_ok(const struct tlw_tool *t)
{
	return !t->timed_out && t->status != -1 && WIFEXITED(t->status) &&
	       WEXITSTATUS(t->status) == 0;
}

/*
 * Copies the first line of `text` that contains `needle` into dst
 * (truncated to cap - 1 bytes, NUL-ended). Returns 1, or 0 when no line
 * contains it (dst is left alone).
 */
static inline int tlw_tool_find_line(const char *text, const char *needle,
				     char *dst, size_t cap)
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

/* Writes `text` to dir/name (replacing it); dies when it cannot. */
static inline void tlw_tool_write(const char *dir, const char *name,
				  const char *text)
{
	char path[4096];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		tlw_die("path too long: '%s/%s'", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) == EOF || fclose(f) != 0)
		tlw_die("cannot write '%s'", path);
}

/*
 * Compile probes: builds dir/src with `zig build-exe -O mode`, emitting
 * dir/bin, with at most timeout_ms (0: no limit). Returns 1 when it
 * compiled, 0 when the compiler rejected it (its first "error:" line in
 * diag, cap bytes), -1 when Zig could not run, was killed or failed
 * without an error line (diag is then empty).
 *
 * Zig's cache is keyed by compiler, source and flags, so a repeat probe
 * gives the same answer; keeping it in the project's git-ignored
 * TL_ROOT/.cache/zig-probe (not the scratch folder) makes repeats cheap.
 */
static inline int tlw_tool_zig_build(const char *zig, const char *dir,
				     const char *src, const char *mode,
				     const char *bin, unsigned timeout_ms,
				     char *diag, size_t cap)
{
	char out[16384], emit[4200], cache[4200];
	const char *argv[] = {zig,	     "build-exe", "-O", mode, emit,
			      "--cache-dir", cache,	  src,	NULL};
	struct tlw_tool t = {.cwd = dir,
			     .timeout_ms = timeout_ms,
			     .out = out,
			     .cap = sizeof(out)};
	const char *root = getenv("TL_ROOT");

	if (root && *root)
		snprintf(cache, sizeof(cache), "%s/.cache/zig-probe", root);
	else
		snprintf(cache, sizeof(cache), "%s/.zig-cache", dir);
	snprintf(emit, sizeof(emit), "-femit-bin=%s/%s", dir, bin);
	diag[0] = '\0';
	if (tlw_tool_run(&t, argv) < 0 || t.timed_out || !WIFEXITED(t.status))
		return -1;
	if (WEXITSTATUS(t.status) == 0)
		return 1;
	if (!tlw_tool_find_line(out, "error:", diag, cap))
		return -1;
	return 0;
}

/*
 * A compile probe as facts: PREFIX_compiles (true, false, or absent with
 * the reason) and, when the compiler said no, PREFIX_diag with its first
 * error line. Returns what tlw_tool_zig_build returned.
 */
static inline int tlw_tool_zig_compiles(const char *zig, const char *dir,
					const char *src, const char *mode,
					const char *bin, unsigned timeout_ms,
					const char *prefix)
{
	char diag[512], name[128];
	int r = tlw_tool_zig_build(zig, dir, src, mode, bin, timeout_ms, diag,
				   sizeof(diag));

	snprintf(name, sizeof(name), "%s_compiles", prefix);
	tlw_fact(name, r < 0 ? "absent:zig failed to run"
		       : r   ? "true"
			     : "false");
	if (r == 0) {
		snprintf(name, sizeof(name), "%s_diag", prefix);
		tlw_fact(name, diag);
	}
	return r;
}

/* A fresh folder under work ("work/NAME-XXXXXX") into dir; dies on error. */
static inline void tlw_tool_tmpdir(const char *work, const char *name,
				   char *dir, size_t cap)
{
	if ((size_t)snprintf(dir, cap, "%s/%s-XXXXXX", work, name) >= cap ||
	    !mkdtemp(dir))
		tlw_die("cannot create a folder under '%s'", work);
}

#endif
