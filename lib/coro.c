/*
 * coro.c - stackful coroutines: stacks, first frames and sanitizer hooks.
 *
 * The switch itself is 20 instructions of assembly (lib/arch/
 * coro_x86_64.S); this file maps the stacks and builds the first frame a
 * new coroutine "returns" into. Invariants: co->sp is valid whenever the
 * coroutine is not running; co->back_sp is valid while it is running; a
 * finished coroutine is never switched to again.
 *
 * The first frame mirrors what tl__coro_switch pops (see the .S file):
 * control words, r15 r14 r13 r12 rbx rbp, return address. r12 carries co,
 * r13 the C entry point, and the return address is the trampoline.
 */
#include "coro.h"
#include "stack.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#if !defined(__x86_64__)
#error "lib/coro.c: only x86-64 has a context switch (lib/arch/coro_x86_64.S)"
#endif

#if defined(__SANITIZE_THREAD__)
#define TL_CORO_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TL_CORO_TSAN 1
#endif
#endif

#ifdef TL_CORO_TSAN
#include <sanitizer/tsan_interface.h>
#endif

/* From lib/arch/coro_x86_64.S. */
void tl__coro_switch(void **save_sp, void *load_sp);
void tl__coro_trampoline(void);

/* Called by the trampoline on the coroutine's own stack; never returns. */
void tl__coro_entry(struct tl_coro *co);

void tl__coro_entry(struct tl_coro *co)
{
	tl_stack_switch_finish(NULL, &co->back_lo, &co->back_bytes);
	co->fn(co, co->arg);
	co->done = 1;
	/* NULL: this stack is left for good, so ASan drops its fake stack. */
	tl_stack_switch_start(NULL, co->back_lo, co->back_bytes);
#ifdef TL_CORO_TSAN
	__tsan_switch_to_fiber(co->tsan_back, 0);
#endif
	tl__coro_switch(&co->sp, co->back_sp);
	__builtin_unreachable();
}

int tl_coro_init(struct tl_coro *co, size_t stack_bytes, unsigned flags,
		 tl_coro_fn *fn, void *arg)
{
	struct tl_stack st;
	uint32_t mxcsr;
	uint16_t fpucw;
	uint64_t *frame;
	int err;

	memset(co, 0, sizeof(*co));
	if (!fn)
		return -EINVAL;
	if (stack_bytes == 0)
		stack_bytes = TL_CORO_STACK_DEFAULT;
	err = tl_stack_map(&st, stack_bytes, !(flags & TL_CORO_NO_GUARD));
	if (err)
		return err;
	co->map = st.map;
	co->map_bytes = st.map_bytes;
	co->stack_lo = st.lo;
	co->stack_bytes = st.bytes;
	co->fn = fn;
	co->arg = arg;

	/* The new context starts with the creator's floating-point modes. */
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	__asm__ volatile("fnstcw %0" : "=m"(fpucw));
	frame = (uint64_t *)((char *)st.lo + st.bytes) - 8;
	frame[0] = (uint64_t)mxcsr | (uint64_t)fpucw << 32;
	frame[1] = 0;					/* r15 */
	frame[2] = 0;					/* r14 */
	frame[3] = (uint64_t)(uintptr_t)tl__coro_entry; /* r13 */
	frame[4] = (uint64_t)(uintptr_t)co;		/* r12 */
	frame[5] = 0;					/* rbx */
	frame[6] = 0;					/* rbp */
	frame[7] = (uint64_t)(uintptr_t)tl__coro_trampoline;
	co->sp = frame;
#ifdef TL_CORO_TSAN
	co->tsan_fiber = __tsan_create_fiber(0);
#endif
	return 0;
}

void tl_coro_release(struct tl_coro *co)
{
	if (!co || !co->map)
		return;
	assert(!co->running);
#ifdef TL_CORO_TSAN
	if (co->tsan_fiber)
		__tsan_destroy_fiber(co->tsan_fiber);
#endif
	munmap(co->map, co->map_bytes); /* mapped by tl_stack_map */
	memset(co, 0, sizeof(*co));
}

int tl_coro_resume(struct tl_coro *co)
{
	void *fake = NULL;

	assert(co->map && !co->done && !co->running);
	co->running = 1;
#ifdef TL_CORO_TSAN
	co->tsan_back = __tsan_get_current_fiber();
	__tsan_switch_to_fiber(co->tsan_fiber, 0);
#endif
	tl_stack_switch_start(&fake, co->stack_lo, co->stack_bytes);
	tl__coro_switch(&co->back_sp, co->sp);
	tl_stack_switch_finish(fake, NULL, NULL);
	co->running = 0;
	return !co->done;
}

void tl_coro_yield(struct tl_coro *co)
{
	assert(co->running);
#ifdef TL_CORO_TSAN
	__tsan_switch_to_fiber(co->tsan_back, 0);
#endif
	tl_stack_switch_start(&co->asan_fake, co->back_lo, co->back_bytes);
	tl__coro_switch(&co->sp, co->back_sp);
	tl_stack_switch_finish(co->asan_fake, &co->back_lo, &co->back_bytes);
}

int tl_coro_is_done(const struct tl_coro *co)
{
	return co->done;
}

size_t tl_coro_stack_bytes(const struct tl_coro *co)
{
	return co->stack_bytes;
}
