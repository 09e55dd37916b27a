/*
 * test_proc.c - one child under control: exit codes, signals, timeouts
 * that kill the whole group, the stdout cap, exec failures, the extra
 * environment, and an injected fork failure through tl__os.
 */
#include "base/proc.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/contain.h"
#include "base/os.h"
#include "tl_test.h"

static void run_sh(const char *script, double timeout, struct tl_proc_result *r)
{
	const char *argv[] = {"/bin/sh", "-c", script, NULL};
	struct tl_proc_spec s = {
		.argv = argv, .timeout_s = timeout, .pin_cpu = -1};

	if (tl_proc_run(&s, r) != 0)
		memset(r, 0, sizeof(*r));
}

TL_TEST(exit_code_and_output)
{
	struct tl_proc_result r;

	run_sh("echo out; echo err >&2; exit 3", 10, &r);
	TL_CHECK_INT(r.end, TL_PROC_EXITED);
	TL_CHECK_INT(r.exit_code, 3);
	TL_CHECK_STR(r.out, "out\n");
	TL_CHECK_STR(r.err_tail, "err\n");
	TL_CHECK(r.wall_ns > 0);
	tl_proc_result_release(&r);
}

TL_TEST(killed_by_signal)
{
	struct tl_proc_result r;
	char d[128];

	run_sh("kill -SEGV $$", 10, &r);
	TL_CHECK_INT(r.end, TL_PROC_SIGNALED);
	TL_CHECK_INT(r.signo, SIGSEGV);
	tl_proc_describe(&r, d, sizeof(d));
	TL_CHECK(strstr(d, "signal 11") != NULL);
	tl_proc_result_release(&r);
}

/* Alive and not a zombie waiting for its reaper. */
static int is_alive(pid_t pid)
{
	char path[64], buf[256];
	FILE *f;
	char *rp;
	int alive;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	alive = fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')) &&
		rp[1] == ' ' && rp[2] != 'Z' && rp[2] != 'X';
	fclose(f);
	return alive;
}

TL_TEST(timeout_kills_the_group)
{
	struct tl_proc_result r;
	char pidbuf[32] = "";
	FILE *f;

	/* A grandchild that would outlive its parent must die too. */
	unlink("/tmp/tl_test_proc.pid");
	run_sh("sleep 30 & echo $! > /tmp/tl_test_proc.pid; wait", 0.5, &r);
	TL_CHECK_INT(r.end, TL_PROC_TIMEOUT);
	TL_CHECK(r.wall_ns >= 400000000ull && r.wall_ns < 5000000000ull);
	f = fopen("/tmp/tl_test_proc.pid", "r");
	TL_CHECK(f != NULL);
	TL_CHECK(fgets(pidbuf, sizeof(pidbuf), f) != NULL);
	fclose(f);
	unlink("/tmp/tl_test_proc.pid");
	usleep(100000);
	TL_CHECK(!is_alive((pid_t)strtol(pidbuf, NULL, 10)));
	tl_proc_result_release(&r);
}

/* A batch of starts from one launcher: each start's end and wall time. */
static int run_batch(const char *script, int starts, int limit_s,
		     struct tl_proc_result *r)
{
	const char *argv[] = {"/bin/sh", "-c", script, NULL};
	struct tl_proc_spec s = {.argv = argv,
				 .timeout_s = 30,
				 .pin_cpu = -1,
				 .discard_stdout = 1,
				 .starts = starts,
				 .start_timeout_s = limit_s};

	return tl_proc_run(&s, r);
}

TL_TEST(batch_of_starts)
{
	struct tl_proc_result r;

	if (!tl_proc_launcher())
		TL_SKIP("no tl-launch beside the test");
	TL_CHECK_INT(run_batch("exit 0", 5, 0, &r), 0);
	TL_CHECK_INT(r.nstarts, 5);
	for (size_t i = 0; i < r.nstarts; i++) {
		TL_CHECK(WIFEXITED(r.starts[i].status));
		TL_CHECK_INT(WEXITSTATUS(r.starts[i].status), 0);
		TL_CHECK(r.starts[i].wall_ns > 0);
		TL_CHECK(r.starts[i].ru.ru_maxrss > 0);
	}
	TL_CHECK_INT(r.leaked, 0);
	tl_proc_result_release(&r);
	/* Every start's failure is its own; the batch goes on. */
	TL_CHECK_INT(run_batch("exit 4", 3, 0, &r), 0);
	TL_CHECK_INT(r.nstarts, 3);
	TL_CHECK_INT(WEXITSTATUS(r.starts[2].status), 4);
	tl_proc_result_release(&r);
	/* A start that leaves a process in a session of its own: counted. */
	TL_CHECK_INT(run_batch("setsid sleep 30 & sleep 0.2", 2, 0, &r), 0);
	TL_CHECK(r.leaked >= 1);
	tl_proc_result_release(&r);
	/* Too many for one batch: refused, so the caller goes one by one. */
	TL_CHECK_INT(run_batch("exit 0", TL_PROC_MAX_STARTS + 1, 0, &r),
		     -ENOTSUP);
}

/*
 * A launched workload lives in its own leaf of traplab's cgroup, whether
 * the launcher was born there (clone3) or moved itself.
 */
