/*
 * panic.c - panic and recover through setjmp/longjmp.
 *
 * The frame stack is a thread-local singly linked list through the
 * callers' own frames, so entering a frame allocates nothing. Invariant:
 * `top` is the innermost entered frame of this thread, and each frame's
 * prev is the one entered before it. A panic pops the frame before it
 * runs deferred calls, so a deferred call that panics again lands in the
 * next frame out, as in Go.
 */
#include "panic.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

static _Thread_local struct tl_panic_frame *top;

void tl_panic_enter(struct tl_panic_frame *f, struct tl_defer_chain *defers,
		    tl_defer_mark mark)
{
	f->prev = top;
	f->defers = defers;
	f->mark = mark;
	f->value = NULL;
	top = f;
}

void tl_panic_leave(struct tl_panic_frame *f)
{
	assert(top == f);
	top = f->prev;
}

_Noreturn void tl_panic(const void *value)
{
	struct tl_panic_frame *f = top;

	if (!f) {
		fputs("panic: no recovery frame\n", stderr);
		abort();
	}
	top = f->prev;
	f->value = value;
	if (f->defers)
		tl_defer_run(f->defers, f->mark);
	longjmp(f->jb, 1);
}

const void *tl_panic_value(const struct tl_panic_frame *f)
{
	return f->value;
}

int tl_panic_depth(void)
{
	const struct tl_panic_frame *f;
	int n = 0;

	for (f = top; f; f = f->prev)
		n++;
	return n;
}
