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

#include "base/contain.h"
#include "base/os.h"
#include "base/util.h"

#include "base/banned.h"

extern char **environ;

#define DEFAULT_MAX_OUT (64u << 20)

/*
 * Process groups being run, for the signal handler. Slots are claimed and
 * freed with compare-and-swap (seq_cst: the handler, on any thread, must
 * see a group as soon as its process exists).
 */
#define MAX_ACTIVE 64
static pid_t active[MAX_ACTIVE];
static volatile sig_atomic_t interrupted;
static unsigned contain_seq;

void tl_proc_interrupt(int signo)
{
	int saved = errno;

	interrupted = signo;
	for (int i = 0; i < MAX_ACTIVE; i++) {
		pid_t p = __atomic_load_n(&active[i], __ATOMIC_SEQ_CST);

		if (p > 0)
			kill(-p, SIGKILL);
	}
	errno = saved;
}

int tl_proc_interrupted(void)
{
	return interrupted;
}

static int track(pid_t pid)
{
	for (int i = 0; i < MAX_ACTIVE; i++) {
		pid_t zero = 0;

		if (__atomic_compare_exchange_n(&active[i], &zero, pid, 0,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return i;
	}
	return -1;
}

static void untrack(int slot)
{
	if (slot >= 0)
		__atomic_store_n(&active[slot], 0, __ATOMIC_SEQ_CST);
}

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
static char **build_env(const char *const *extra, char *token, char *cgroup)
{
	size_t n = 0, m = 0, i, j, k = 0;
	char **env;

	while (environ[n])
		n++;
	while (extra && extra[m])
		m++;
	env = xcalloc(n + m + 3, sizeof(*env));
	for (i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t klen =
			eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
		int replaced = 0;

		for (j = 0; j < m; j++)
			if (strncmp(extra[j], environ[i], klen) == 0 &&
			    extra[j][klen] == '=')
				replaced = 1;
		if (!strncmp(environ[i], "TL_CONTAIN=", 11) ||
		    !strncmp(environ[i], "TL_CGROUP=", 10))
			replaced = 1; /* traplab run from a workload */
		if (!replaced)
			env[k++] = environ[i];
	}
	for (j = 0; j < m; j++)
		env[k++] = (char *)extra[j];
	env[k++] = token;
	if (cgroup)
		env[k++] = cgroup;
	env[k] = NULL;
	return env;
}

/*
 * In the forked child: joins the leaf named by TL_CGROUP in envp, with
 * async-signal-safe calls only.
 */
static void join_cgroup(char **envp)
{
	char p[4400];
	size_t n;
	int fd;

	for (; *envp; envp++) {
		if (strncmp(*envp, "TL_CGROUP=", 10))
			continue;
		n = strlen(*envp + 10);
		if (n + 14 > sizeof(p))
			return;
		memcpy(p, *envp + 10, n);
		memcpy(p + n, "/cgroup.procs", 14);
		fd = open(p, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, "0", 1) < 0)
				(void)0; /* the token still finds them */
			close(fd);
		}
		return;
	}
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
	join_cgroup(envp);
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
		if (spec->starts > 0) {
			tl_strv_push(&argv, "-n");
			tl_strv_push_owned(&argv,
					   xasprintf("%d", spec->starts));
			if (spec->evict)
				tl_strv_push(&argv, "-e");
			if (spec->start_timeout_s > 0) {
				tl_strv_push(&argv, "-t");
				tl_strv_push_owned(
					&argv,
					xasprintf("%d", spec->start_timeout_s));
			}
		}
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

/* One "exit ..." line of the launcher into st; 0 or -EINVAL. */
static int parse_exit(const char *line, struct tl_proc_start *st)
{
	long long wall, maxrss, minflt, majflt, nvcsw, nivcsw, ut, sy;
	int status, leaked = 0;

	if (sscanf(line, "exit %d %lld %lld %lld %lld %lld %lld %lld %lld %d",
		   &status, &wall, &maxrss, &minflt, &majflt, &nvcsw, &nivcsw,
		   &ut, &sy, &leaked) < 9)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	st->status = status;
	st->leaked = leaked;
	st->wall_ns = (uint64_t)wall;
	st->ru.ru_maxrss = (long)maxrss;
	st->ru.ru_minflt = (long)minflt;
	st->ru.ru_majflt = (long)majflt;
	st->ru.ru_nvcsw = (long)nvcsw;
	st->ru.ru_nivcsw = (long)nivcsw;
	st->ru.ru_utime.tv_sec = (time_t)(ut / 1000000);
	st->ru.ru_utime.tv_usec = (suseconds_t)(ut % 1000000);
	st->ru.ru_stime.tv_sec = (time_t)(sy / 1000000);
	st->ru.ru_stime.tv_usec = (suseconds_t)(sy % 1000000);
	return 0;
}

void tl_proc_set_end(int status, struct tl_proc_result *res)
{
	if (WIFSIGNALED(status)) {
		res->signo = WTERMSIG(status);
		res->end =
			res->signo == SIGKILL ? TL_PROC_OOM : TL_PROC_SIGNALED;
	} else {
		res->end = TL_PROC_EXITED;
		res->exit_code = WEXITSTATUS(status);
	}
}

/*
 * Takes the launcher's report: the workload's own end, wall time and
 * rusage replace the launcher's; a batch's starts go to res->starts (the
 * last one's end is res's). Returns 0, or -EINVAL when there was no
 * report (the launcher was killed: a timeout, or it died).
 */
static int take_report(int report_r, int batch, struct tl_proc_result *res)
{
	struct tl_buf b = TL_BUF_INIT;
	struct tl_proc_start st;
	char chunk[4096], *line, *save = NULL;
	long long wall;
	ssize_t n;
	int e, got = 0;

	while ((n = read(report_r, chunk, sizeof(chunk))) > 0 ||
	       (n < 0 && errno == EINTR))
		if (n > 0)
			tl_buf_append(&b, chunk, (size_t)n);
	for (line = b.s ? strtok_r(b.s, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "timeout %lld", &wall) == 1) {
			res->end = TL_PROC_TIMEOUT;
			res->wall_ns = (uint64_t)wall;
			got = 1;
			break;
		}
		if (sscanf(line, "spawnfail %d", &e) == 1) {
			res->end = TL_PROC_SPAWN_FAIL;
			res->spawn_errno = e;
			got = 1;
			break;
		}
		if (parse_exit(line, &st))
			continue;
		if (batch) {
			res->starts = xrealloc(res->starts,
					       (res->nstarts + 1) *
						       sizeof(*res->starts));
			res->starts[res->nstarts++] = st;
		}
		res->wall_ns = st.wall_ns;
		res->ru = st.ru;
		res->leaked += st.leaked;
		tl_proc_set_end(st.status, res);
		got = 1;
	}
	tl_buf_release(&b);
	return got ? 0 : -EINVAL;
}

