/*
 * panic.h - panic and recover through setjmp/longjmp.
 *
 * The C model of Go's panic/recover: tl_panic() jumps to the innermost
 * recovery frame of the calling thread, running on the way the deferred
 * calls (lib/deferchain.h) that the frames in between pushed, and the
 * frame's owner reads the value (recover). Entering a frame costs a
 * setjmp (glibc's saves the callee-saved registers, not the signal mask);
 * the success path is otherwise free; the failure path costs a longjmp.
 *
 * Use:
 *
 *     struct tl_panic_frame f;
 *
 *     tl_panic_enter(&f, chain, tl_defer_frame(chain));   (chain may be NULL)
 *     if (setjmp(f.jb) == 0) {
 *             work();                         may call tl_panic(value)
 *             tl_panic_leave(&f);
 *     } else {
 *             value = tl_panic_value(&f);     recovered; f already left
 *     }
 *
 * setjmp must be called by the frame's owner itself (hence no wrapper
 * function), and locals it changes between setjmp and the jump must be
 * volatile (C11 7.13.2.1).
 *
 * Thread-safe in the sense that each thread has its own frame stack
 * (thread-local); a panic never crosses threads.
 */
#ifndef TL_PANIC_H
#define TL_PANIC_H

#include <setjmp.h>

#include "deferchain.h"

/* Placed by the caller on its own stack; fields other than jb are private. */
struct tl_panic_frame {
	jmp_buf jb;		       /* the caller's setjmp target */
	struct tl_panic_frame *prev;   /* private: enclosing frame */
	struct tl_defer_chain *defers; /* private: chain to unwind, or NULL */
	tl_defer_mark mark;	       /* private: chain top at entry */
	const void *value;	       /* private: the panic value */
};

/*
 * Pushes frame f on this thread's frame stack. When `defers` is not NULL,
 * a panic caught by f first runs the calls deferred on it since `mark`.
 * Borrows f and defers until tl_panic_leave() or the panic that lands
 * in f.
 */
void tl_panic_enter(struct tl_panic_frame *f, struct tl_defer_chain *defers,
		    tl_defer_mark mark);

/*
 * Pops f, which must be the innermost frame (asserted), after the guarded
 * work returned normally.
 */
void tl_panic_leave(struct tl_panic_frame *f);

/*
 * Panics with `value` (borrowed; must outlive the recovery): pops the
 * innermost frame, runs its deferred calls, and longjmps to its setjmp,
 * which then returns 1. With no frame, prints "panic" to stderr and
 * aborts (Go's unrecovered panic). Never returns.
 */
_Noreturn void tl_panic(const void *value);

/* The value the panic that landed in f carried (Go's recover()). */
const void *tl_panic_value(const struct tl_panic_frame *f);

/* Frames currently entered on this thread. */
int tl_panic_depth(void);

#endif
