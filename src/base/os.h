/*
 * os.h - the operating-system calls traplab makes, behind one table.
 *
 * fork, execve, posix_spawn, wait4, kill, perf_event_open and the clock go
 * through tl__os so that tests can inject failures (a refused counter, a
 * fork that fails, a clock that jumps) without a special build. Production
 * code calls tl__os.NAME(...); a test swaps a pointer and restores it.
 * OS-specific code (#ifdef __linux__) lives in os.c and nowhere else.
 */
#ifndef TL_OS_H
#define TL_OS_H

#include <spawn.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

struct perf_event_attr;

struct tl__os_ops {
	pid_t (*fork)(void);
	int (*execve)(const char *path, char *const argv[], char *const envp[]);
	/* Returns 0 or an error number, like posix_spawn(3). */
	int (*posix_spawn)(pid_t *pid, const char *path,
			   const posix_spawn_file_actions_t *fa,
			   const posix_spawnattr_t *attr, char *const argv[],
			   char *const envp[]);
	pid_t (*wait4)(pid_t pid, int *status, int options, struct rusage *ru);
	int (*kill)(pid_t pid, int sig);
	/* Returns an fd, or -1 with errno set, like the raw syscall. */
	long (*perf_event_open)(struct perf_event_attr *attr, pid_t pid,
				int cpu, int group_fd, unsigned long flags);
	/* CLOCK_MONOTONIC in nanoseconds. */
	uint64_t (*now_ns)(void);
};

/* The live table. Not thread-safe to modify; tests swap entries. */
extern struct tl__os_ops tl__os;

/* The table as it was at start-up, to restore after a test. */
extern const struct tl__os_ops tl__os_default;

/* CLOCK_MONOTONIC in nanoseconds (the default now_ns). */
uint64_t tl_os_now_ns(void);

/* Wall-clock seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ" into buf. */
void tl_os_utc_iso(char *buf, size_t n);

/* Pins the calling thread to one CPU; 0 or -errno. */
int tl_os_pin_cpu(int cpu);

/* Number of online CPUs (at least 1). */
int tl_os_ncpus(void);

#endif