/* One tl_proc_run call: its pipes, its child and what was read. */
struct run {
	const struct tl_proc_spec *spec;
	struct tl_proc_result *res;
	int outp[2], errp[2], gop[2], execp[2], reportp[2];
	int pidfd, status, out_open, err_open;
	int killed; /* 1: at the deadline, 2: too much output, 3: a signal */
	int slot;   /* in active[], or -1 */
	size_t max_out;
	struct tl_buf out;
	uint64_t t0, deadline;
	ssize_t exec_n; /* 1: the exec failed, ebyte holds its errno */
	char ebyte;
	pid_t pid;
};

/*
 * Starts the child with posix_spawn (through the launcher when there is
 * one). Returns 0 when it runs, 1 when it could not start (res says so,
 * and the call is over), never an error.
 */
static int start_spawned(struct run *r, const char *path, char **envp)
{
	int err;

	if (tl_proc_launcher() && pipe2(r->reportp, O_CLOEXEC) == 0) {
		/* Keep it off fd 3, where the launcher wants it. */
		int hi = fcntl(r->reportp[1], F_DUPFD_CLOEXEC, 10);

		close(r->reportp[1]);
		r->reportp[1] = hi;
	}
	err = spawn(r->spec, path, envp, r->outp[1], r->errp[1], r->reportp[1],
		    &r->pid, &r->t0);
	if (err) {
		r->res->end = TL_PROC_SPAWN_FAIL;
		r->res->spawn_errno = -err;
		r->res->out = xstrdup("");
		return 1;
	}
	close(r->outp[1]);
	close(r->errp[1]);
	if (r->reportp[1] >= 0)
		close(r->reportp[1]);
	r->outp[1] = r->errp[1] = r->reportp[1] = -1;
	r->slot = track(r->pid);
	r->pidfd = open_pidfd(r->pid);
	return 0;
}

/*
 * Forks the child, lets spec->on_spawn attach to it, then releases it to
 * exec and learns whether the exec failed. Returns 0, or -errno when fork
 * failed (res says so).
 */
