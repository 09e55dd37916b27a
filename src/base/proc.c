/*
 * proc.c - one child process under control (see proc.h).
 *
 * Everything the child needs (argv, envp, the resolved path) is built
 * before fork, so the child only calls async-signal-safe functions. The
 * child blocks on a "go" pipe until the parent has attached counters,
 * then execs; an exec failure travels back on a close-on-exec pipe.
 * When nothing must happen between fork and exec (no counters), the
 * workload is started through tl-launch (a small static
 * launcher, see src/launch/tl-launch.c) with posix_spawn: Linux folds the
 * pre-exec mm's peak RSS into the child's rusage, so only a tiny parent
 * leaves the workload's peak RSS its own, and the launcher's vfork-to-
 * wait4 wall time has none of traplab's fork cost in it.
 * The parent polls stdout, stderr and a pidfd, so the exit is seen the
 * moment it happens (wall time stays accurate for start-up timing) and a
 * hang is caught at the deadline; the whole process group is killed then.
 */
#include "base/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/os.h"
#include "base/util.h"

#include "base/banned.h"

extern char **environ;

#define DEFAULT_MAX_OUT (64u << 20)

/* A path for argv0: as is when it has a '/', else searched in PATH. */
static char *resolve(const char *argv0)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;

	if (strchr(argv0, '/') || !path)
		return xstrdup(argv0);
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", *dir ? dir : ".", argv0);

		if (access(p, X_OK) == 0) {
			free(copy);
			return p;
		}
		free(p);
	}
	free(copy);
	return xstrdup(argv0);
}

/* environ with spec->env entries replacing same-named ones. */
static char **build_env(const char *const *extra)
{
	size_t n = 0, m = 0, i, j, k = 0;
	char **env;

	while (environ[n])
		n++;
	while (extra && extra[m])
		m++;
	env = xcalloc(n + m + 1, sizeof(*env));
	for (i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t klen =
			eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
		int replaced = 0;

		for (j = 0; j < m; j++)
			if (strncmp(extra[j], environ[i], klen) == 0 &&
			    extra[j][klen] == '=')
				replaced = 1;
		if (!replaced)
			env[k++] = environ[i];
	}
	for (j = 0; j < m; j++)
		env[k++] = (char *)extra[j];
	env[k] = NULL;
	return env;
}

static void child(const struct tl_proc_spec *spec, const char *path,
		  char **envp, int out_w, int err_w, int go_r, int go_w,
		  int exec_w)
{
	char c;
	int fd;

	/* Our copy of the write end would keep the "go" pipe from EOF. */
	close(go_w);
	setpgid(0, 0);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	if (spec->discard_stdout) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			close(fd);
		}
	} else {
		dup2(out_w, 1);
	}
	dup2(spec->merge_stderr ? out_w : err_w, 2);
	if (spec->cwd && chdir(spec->cwd) < 0)
		goto fail;
	if (spec->pin_cpu >= 0 && tl_os_pin_cpu(spec->pin_cpu) < 0)
		goto fail;
	/* Wait for the parent to attach counters (EOF releases us). */
	while (read(go_r, &c, 1) < 0 && errno == EINTR)
		;
	tl__os.execve(path, (char *const *)spec->argv, envp);
fail:
	c = (char)errno;
	if (write(exec_w, &c, 1) < 0)
		_exit(127);
	_exit(127);
}

static void tail_append(char *tail, size_t cap, const char *p, size_t n)
{
	size_t have = strlen(tail);

	if (n >= cap - 1) {
		memcpy(tail, p + n - (cap - 1), cap - 1);
		tail[cap - 1] = '\0';
		return;
	}
	if (have + n >= cap) {
		size_t drop = have + n - (cap - 1);

		memmove(tail, tail + drop, have - drop);
		have -= drop;
	}
	memcpy(tail + have, p, n);
	tail[have + n] = '\0';
}