TL_TEST(launched_workload_in_leaf)
{
	const char *argv[] = {"/bin/cat", "/proc/self/cgroup", NULL};
	struct tl_proc_spec s = {.argv = argv, .timeout_s = 10, .pin_cpu = -1};
	struct tl_proc_result r;
	char leaf[4200], want[4300];
	const char *line;

	if (!tl_proc_launcher())
		TL_SKIP("no tl-launch beside the test");
	if (tl_contain_leaf(leaf, sizeof(leaf), 999999) != 0)
		TL_SKIP("no cgroup v2 leaf here");
	rmdir(leaf);
	TL_CHECK_INT(tl_proc_run(&s, &r), 0);
	TL_CHECK_INT(r.end, TL_PROC_EXITED);
	line = strstr(r.out, "0::");
	TL_CHECK(line != NULL);
	/* the leaf's path below the cgroup2 mount: .../traplab-PID/wN */
	snprintf(want, sizeof(want), "/traplab-%ld/w", (long)getpid());
	TL_CHECK(line && strstr(line, want) != NULL);
	tl_proc_result_release(&r);
}

TL_TEST(batch_start_timeout)
{
	struct tl_proc_result r;
	uint64_t t0 = tl__os.now_ns();

	if (!tl_proc_launcher())
		TL_SKIP("no tl-launch beside the test");
	/* The first start hangs: killed at its own limit, the batch ends. */
	TL_CHECK_INT(run_batch("sleep 20", 3, 1, &r), 0);
	TL_CHECK_INT(r.end, TL_PROC_TIMEOUT);
	TL_CHECK_INT(r.nstarts, 0);
	TL_CHECK(tl__os.now_ns() - t0 < 10000000000ull);
	tl_proc_result_release(&r);
}

TL_TEST(stdout_cap)
{
	const char *argv[] = {"/bin/sh", "-c", "yes garbage", NULL};
	struct tl_proc_spec s = {.argv = argv,
				 .timeout_s = 10,
				 .pin_cpu = -1,
				 .max_out_bytes = 1 << 16};
	struct tl_proc_result r;

	TL_CHECK_INT(tl_proc_run(&s, &r), 0);
	TL_CHECK_INT(r.end, TL_PROC_TOO_MUCH);
	TL_CHECK(r.out_len <= (1 << 16));
	tl_proc_result_release(&r);
}

TL_TEST(exec_failure)
{
	const char *argv[] = {"/nonexistent/traplab-workload", NULL};
	struct tl_proc_spec s = {.argv = argv, .timeout_s = 10, .pin_cpu = -1};
	struct tl_proc_result r;

	TL_CHECK_INT(tl_proc_run(&s, &r), 0);
	TL_CHECK_INT(r.end, TL_PROC_SPAWN_FAIL);
	TL_CHECK_INT(r.spawn_errno, ENOENT);
	tl_proc_result_release(&r);
}

TL_TEST(extra_env_replaces)
{
	const char *argv[] = {"/bin/sh", "-c", "printf %s \"$HOME:$TL_X\"",
			      NULL};
	const char *env[] = {"HOME=/elsewhere", "TL_X=1", NULL};
	struct tl_proc_spec s = {
		.argv = argv, .env = env, .timeout_s = 10, .pin_cpu = -1};
	struct tl_proc_result r;

	TL_CHECK_INT(tl_proc_run(&s, &r), 0);
	TL_CHECK_STR(r.out, "/elsewhere:1");
	tl_proc_result_release(&r);
}

static pid_t failing_fork(void)
{
	errno = EAGAIN;
	return -1;
}

static int noop_hook(pid_t pid, void *ctx)
{
	(void)pid;
	(void)ctx;
	return 0;
}

TL_TEST(injected_fork_failure)
{
	const char *argv[] = {"/bin/true", NULL};
	struct tl_proc_spec s = {.argv = argv,
				 .timeout_s = 10,
				 .pin_cpu = -1,
				 .on_spawn = noop_hook};
	struct tl_proc_result r;
	int err;

	tl__os.fork = failing_fork;
	err = tl_proc_run(&s, &r);
	tl__os = tl__os_default;
	TL_CHECK_INT(err, -EAGAIN);
	TL_CHECK_INT(r.end, TL_PROC_SPAWN_FAIL);
}

static int failing_spawn(pid_t *pid, const char *path,
			 const posix_spawn_file_actions_t *fa,
			 const posix_spawnattr_t *attr, char *const argv[],
			 char *const envp[])
{
	(void)pid, (void)path, (void)fa, (void)attr, (void)argv, (void)envp;
	return EAGAIN;
}

TL_TEST(injected_spawn_failure)
{
	const char *argv[] = {"/bin/true", NULL};
	struct tl_proc_spec s = {.argv = argv, .timeout_s = 10, .pin_cpu = -1};
	struct tl_proc_result r;

	tl__os.posix_spawn = failing_spawn;
	TL_CHECK_INT(tl_proc_run(&s, &r), 0);
	tl__os = tl__os_default;
	TL_CHECK_INT(r.end, TL_PROC_SPAWN_FAIL);
	TL_CHECK_INT(r.spawn_errno, EAGAIN);
	tl_proc_result_release(&r);
}

static int hook_calls;
static pid_t hook_pid;

static int hook(pid_t pid, void *ctx)
{
	(void)ctx;
	hook_calls++;
	hook_pid = pid;
	return 0;
}

TL_TEST(spawn_hook_runs_before_exec)
{
	const char *argv[] = {"/bin/sh", "-c", "echo $$", NULL};
	struct tl_proc_spec s = {
		.argv = argv, .timeout_s = 10, .pin_cpu = -1, .on_spawn = hook};
	struct tl_proc_result r;

	TL_CHECK_INT(tl_proc_run(&s, &r), 0);
	TL_CHECK_INT(hook_calls, 1);
	TL_CHECK_INT(strtol(r.out, NULL, 10), hook_pid);
	tl_proc_result_release(&r);
}

TL_TEST_MAIN()
