/*
 * contain.h - containment of a workload's descendants, for proc.c.
 *
 * Each workload runs with a TL_CONTAIN=<traplab pid>.<seq> token in its
 * environment and, where cgroup v2 is writable, in a leaf cgroup of its
 * own; when it ends, whatever is left is killed and counted.
 */
#ifndef TL_CONTAIN_H
#define TL_CONTAIN_H

#include <stddef.h>
#include <sys/types.h>

/* Once per process: orphans of workloads are re-parented to us. */
void tl_contain_subreaper(void);

/* Makes the cgroup leaf for workload seq in leaf ("" when none); 0 or -errno.
 */
int tl_contain_leaf(char *leaf, size_t n, unsigned seq);

/* Kills what is left in leaf and removes it; how many were outside group. */
int tl_contain_drain(const char *leaf, pid_t group);

/* Kills every process carrying token; how many were outside group. */
int tl_contain_kill_escaped(const char *token, pid_t group);

/*
 * Kills the processes left by traplab runs that are gone (SIGKILL leaves
 * no chance to clean up): those whose TL_CONTAIN token names a dead
 * traplab, and their cgroup leaves. Returns how many. Not for a signal
 * handler.
 */
int tl_contain_kill_orphans(void);

#endif
