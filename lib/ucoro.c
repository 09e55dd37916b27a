/*
 * ucoro.c - stackful coroutines on makecontext/swapcontext.
 *
 * makecontext() passes only int arguments to the entry function, so the
 * coroutine pointer travels as two 32-bit halves (the portable idiom; glibc
 * would pass a 64-bit value through, POSIX does not promise it). uc_link is
 * NULL: the entry function never returns, it swaps back for the last time.
 */
#include "ucoro.h"
#include "stack.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

static void entry(unsigned int hi, unsigned int lo)
{
	struct tl_ucoro *co =
		(struct tl_ucoro *)(uintptr_t)((uint64_t)hi << 32 | lo);

	tl_stack_switch_finish(NULL, &co->back_lo, &co->back_bytes);
	co->fn(co, co->arg);
	co->done = 1;
	/* NULL: this stack is left for good, so ASan drops its fake stack. */
	tl_stack_switch_start(NULL, co->back_lo, co->back_bytes);
	swapcontext(&co->ctx, &co->back);
	__builtin_unreachable();
}

/*
 * getcontext() returns twice as far as the compiler knows; calling it
 * here keeps that out of tl_ucoro_init's frame. The saved context is only
 * a template: makecontext() replaces its stack and entry point.
 */
__attribute__((noinline)) static int get_template(ucontext_t *uc)
{
	return getcontext(uc) != 0 ? -errno : 0;
}

int tl_ucoro_init(struct tl_ucoro *co, size_t stack_bytes, unsigned flags,
		  tl_ucoro_fn *fn, void *arg)
{
	struct tl_stack st;
	uint64_t self;
	int err;

	memset(co, 0, sizeof(*co));
	if (!fn)
		return -EINVAL;
	if (stack_bytes == 0)
		stack_bytes = 64u * 1024u;
	err = tl_stack_map(&st, stack_bytes, !(flags & TL_UCORO_NO_GUARD));
	if (err)
		return err;
	err = get_template(&co->ctx);
	if (err)
		goto err_unmap;
	co->map = st.map;
	co->map_bytes = st.map_bytes;
	co->stack_lo = st.lo;
	co->stack_bytes = st.bytes;
	co->fn = fn;
	co->arg = arg;
	co->ctx.uc_stack.ss_sp = co->stack_lo;
	co->ctx.uc_stack.ss_size = co->stack_bytes;
	co->ctx.uc_link = NULL;
	self = (uint64_t)(uintptr_t)co;
	makecontext(&co->ctx, (void (*)(void))entry, 2,
		    (unsigned int)(self >> 32), (unsigned int)self);
	return 0;

err_unmap:
	tl_stack_unmap(&st);
	memset(co, 0, sizeof(*co));
	return err;
}

void tl_ucoro_release(struct tl_ucoro *co)
{
	if (!co || !co->map)
		return;
	assert(!co->running);
	munmap(co->map, co->map_bytes); /* mapped by tl_stack_map */
	memset(co, 0, sizeof(*co));
}

int tl_ucoro_resume(struct tl_ucoro *co)
{
	void *fake = NULL;

	assert(co->map && !co->done && !co->running);
	co->running = 1;
	tl_stack_switch_start(&fake, co->stack_lo, co->stack_bytes);
	swapcontext(&co->back, &co->ctx);
	tl_stack_switch_finish(fake, NULL, NULL);
	co->running = 0;
	return !co->done;
}

void tl_ucoro_yield(struct tl_ucoro *co)
{
	assert(co->running);
	tl_stack_switch_start(&co->asan_fake, co->back_lo, co->back_bytes);
	swapcontext(&co->ctx, &co->back);
	tl_stack_switch_finish(co->asan_fake, &co->back_lo, &co->back_bytes);
}

int tl_ucoro_is_done(const struct tl_ucoro *co)
{
	return co->done;
}
