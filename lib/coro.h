/*
 * coro.h - stackful coroutines with a hand-written x86-64 context switch.
 *
 * A coroutine runs a function on its own mmap'd stack, with a PROT_NONE
 * guard page below it so an overflow faults instead of corrupting a
 * neighbour. tl_coro_resume() switches into it; tl_coro_yield() switches
 * back to whoever resumed it. A switch saves only the callee-saved
 * registers and the stack pointer (lib/arch/coro_x86_64.S): no system
 * call, no signal mask, which is what separates it from swapcontext()
 * (lib/ucoro.h).
 *
 * The stack is reserved, not committed: a parked coroutine costs the
 * pages it touched (usually one or two) plus its guard mapping. Note the
 * guard page splits the mapping in two, so every guarded coroutine uses
 * two entries of vm.max_map_count (65530 by default): at most ~32k guarded
 * coroutines per process. TL_CORO_NO_GUARD lifts that limit.
 *
 * Under AddressSanitizer the switches are announced with
 * __sanitizer_start/finish_switch_fiber, and under ThreadSanitizer with
 * __tsan_switch_to_fiber, so both sanitizers follow the stack changes.
 *
 * Thread safety: a coroutine may be resumed by any thread, but by one at
 * a time; the struct is not locked.
 */
#ifndef TL_CORO_H
#define TL_CORO_H

#include <stddef.h>

struct tl_coro;

/* The body of a coroutine. Returning from it finishes the coroutine. */
typedef void tl_coro_fn(struct tl_coro *co, void *arg);

/* Flags for tl_coro_init(). */
#define TL_CORO_NO_GUARD 1u /* no PROT_NONE page below the stack */

/* Default usable stack size; tl_coro_init() rounds any size up to pages. */
#define TL_CORO_STACK_DEFAULT (64u * 1024u)

/*
 * Exposed so callers can embed coroutines in arrays without a malloc each.
 * All fields are private.
 */
struct tl_coro {
	void *sp;      /* saved stack pointer while not running */
	void *back_sp; /* saved stack pointer of the resumer */
	void *map;     /* mmap base (the guard page, if any) */
	size_t map_bytes;
	void *stack_lo; /* lowest usable byte of the stack */
	size_t stack_bytes;
	tl_coro_fn *fn;
	void *arg;
	int done;
	int running;
	/* Sanitizer bookkeeping; unused in plain builds. */
	void *asan_fake;
	const void *back_lo;
	size_t back_bytes;
	void *tsan_fiber;
	void *tsan_back;
};

/*
 * Creates a coroutine that will run fn(co, arg) on its first resume. The
 * stack has stack_bytes usable bytes (0 means TL_CORO_STACK_DEFAULT),
 * rounded up to the page size. Returns 0, -EINVAL for a stack smaller
 * than one page of usable space, or -ENOMEM when mmap or mprotect fails
 * (out of memory or out of vm.max_map_count entries).
 */
int tl_coro_init(struct tl_coro *co, size_t stack_bytes, unsigned flags,
		 tl_coro_fn *fn, void *arg);

/*
 * Unmaps the stack. The coroutine must not be running; it need not have
 * finished (a parked coroutine is simply dropped, its stack frames are
 * not unwound). Accepts a zeroed struct.
 */
void tl_coro_release(struct tl_coro *co);

/*
 * Switches into co until it yields or finishes. Returns 1 when it
 * yielded (it can be resumed again), 0 when it has finished. Resuming a
 * finished or running coroutine is a programmer error (assert).
 */
int tl_coro_resume(struct tl_coro *co);

/* From inside co: switches back to the resumer. Returns when resumed. */
void tl_coro_yield(struct tl_coro *co);

/* 1 when the coroutine's function has returned. */
int tl_coro_is_done(const struct tl_coro *co);

/* Usable stack bytes after rounding. */
size_t tl_coro_stack_bytes(const struct tl_coro *co);

#endif