/* Closes both ends of a pipe that are still open (-1 = closed). */
static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * The launcher (src/launch/tl-launch.c) beside the executable, or
 * $TL_LAUNCH; NULL when there is none (then the workload's peak RSS
 * includes traplab's, and the result says so).
 */
const char *tl_proc_launcher(void)
{
	static char path[4096 + 16];
	static int looked;
	char exe[4096], *slash;
	ssize_t n;

	if (looked)
		return path[0] ? path : NULL;
	looked = 1;
	if (getenv("TL_LAUNCH") && access(getenv("TL_LAUNCH"), X_OK) == 0) {
		snprintf(path, sizeof(path), "%s", getenv("TL_LAUNCH"));
		return path;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (int up = 0; up < 2 && (slash = strrchr(exe, '/')); up++) {
		*slash = '\0';
		snprintf(path, sizeof(path), "%s/tl-launch", exe);
		if (access(path, X_OK) == 0)
			return path;
	}
	path[0] = '\0';
	return NULL;
}

/* posix_spawn with the child's fds, group and folder; 0 or -errno. */
static int spawn(const struct tl_proc_spec *spec, const char *path, char **envp,
		 int out_w, int err_w, int report_w, pid_t *pid, uint64_t *t0)
{
	const char *launcher = report_w >= 0 ? tl_proc_launcher() : NULL;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	struct tl_strv argv = TL_STRV_INIT;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (spec->discard_stdout)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
						 0);
	else
		posix_spawn_file_actions_adddup2(&fa, out_w, 1);
	posix_spawn_file_actions_adddup2(&fa,
					 spec->merge_stderr ? out_w : err_w, 2);
	if (spec->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, spec->cwd);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	if (launcher) {
		posix_spawn_file_actions_adddup2(&fa, report_w, 3);
		tl_strv_push(&argv, launcher);
		tl_strv_push(&argv, "3");
		tl_strv_push_owned(&argv, xasprintf("%d", spec->pin_cpu));
		tl_strv_push(&argv, path);
	}
	for (const char *const *a = spec->argv; *a; a++)
		tl_strv_push(&argv, *a);
	*t0 = tl__os.now_ns();
	rc = tl__os.posix_spawn(pid, launcher ? launcher : path, &fa, &at,
				(char *const *)tl_strv_cstr(&argv), envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	tl_strv_release(&argv);
	return -rc;
}

/*
 * Takes the launcher's report: the workload's own end, wall time and
 * rusage replace the launcher's. Returns 0, or -EINVAL when there was no
 * report (the launcher was killed: a timeout, or it died).
 */
static int take_report(int report_r, struct tl_proc_result *res)
{
	char line[512];
	ssize_t n = read(report_r, line, sizeof(line) - 1);
	long long wall, maxrss, minflt, majflt, nvcsw, nivcsw, ut, st;
	int status, e;

	if (n <= 0)
		return -EINVAL;
	line[n] = '\0';
	if (sscanf(line, "spawnfail %d", &e) == 1) {
		res->end = TL_PROC_SPAWN_FAIL;
		res->spawn_errno = e;
		return 0;
	}
	if (sscanf(line, "exit %d %lld %lld %lld %lld %lld %lld %lld %lld",
		   &status, &wall, &maxrss, &minflt, &majflt, &nvcsw, &nivcsw,
		   &ut, &st) != 9)
		return -EINVAL;
	res->wall_ns = (uint64_t)wall;
	memset(&res->ru, 0, sizeof(res->ru));
	res->ru.ru_maxrss = (long)maxrss;
	res->ru.ru_minflt = (long)minflt;
	res->ru.ru_majflt = (long)majflt;
	res->ru.ru_nvcsw = (long)nvcsw;
	res->ru.ru_nivcsw = (long)nivcsw;
	res->ru.ru_utime.tv_sec = (time_t)(ut / 1000000);
	res->ru.ru_utime.tv_usec = (suseconds_t)(ut % 1000000);
	res->ru.ru_stime.tv_sec = (time_t)(st / 1000000);
	res->ru.ru_stime.tv_usec = (suseconds_t)(st % 1000000);
	if (WIFSIGNALED(status)) {
		res->signo = WTERMSIG(status);
		res->end =
			res->signo == SIGKILL ? TL_PROC_OOM : TL_PROC_SIGNALED;
	} else {
		res->end = TL_PROC_EXITED;
		res->exit_code = WEXITSTATUS(status);
	}
	return 0;
}

int tl_proc_run(const struct tl_proc_spec *spec, struct tl_proc_result *res)
{
	int outp[2] = {-1, -1}, errp[2] = {-1, -1}, gop[2] = {-1, -1};
	int execp[2] = {-1, -1}, pidfd = -1, status = 0, killed = 0;
	int reportp[2] = {-1, -1};
	int out_open, err_open, reaped = 0, err = 0;
	size_t max_out =
		spec->max_out_bytes ? spec->max_out_bytes : DEFAULT_MAX_OUT;
	struct tl_buf out = TL_BUF_INIT;
	uint64_t t0, deadline = 0;
	char *path, **envp;
	ssize_t exec_n = 0;
	char ebyte = 0;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 ||
	    pipe2(gop, O_CLOEXEC) < 0 || pipe2(execp, O_CLOEXEC) < 0) {
		err = -errno;
		goto out_close;
	}
	path = resolve(spec->argv[0]);
	envp = build_env(spec->env);
	if (!spec->on_spawn && (spec->pin_cpu < 0 || tl_proc_launcher())) {
		/*
		 * Nothing to do between fork and exec: posix_spawn (vfork
		 * semantics) copies no page tables, so the wall time is the
		 * workload's own start-up, not the teardown of a copy of
		 * traplab.
		 */
		if (tl_proc_launcher() && pipe2(reportp, O_CLOEXEC) == 0) {
			/* Keep it off fd 3, where the launcher wants it. */
			int hi = fcntl(reportp[1], F_DUPFD_CLOEXEC, 10);

			close(reportp[1]);
			reportp[1] = hi;
		}
		err = spawn(spec, path, envp, outp[1], errp[1], reportp[1],
			    &pid, &t0);
		free(path);
		free(envp);
		if (err) {
			res->end = TL_PROC_SPAWN_FAIL;
			res->spawn_errno = -err;
			err = 0;
			res->out = xstrdup("");
			goto out_close;
		}
		close(outp[1]);
		close(errp[1]);
		if (reportp[1] >= 0)
			close(reportp[1]);
		outp[1] = errp[1] = reportp[1] = -1;
		pidfd = open_pidfd(pid);
	} else {
		pid = tl__os.fork();
		if (pid < 0) {
			err = -errno;
			res->end = TL_PROC_SPAWN_FAIL;
			res->spawn_errno = errno;
			free(path);
			free(envp);
			goto out_close;
		}
		if (pid == 0)
			child(spec, path, envp, outp[1], errp[1], gop[0],
			      gop[1], execp[1]);
		free(path);
		free(envp);
		setpgid(pid, pid);
		close(outp[1]);
		close(errp[1]);
		close(gop[0]);
		close(execp[1]);
		outp[1] = errp[1] = gop[0] = execp[1] = -1;

		if (spec->on_spawn) {
			int herr = spec->on_spawn(pid, spec->on_spawn_ctx);

			if (herr)
				tail_append(
					res->err_tail, sizeof(res->err_tail),
					"traplab: counter attach failed\n", 31);
		}
		pidfd = open_pidfd(pid);
		/*
		 * The clock starts as the child is released to exec: this
		 * path (counters, pinning) counts the teardown of the
		 * forked copy, which the in-process figures never see.
		 */
		t0 = tl__os.now_ns();
		close(gop[1]);
		gop[1] = -1;
		while ((exec_n = read(execp[0], &ebyte, 1)) < 0 &&
		       errno == EINTR)
			;
	}
	if (spec->timeout_s > 0)
		deadline = t0 + (uint64_t)(spec->timeout_s * 1e9);

	out_open = err_open = 1;
	while (!reaped) {
		struct pollfd pf[3];
		int npf = 0, timeout_ms = 50, i;
		uint64_t now;

		if (out_open)
			pf[npf++] = (struct pollfd){outp[0], POLLIN, 0};
		if (err_open)
			pf[npf++] = (struct pollfd){errp[0], POLLIN, 0};
		if (pidfd >= 0)
			pf[npf++] = (struct pollfd){pidfd, POLLIN, 0};
		if (pidfd >= 0 && deadline) {
			now = tl__os.now_ns();
			timeout_ms =
				now >= deadline
					? 0
					: (int)((deadline - now) / 1000000 + 1);
		} else if (pidfd >= 0) {
			timeout_ms = -1;
		}
		if (poll(pf, (nfds_t)npf, timeout_ms) < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		for (i = 0; i < npf; i++) {
			char chunk[65536];
			ssize_t n;

			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (pf[i].fd == pidfd)
				continue;
			n = read(pf[i].fd, chunk, sizeof(chunk));
			if (n <= 0) {
				if (n < 0 && errno == EINTR)
					continue;
				if (pf[i].fd == outp[0])
					out_open = 0;
				else
					err_open = 0;
				continue;
			}
			if (pf[i].fd == outp[0]) {
				if (out.len + (size_t)n > max_out) {
					if (!killed) {
						tl__os.kill(-pid, SIGKILL);
						killed = 2;
					}
					continue;
				}
				tl_buf_append(&out, chunk, (size_t)n);
			} else {
				tail_append(res->err_tail,
					    sizeof(res->err_tail), chunk,
					    (size_t)n);
			}
		}
		/* Reap without blocking; the pidfd (or the tick) wakes us. */
		if (tl__os.wait4(pid, &status, WNOHANG, &res->ru) == pid) {
			res->wall_ns = tl__os.now_ns() - t0;
			reaped = 1;
			break;
		}
		now = tl__os.now_ns();
		if (deadline && now >= deadline && !killed) {
			tl__os.kill(-pid, SIGKILL);
			killed = 1;
		}
	}
	if (!reaped) {
		tl__os.kill(-pid, SIGKILL);
		tl__os.wait4(pid, &status, 0, &res->ru);
		res->wall_ns = tl__os.now_ns() - t0;
	}
	/*
	 * Grandchildren may still hold the pipes; take what is there, then
	 * end the group so nothing outlives its measurement.
	 */
	tl__os.kill(-pid, SIGKILL);
	if (!spec->discard_stdout) {
		char chunk[65536];
		ssize_t n;

		fcntl(outp[0], F_SETFL, O_NONBLOCK);
		while (out_open &&
		       (n = read(outp[0], chunk, sizeof(chunk))) > 0 &&
		       out.len + (size_t)n <= max_out)
			tl_buf_append(&out, chunk, (size_t)n);
	}

	if (reportp[0] >= 0 && !killed && take_report(reportp[0], res) == 0) {
		/* The launcher's report is the workload's own. */
	} else if (exec_n == 1) {
		res->end = TL_PROC_SPAWN_FAIL;
		res->spawn_errno = (unsigned char)ebyte;
	} else if (killed == 1) {
		res->end = TL_PROC_TIMEOUT;
	} else if (killed == 2) {
		res->end = TL_PROC_TOO_MUCH;
	} else if (WIFSIGNALED(status)) {
		res->signo = WTERMSIG(status);
		res->end =
			res->signo == SIGKILL ? TL_PROC_OOM : TL_PROC_SIGNALED;
	} else {
		res->end = TL_PROC_EXITED;
		res->exit_code = WEXITSTATUS(status);
	}
	res->out = out.s ? out.s : xstrdup("");
	res->out_len = out.len;
	out.s = NULL;

out_close:
	tl_buf_release(&out);
	if (pidfd >= 0)
		close(pidfd);
	close_pair(outp);
	close_pair(errp);
	close_pair(gop);
	close_pair(execp);
	close_pair(reportp);
	return err;
}

void tl_proc_result_release(struct tl_proc_result *res)
{
	FREE_AND_NULL(res->out);
	res->out_len = 0;
}

void tl_proc_describe(const struct tl_proc_result *res, char *buf, size_t n)
{
	switch (res->end) {
	case TL_PROC_EXITED:
		snprintf(buf, n, "exited with status %d", res->exit_code);
		break;
	case TL_PROC_SIGNALED:
		snprintf(buf, n, "killed by signal %d (%s)", res->signo,
			 strsignal(res->signo));
		break;
	case TL_PROC_TIMEOUT:
		snprintf(buf, n, "timed out and was killed after %.1f s",
			 (double)res->wall_ns / 1e9);
		break;
	case TL_PROC_OOM:
		snprintf(buf, n,
			 "killed by SIGKILL, not sent by traplab (the "
			 "out-of-memory killer?)");
		break;
	case TL_PROC_TOO_MUCH:
		snprintf(buf, n, "printed too much on stdout and was killed");
		break;
	case TL_PROC_SPAWN_FAIL:
		snprintf(buf, n, "could not be started: %s",
			 strerror(res->spawn_errno));
		break;
	}
}