static int start_forked(struct run *r, const char *path, char **envp)
{
	const struct tl_proc_spec *spec = r->spec;
	int err;

	r->pid = tl__os.fork();
	if (r->pid < 0) {
		err = -errno;
		r->res->end = TL_PROC_SPAWN_FAIL;
		r->res->spawn_errno = errno;
		return err;
	}
	if (r->pid == 0)
		child(spec, path, envp, r->outp[1], r->errp[1], r->gop[0],
		      r->gop[1], r->execp[1]);
	setpgid(r->pid, r->pid);
	r->slot = track(r->pid);
	close(r->outp[1]);
	close(r->errp[1]);
	close(r->gop[0]);
	close(r->execp[1]);
	r->outp[1] = r->errp[1] = r->gop[0] = r->execp[1] = -1;
	if (spec->on_spawn && spec->on_spawn(r->pid, spec->on_spawn_ctx))
		tail_append(r->res->err_tail, sizeof(r->res->err_tail),
			    "traplab: counter attach failed\n", 31);
	r->pidfd = open_pidfd(r->pid);
	/*
	 * The clock starts as the child is released to exec: this path
	 * (counters, pinning) counts the teardown of the forked copy, which
	 * the in-process figures never see.
	 */
	r->t0 = tl__os.now_ns();
	close(r->gop[1]);
	r->gop[1] = -1;
	while ((r->exec_n = read(r->execp[0], &r->ebyte, 1)) < 0 &&
	       errno == EINTR)
		;
	return 0;
}

/* Reads what poll found ready on stdout and stderr. */
static void read_ready(struct run *r, const struct pollfd *pf, int npf)
{
	for (int i = 0; i < npf; i++) {
		char chunk[65536];
		ssize_t n;

		if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (pf[i].fd == r->pidfd)
			continue;
		n = read(pf[i].fd, chunk, sizeof(chunk));
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (pf[i].fd == r->outp[0])
				r->out_open = 0;
			else
				r->err_open = 0;
			continue;
		}
		if (pf[i].fd != r->outp[0]) {
			tail_append(r->res->err_tail, sizeof(r->res->err_tail),
				    chunk, (size_t)n);
		} else if (r->out.len + (size_t)n > r->max_out) {
			if (!r->killed) {
				tl__os.kill(-r->pid, SIGKILL);
				r->killed = 2;
			}
		} else {
			tl_buf_append(&r->out, chunk, (size_t)n);
		}
	}
}

/*
 * Collects the child's output until it is reaped, killing its group at
 * the deadline. Returns 1 when reaped, 0 when poll failed first (*err).
 */
static int pump(struct run *r, int *err)
{
	for (;;) {
		struct pollfd pf[3];
		int npf = 0, timeout_ms = 50;
		uint64_t now;

		if (r->out_open)
			pf[npf++] = (struct pollfd){r->outp[0], POLLIN, 0};
		if (r->err_open)
			pf[npf++] = (struct pollfd){r->errp[0], POLLIN, 0};
		if (r->pidfd >= 0)
			pf[npf++] = (struct pollfd){r->pidfd, POLLIN, 0};
		if (r->pidfd >= 0 && r->deadline) {
			now = tl__os.now_ns();
			timeout_ms =
				now >= r->deadline
					? 0
					: (int)((r->deadline - now) / 1000000 +
						1);
		} else if (r->pidfd >= 0) {
			timeout_ms = -1;
		}
		if (poll(pf, (nfds_t)npf, timeout_ms) < 0 && errno != EINTR) {
			*err = -errno;
			return 0;
		}
		read_ready(r, pf, npf);
		/* Reap without blocking; the pidfd (or the tick) wakes us. */
		if (tl__os.wait4(r->pid, &r->status, WNOHANG, &r->res->ru) ==
		    r->pid) {
			r->res->wall_ns = tl__os.now_ns() - r->t0;
			return 1;
		}
		now = tl__os.now_ns();
		if (r->deadline && now >= r->deadline && !r->killed) {
			tl__os.kill(-r->pid, SIGKILL);
			r->killed = 1;
		}
		/* A signal may have come before the slot was taken. */
		if (interrupted && r->killed != 3) {
			tl__os.kill(-r->pid, SIGKILL);
			r->killed = 3;
		}
	}
}

/* How the process ended, from the launcher's report or our own wait. */
static void classify(struct run *r)
{
	struct tl_proc_result *res = r->res;

	if (r->reportp[0] >= 0 && !r->killed &&
	    take_report(r->reportp[0], r->spec->starts > 0, res) == 0) {
		/* The launcher's report is the workload's own. */
	} else if (r->exec_n == 1) {
		res->end = TL_PROC_SPAWN_FAIL;
		res->spawn_errno = (unsigned char)r->ebyte;
	} else if (r->killed == 1) {
		res->end = TL_PROC_TIMEOUT;
	} else if (r->killed == 2) {
		res->end = TL_PROC_TOO_MUCH;
	} else if (r->killed == 3) {
		res->end = TL_PROC_INTERRUPTED;
	} else {
		tl_proc_set_end(r->status, res);
	}
}

