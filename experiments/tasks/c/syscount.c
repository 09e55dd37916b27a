/*
 * syscount.c - ptrace-based syscall counting (see syscount.h).
 *
 * The child: PTRACE_TRACEME, raise(SIGSTOP), run, _exit. The parent:
 * PTRACE_SYSCALL until exit; with PTRACE_O_TRACESYSGOOD a syscall stop is
 * SIGTRAP|0x80, and stops alternate entry/exit, so every other one is an
 * entry whose number is in orig_rax.
 */
#include "syscount.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static int count_once(syscount_fn *fn, void *ctx, uint64_t n, long nr,
		      uint64_t *all, uint64_t *only)
{
	int status, entering = 1, err = 0;
	pid_t pid;

	*all = *only = 0;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0)
			_exit(100);
		raise(SIGSTOP);
		fn(ctx, n);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	if (WIFEXITED(status))
		return -EPERM; /* PTRACE_TRACEME refused */
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)PTRACE_O_TRACESYSGOOD) != 0) {
		err = -errno;
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return err;
	}
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, NULL) != 0)
			return -errno;
		if (waitpid(pid, &status, 0) != pid)
			return -errno;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (WIFSTOPPED(status) &&
		    WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			if (entering) {
				struct user_regs_struct regs;

				if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) ==
				    0) {
					(*all)++;
					*only += (long)regs.orig_rax == nr;
				}
			}
			entering = !entering;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -ECHILD;
	return 0;
}

int syscount_per_n(syscount_fn *fn, void *ctx, uint64_t n1, uint64_t n2,
		   long nr, double *all_per_n, double *nr_per_n)
{
	uint64_t a1, o1, a2, o2;
	int err;

	err = count_once(fn, ctx, n1, nr, &a1, &o1);
	if (!err)
		err = count_once(fn, ctx, n2, nr, &a2, &o2);
	if (err)
		return err;
	*all_per_n = ((double)a2 - (double)a1) / (double)(n2 - n1);
	*nr_per_n = ((double)o2 - (double)o1) / (double)(n2 - n1);
	return 0;
}
