/*
 * tl-launch.c - start one workload from a process too small to matter.
 *
 *     tl-launch FD CPU PATH ARGV0 [ARG...]
 *
 * Linux records the peak RSS of a process's mm before exec into its
 * rusage, so a workload started straight from traplab (fork or vfork)
 * reports traplab's own resident set as its peak RSS, and a fork-started
 * one also pays for tearing down traplab's copy. This launcher is static
 * and small: it vforks, the child execs PATH, and the launcher times the
 * child with CLOCK_MONOTONIC from just before vfork to wait4, and writes
 * one line to FD:
 *
 *     exit STATUS WALL_NS MAXRSS_KB MINFLT MAJFLT NVCSW NIVCSW UTIME_US
 * STIME_US spawnfail ERRNO
 *
 * The floor it leaves in the child's peak RSS is its own (about 100 KiB),
 * which traplab measures and reports (env.launch_floor_rss_bytes).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	volatile int exec_errno = 0;
	struct rusage ru;
	long long t0, t1;
	int fd, cpu, status;
	pid_t pid;

	if (argc < 5) {
		fputs("usage: tl-launch FD CPU PATH ARGV0 [ARG...]\n", stderr);
		return 2;
	}
	fd = (int)strtol(argv[1], NULL, 10);
	cpu = (int)strtol(argv[2], NULL, 10);
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
	if (getenv("TL_CGROUP")) {
		char p[4400];
		int cg;

		snprintf(p, sizeof(p), "%s/cgroup.procs", getenv("TL_CGROUP"));
		cg = open(p, O_WRONLY | O_CLOEXEC);
		if (cg >= 0) {
			if (write(cg, "0", 1) < 0)
				(void)0; /* traplab's token still finds them */
			close(cg);
		}
	}
	t0 = now_ns();
	pid = vfork();
	if (pid == 0) {
		close(fd);
		execve(argv[3], argv + 4, environ);
		exec_errno = errno; /* shared memory until _exit (vfork) */
		_exit(127);
	}
	if (pid < 0) {
		dprintf(fd, "spawnfail %d\n", errno);
		return 1;
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			dprintf(fd, "spawnfail %d\n", errno);
			return 1;
		}
	t1 = now_ns();
	if (exec_errno) {
		dprintf(fd, "spawnfail %d\n", exec_errno);
		return 1;
	}
	dprintf(fd, "exit %d %lld %ld %ld %ld %ld %ld %lld %lld\n", status,
		t1 - t0, ru.ru_maxrss, ru.ru_minflt, ru.ru_majflt, ru.ru_nvcsw,
		ru.ru_nivcsw,
		(long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
		(long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec);
	return 0;
}
