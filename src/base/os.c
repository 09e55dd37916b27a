/*
 * os.c - Linux implementations of the calls in os.h.
 *
 * perf_event_open has no glibc wrapper; it is called through syscall(2).
 */
#include "base/os.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

uint64_t tl_os_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static long sys_perf_event_open(struct perf_event_attr *attr, pid_t pid,
				int cpu, int group_fd, unsigned long flags)
{
	return syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}

static pid_t sys_fork(void)
{
	return fork();
}

#define TL__OS_DEFAULTS                                                        \
	{                                                                      \
		.fork = sys_fork, .execve = execve,                            \
		.posix_spawn = posix_spawn, .wait4 = wait4, .kill = kill,      \
		.perf_event_open = sys_perf_event_open,                        \
		.now_ns = tl_os_now_ns,                                        \
	}

const struct tl__os_ops tl__os_default = TL__OS_DEFAULTS;
struct tl__os_ops tl__os = TL__OS_DEFAULTS;

void tl_os_utc_iso(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int tl_os_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return -errno;
	return 0;
}

int tl_os_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}
