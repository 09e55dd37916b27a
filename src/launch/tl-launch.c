/*
 * tl-launch.c - start a workload from a process too small to matter.
 *
 *     tl-launch FD CPU [-n STARTS] [-e] [-t SECONDS] PATH ARGV0 [ARG...]
 *
 * Linux records the peak RSS of a process's mm before exec into its
 * rusage, so a workload started straight from traplab (fork or vfork)
 * reports traplab's own resident set as its peak RSS, and a fork-started
 * one also pays for tearing down traplab's copy. This launcher is static
 * and small: it vforks, the child execs PATH, and the launcher times the
 * child with CLOCK_MONOTONIC from just before vfork to wait4, and writes
 * one line to FD per start:
 *
 *     exit STATUS WALL_NS MAXRSS_KB MINFLT MAJFLT NVCSW NIVCSW UTIME_US
 *          STIME_US LEAKED
 *     spawnfail ERRNO
 *     timeout WALL_NS
 *
 * -n STARTS starts the program that many times back to back (a start-up
 * measurement's batch), so that the starts of a batch share one launcher,
 * one cgroup leaf and one move into it: a leaf made and joined for every
 * start put about 10% on a static hello's 0.45 ms, and the gaps between
 * starts were traplab's (README, "Whole process"). -e evicts PATH from
 * the page cache before each start (cold starts). -t kills a start that
 * runs longer than SECONDS, reports it and ends the batch. LEAKED counts the
 * processes a start left in the leaf after it ended, which are killed
 * before the next start (0 without a leaf; traplab's own sweep after the
 * batch still finds those by their token).
 *
 * The floor it leaves in the child's peak RSS is its own (about 100 KiB),
 * which traplab measures and reports (env.launch_floor_rss_bytes).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/*
 * Drops path from the page cache, as runsched.c's evict() does for the
 * starts traplab makes itself: a copy, because the launcher includes
 * nothing of src/ (tests/tools/layers.py) and links nothing of libtl.
 */