int tl_proc_run(const struct tl_proc_spec *spec, struct tl_proc_result *res)
{
	struct run r = {
		.spec = spec,
		.res = res,
		.outp = {-1, -1},
		.errp = {-1, -1},
		.gop = {-1, -1},
		.execp = {-1, -1},
		.reportp = {-1, -1},
		.pidfd = -1,
		.max_out = spec->max_out_bytes ? spec->max_out_bytes
					       : DEFAULT_MAX_OUT,
		.out = TL_BUF_INIT,
	};
	char *path, **envp, token[64], leaf[4200], cgenv[4300];
	int err = 0, started, ncg;
	unsigned seq;

	memset(res, 0, sizeof(*res));
	r.slot = -1;
	if (spec->starts > 0 && (!tl_proc_launcher() || spec->on_spawn ||
				 spec->starts > TL_PROC_MAX_STARTS))
		return -ENOTSUP;
	if (interrupted) {
		res->end = TL_PROC_INTERRUPTED;
		res->out = xstrdup("");
		return 0;
	}
	tl_contain_subreaper();
	seq = __atomic_add_fetch(&contain_seq, 1, __ATOMIC_SEQ_CST);
	snprintf(token, sizeof(token), "TL_CONTAIN=%ld.%u", (long)getpid(),
		 seq);
	if (tl_contain_leaf(leaf, sizeof(leaf), seq) == 0)
		snprintf(cgenv, sizeof(cgenv), "TL_CGROUP=%s", leaf);
	if (pipe2(r.outp, O_CLOEXEC) < 0 || pipe2(r.errp, O_CLOEXEC) < 0 ||
	    pipe2(r.gop, O_CLOEXEC) < 0 || pipe2(r.execp, O_CLOEXEC) < 0) {
		err = -errno;
		goto out_close;
	}
	path = resolve(spec->argv[0]);
	envp = build_env(spec->env, token, leaf[0] ? cgenv : NULL);
	/*
	 * Nothing to do between fork and exec: posix_spawn (vfork semantics)
	 * copies no page tables, so the wall time is the workload's own
	 * start-up, not the teardown of a copy of traplab.
	 */
	if (!spec->on_spawn && (spec->pin_cpu < 0 || tl_proc_launcher()))
		started = start_spawned(&r, path, envp);
	else
		started = err = start_forked(&r, path, envp);
	free(path);
	free(envp);
	if (started) /* could not start; res says why */
		goto out_close;
	if (spec->timeout_s > 0)
		r.deadline = r.t0 + (uint64_t)(spec->timeout_s * 1e9);

	r.out_open = r.err_open = 1;
	if (!pump(&r, &err)) {
		tl__os.kill(-r.pid, SIGKILL);
		tl__os.wait4(r.pid, &r.status, 0, &res->ru);
		res->wall_ns = tl__os.now_ns() - r.t0;
	}
	if (interrupted && !r.killed)
		r.killed = 3; /* the handler's SIGKILL, not the OOM killer */
	/*
	 * Grandchildren may still hold the pipes; take what is there, then
	 * end the group so nothing outlives its measurement.
	 */
	tl__os.kill(-r.pid, SIGKILL);
	untrack(r.slot);
	/* The leaf holds them all; the token finds those outside it. */
	ncg = leaf[0] ? tl_contain_drain(leaf, r.pid) : 0;
	leaf[0] = '\0';
	res->leaked = tl_contain_kill_escaped(token, r.pid);
	if (ncg > res->leaked)
		res->leaked = ncg;
	if (!spec->discard_stdout) {
		char chunk[65536];
		ssize_t n;

		fcntl(r.outp[0], F_SETFL, O_NONBLOCK);
		while (r.out_open &&
		       (n = read(r.outp[0], chunk, sizeof(chunk))) > 0 &&
		       r.out.len + (size_t)n <= r.max_out)
			tl_buf_append(&r.out, chunk, (size_t)n);
	}
	classify(&r);
	res->out = r.out.s ? r.out.s : xstrdup("");
	res->out_len = r.out.len;
	r.out.s = NULL;

out_close:
	if (leaf[0]) /* never started */
		rmdir(leaf);
	tl_buf_release(&r.out);
	if (r.pidfd >= 0)
		close(r.pidfd);
	close_pair(r.outp);
	close_pair(r.errp);
	close_pair(r.gop);
	close_pair(r.execp);
	close_pair(r.reportp);
	return err;
}

void tl_proc_result_release(struct tl_proc_result *res)
{
	FREE_AND_NULL(res->out);
	res->out_len = 0;
	FREE_AND_NULL(res->starts);
	res->nstarts = 0;
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
	case TL_PROC_INTERRUPTED:
		snprintf(buf, n, "killed: traplab was interrupted (%s)",
			 strsignal(interrupted ? interrupted : SIGTERM));
		break;
	case TL_PROC_SPAWN_FAIL:
		snprintf(buf, n, "could not be started: %s",
			 strerror(res->spawn_errno));
		break;
	}
}
