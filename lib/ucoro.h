/*
 * ucoro.h - stackful coroutines on ucontext (makecontext/swapcontext).
 *
 * The same contract as lib/coro.h, built on the libc's portable context
 * calls instead of our own assembly. The difference is the cost model:
 * glibc's swapcontext() saves and restores the signal mask, which is an
 * rt_sigprocmask system call on every switch (on x86-64 it also saves
 * the full floating-point environment). The tasks experiment counts those
 * system calls and shows the price beside the assembly switch.
 *
 * Stacks are mmap'd with a PROT_NONE guard page below them, like lib/coro.
 * Thread safety: one thread at a time per coroutine; nothing is locked.
 */
#ifndef TL_UCORO_H
#define TL_UCORO_H

#include <stddef.h>
#include <ucontext.h>

struct tl_ucoro;

/* The body of a coroutine. Returning from it finishes the coroutine. */
typedef void tl_ucoro_fn(struct tl_ucoro *co, void *arg);

/* Flags for tl_ucoro_init(). */
#define TL_UCORO_NO_GUARD 1u /* no PROT_NONE page below the stack */

/* Exposed so callers can embed coroutines in arrays; fields are private. */
struct tl_ucoro {
	ucontext_t ctx;	 /* the coroutine's context */
	ucontext_t back; /* the resumer's context */
	void *map;
	size_t map_bytes;
	void *stack_lo;
	size_t stack_bytes;
	tl_ucoro_fn *fn;
	void *arg;
	int done;
	int running;
	void *asan_fake; /* sanitizer bookkeeping, unused in plain builds */
	const void *back_lo;
	size_t back_bytes;
};

/*
 * Creates a coroutine that will run fn(co, arg) on its first resume, on a
 * stack of stack_bytes usable bytes (0: 64 KiB) rounded up to pages.
 * Returns 0, -EINVAL (fn NULL, absurd size), -ENOMEM (mmap/mprotect
 * failed) or the -errno of getcontext.
 */
int tl_ucoro_init(struct tl_ucoro *co, size_t stack_bytes, unsigned flags,
		  tl_ucoro_fn *fn, void *arg);

/* Unmaps the stack; co must not be running. Accepts a zeroed struct. */
void tl_ucoro_release(struct tl_ucoro *co);

/* Runs co until it yields (returns 1) or finishes (returns 0). */
int tl_ucoro_resume(struct tl_ucoro *co);

/* From inside co: back to the resumer; returns when resumed. */
void tl_ucoro_yield(struct tl_ucoro *co);

/* 1 when the coroutine's function has returned. */
int tl_ucoro_is_done(const struct tl_ucoro *co);

#endif