static void evict(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	fdatasync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

/*
 * Enters the leaf by being born in it. A write to cgroup.procs moves a
 * process under the cgroup threadgroup lock, whose write side waits for an
 * RCU grace period: 10-20 ms in about half the moves on the development
 * VM, paid once per workload process. clone3 with CLONE_INTO_CGROUP
 * (Linux 5.7, cgroup v2) places a child there at birth without taking it.
 * The launcher forks itself into the leaf (a copy of a process this small
 * costs tens of microseconds, outside every timed start) and the parent
 * waits and ends as the child did. Returns 1 in the child, in the leaf;
 * 0 when clone3 or the leaf cannot be used (the caller writes
 * cgroup.procs instead); does not return in the parent.
 */
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
struct clone_args_v2 { /* struct clone_args as of Linux 5.7 */
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls, set_tid, set_tid_size, cgroup;
};

static int born_in_leaf(const char *leaf)
{
#ifdef SYS_clone3
	struct clone_args_v2 ca = {.flags = CLONE_INTO_CGROUP,
				   .exit_signal = SIGCHLD};
	int dfd = open(leaf, O_RDONLY | O_DIRECTORY | O_CLOEXEC), st;
	long pid;

	if (dfd < 0)
		return 0;
	ca.cgroup = (uint64_t)dfd;
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	close(dfd);
	if (pid < 0)
		return 0;
	if (pid == 0)
		return 1;
	while (waitpid((pid_t)pid, &st, 0) < 0)
		if (errno != EINTR)
			_exit(1);
	if (WIFSIGNALED(st)) {
		signal(WTERMSIG(st), SIG_DFL);
		raise(WTERMSIG(st));
	}
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
#else
	(void)leaf;
	return 0;
#endif
}

/* Moves the launcher into the leaf by its cgroup.procs; 1 when it did. */
static int join_leaf(const char *procs)
{
	int cg = open(procs, O_WRONLY | O_CLOEXEC), ok;

	if (cg < 0)
		return 0;
	ok = write(cg, "0", 1) == 1;
	close(cg);
	return ok;
}

static volatile pid_t running; /* the start in progress, for -t */
static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	if (running > 0)
		kill(running, SIGKILL);
	timed_out = 1;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Kills what a start left in the leaf besides the launcher; the count of
 * those that had left its process group (setsid, a double fork), as
 * traplab counts a single start's: what stayed in the group dies with it.
 * Waits (up to about 2 s) until they are gone, so the next start runs
 * alone.
 */
static int sweep_leaf(const char *procs)
{
	int escaped = 0;

	for (int pass = 0; procs && pass < 200; pass++) {
		char buf[8192];
		int fd = open(procs, O_RDONLY | O_CLOEXEC), others = 0;
		ssize_t n;

		if (fd < 0)
			return escaped;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return escaped;
		buf[n] = '\0';
		for (char *p = buf; *p;) {
			long pid = strtol(p, &p, 10);

			while (*p == '\n')
				p++;
			if (pid <= 0 || pid == (long)getpid())
				continue;
			others++;
			if (!pass && getpgid((pid_t)pid) != getpgrp())
				escaped++;
			kill((pid_t)pid, SIGKILL);
			/* our own children (not reaped yet) are reaped here */
			waitpid((pid_t)pid, NULL, WNOHANG);
		}
		if (!others)
			return escaped;
		usleep(10000);
	}
	return escaped;
}

int main(int argc, char **argv)
{
	char procs[4400], *leaf = getenv("TL_CGROUP");
	int fd, cpu, starts = 1, cold = 0, a = 3, limit = 0;

	if (argc < 5) {
		fputs("usage: tl-launch FD CPU [-n STARTS] [-e] [-t SECONDS] "
		      "PATH ARGV0 [ARG...]\n",
		      stderr);
		return 2;
	}
	fd = (int)strtol(argv[1], NULL, 10);
	cpu = (int)strtol(argv[2], NULL, 10);
	for (; a < argc - 1 && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "-n") && a + 1 < argc - 1)
			starts = (int)strtol(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "-e"))
			cold = 1;
		else if (!strcmp(argv[a], "-t") && a + 1 < argc - 1)
			limit = (int)strtol(argv[++a], NULL, 10);
		else
			break;
	}
	if (limit > 0) {
		struct sigaction sa = {.sa_handler = on_alarm};

		sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: wait4 wakes */
	}
	if (starts < 1 || argc - a < 2) {
		fputs("tl-launch: bad arguments\n", stderr);
		return 2;
	}
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0) {
			dprintf(fd, "spawnfail %d\n", errno);
			return 1;
		}
	}
	/*
	 * traplab's cgroup v2 leaf for this workload: joined before the
	 * clock starts, so every descendant is in it (see base/proc.c).
	 */
	if (leaf) {
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", leaf);
		if (!born_in_leaf(leaf) && !join_leaf(procs))
			leaf = NULL; /* traplab's token still finds them */
	}
	for (int s = 0; s < starts; s++) {
		volatile int exec_errno = 0;
		struct rusage ru;
		long long t0, t1;
		int status, leaked;
		pid_t pid;

		if (cold)
			evict(argv[a]);
		t0 = now_ns();
		pid = vfork();
		if (pid == 0) {
			close(fd);
			execve(argv[a], argv + a + 1, environ);
			exec_errno = errno; /* shared memory until _exit */
			_exit(127);
		}
		if (pid < 0) {
			dprintf(fd, "spawnfail %d\n", errno);
			return 1;
		}
		running = pid;
		if (limit > 0)
			alarm((unsigned)limit);
		while (wait4(pid, &status, 0, &ru) < 0)
			if (errno != EINTR) {
				dprintf(fd, "spawnfail %d\n", errno);
				return 1;
			}
		t1 = now_ns();
		alarm(0);
		running = 0;
		if (timed_out) {
			sweep_leaf(leaf ? procs : NULL);
			dprintf(fd, "timeout %lld\n", t1 - t0);
			return 0;
		}
		if (exec_errno) {
			dprintf(fd, "spawnfail %d\n", exec_errno);
			return 1;
		}
		leaked = leaf ? sweep_leaf(procs) : 0;
		dprintf(fd, "exit %d %lld %ld %ld %ld %ld %ld %lld %lld %d\n",
			status, t1 - t0, ru.ru_maxrss, ru.ru_minflt,
			ru.ru_majflt, ru.ru_nvcsw, ru.ru_nivcsw,
			(long long)ru.ru_utime.tv_sec * 1000000 +
				ru.ru_utime.tv_usec,
			(long long)ru.ru_stime.tv_sec * 1000000 +
				ru.ru_stime.tv_usec,
			leaked);
	}
	return 0;
}
