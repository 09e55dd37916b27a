/*
 * proc.h - run one child process under control: timeout, rusage, output.
 *
 * The child runs in its own process group, so a timeout kills the workload
 * and every process it started. stdout is captured whole (bounded), stderr
 * keeps only its tail (for error messages). Wall time is taken around the
 * exec with the monotonic clock; rusage comes from wait4.
 *
 * Between fork and exec the child waits on a pipe until the parent has run
 * the spec's on_spawn hook (counters attach there, with enable_on_exec), so
 * nothing of traplab's own start-up is ever counted.
 */
#ifndef TL_PROC_H
#define TL_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* Called in the parent after fork, before the child execs. 0 or -errno. */
typedef int tl_proc_spawn_fn(pid_t pid, void *ctx);

struct tl_proc_spec {
	const char *const *argv; /* argv[0] is the path; borrowed */
	const char *const *env;	 /* extra "KEY=VALUE" entries, NULL-ended */
	const char *cwd;	 /* NULL: inherit */
	double timeout_s;	 /* <= 0: none */
	int pin_cpu;		 /* -1: no pinning */
	size_t max_out_bytes;	 /* stdout cap; 0 means 64 MiB */
	int discard_stdout;	 /* process kind: do not keep stdout */
	int merge_stderr;	 /* stderr into the stdout capture */
	tl_proc_spawn_fn *on_spawn;
	void *on_spawn_ctx;
	/*
	 * > 0: start argv that many times back to back from one launcher
	 * (a start-up measurement's batch: one launcher, one cgroup leaf,
	 * no traplab work between starts); each start's end, wall time and
	 * rusage are in res->starts. At most TL_PROC_MAX_STARTS; needs the
	 * launcher and no on_spawn, else tl_proc_run returns -ENOTSUP.
	 */
	int starts;
	int evict; /* with starts: argv[0] leaves the page cache each time */
	int start_timeout_s; /* with starts: one start's limit (0: none) */
};

#define TL_PROC_MAX_STARTS 500

/* One start of a batch (tl_proc_spec.starts). */
struct tl_proc_start {
	int status; /* wait4's */
	int leaked; /* processes it left behind (killed before the next) */
	uint64_t wall_ns;
	struct rusage ru;
};

enum tl_proc_end {
	TL_PROC_EXITED,	    /* exit code in exit_code (0 = success) */
	TL_PROC_SIGNALED,   /* signal in signo */
	TL_PROC_TIMEOUT,    /* killed by us after timeout_s */
	TL_PROC_OOM,	    /* SIGKILL with memory pressure evidence */
	TL_PROC_TOO_MUCH,   /* stdout beyond max_out_bytes; killed */
	TL_PROC_SPAWN_FAIL, /* fork/exec failed: spawn_errno */
	TL_PROC_INTERRUPTED /* killed because traplab got SIGTERM/SIGINT */
};

struct tl_proc_result {
	enum tl_proc_end end;
	int exit_code;
	int signo;
	int spawn_errno;
	uint64_t wall_ns;
	struct rusage ru;
	char *out; /* owned: stdout, NUL-terminated */
	size_t out_len;
	char err_tail[2048]; /* last bytes of stderr, NUL-terminated */
	int leaked; /* descendants still running after it ended (killed) */
	struct tl_proc_start *starts; /* owned: a batch's starts, in order */
	size_t nstarts;
};

/*
 * Runs the process described by spec and fills res. Returns 0 when the
 * process ran (whatever its end), -errno when traplab itself failed (pipe,
 * fork). Not thread-safe (uses SIGCHLD-free polling, one child at a time).
 */
int tl_proc_run(const struct tl_proc_spec *spec, struct tl_proc_result *res);

/*
 * How a wait4 status ended, into res->end and its exit_code or signo (a
 * SIGKILL traplab did not send is taken for the OOM killer's): for a
 * batch's starts, whose status is all the launcher reports.
 */
void tl_proc_set_end(int status, struct tl_proc_result *res);

/*
 * Containment: where cgroup v2 is mounted and writable, every process
 * tl_proc_run() starts joins its own leaf (.../traplab-PID/wN) before
 * exec, so all its descendants are in it. Everywhere, it also carries a
 * token in its environment (TL_CONTAIN=PID.N), inherited by descendants.
 * When it has ended and its process group was killed, descendants that
 * escaped the group (setsid(), double fork) are found in the leaf or by
 * the token, killed, and counted in res->leaked. traplab is made a child
 * subreaper (PR_SET_CHILD_SUBREAPER) so that their zombies are reaped here
 * rather than left to an init that may not reap.
 */

/*
 * Interruption: async-signal-safe, for a SIGTERM/SIGINT handler. Kills
 * the process group of every process tl_proc_run() is running (from any
 * thread), and makes every later tl_proc_run() end at once with
 * TL_PROC_INTERRUPTED.
 */
void tl_proc_interrupt(int signo);

/* The signal passed to tl_proc_interrupt(), or 0. */
int tl_proc_interrupted(void);

/* The tl-launch path in use, or NULL when there is none. */
const char *tl_proc_launcher(void);

/* Frees res->out. Accepts a zeroed result. */
void tl_proc_result_release(struct tl_proc_result *res);

/* One line describing how the process ended ("killed by SIGSEGV", ...). */
void tl_proc_describe(const struct tl_proc_result *res, char *buf, size_t n);

#endif
