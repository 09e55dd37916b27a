/*
 * syscount.h - count the system calls a piece of code makes, with ptrace.
 *
 * A forked child stops itself, its parent traces it with PTRACE_SYSCALL
 * and counts syscall entries while the child runs fn(ctx, n). Two runs
 * (n1 and n2) are differenced so start-up and exit calls cancel out:
 * the result is calls per unit of n. Single-threaded code only (threads
 * would need PTRACE_O_TRACECLONE). Used outside timed batches.
 */
#ifndef TASKS_SYSCOUNT_H
#define TASKS_SYSCOUNT_H

#include <stdint.h>

typedef void syscount_fn(void *ctx, uint64_t n);

/*
 * Runs fn(ctx, n1) and fn(ctx, n2) in traced children. On success returns
 * 0 and sets *all_per_n (every syscall) and *nr_per_n (syscall number nr
 * only), both per unit of n. Returns -errno when ptrace or fork fails
 * (e.g. -EPERM in a restricted container).
 */
int syscount_per_n(syscount_fn *fn, void *ctx, uint64_t n1, uint64_t n2,
		   long nr, double *all_per_n, double *nr_per_n);

#endif
