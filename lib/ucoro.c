/*
 * ucoro.c - stackful coroutines on makecontext/swapcontext.
 *
 * makecontext() passes only int arguments to the entry function, so the
 * coroutine pointer travels as two 32-bit halves (the portable idiom; glibc
 * would pass a 64-bit value through, POSIX does not promise it). uc_link is
 * NULL: the entry function never returns, it swaps back for the last time.
 */
#include "ucoro.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define TL_UCORO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TL_UCORO_ASAN 1
#endif
#endif
#ifdef TL_UCORO_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

static void entry(unsigned int hi, unsigned int lo)
{
	struct tl_ucoro *co =
		(struct tl_ucoro *)(uintptr_t)((uint64_t)hi << 32 | lo);

#ifdef TL_UCORO_ASAN
	__sanitizer_finish_switch_fiber(NULL, &co->back_lo, &co->back_bytes);
#endif
	co->fn(co, co->arg);
	co->done = 1;
#ifdef TL_UCORO_ASAN
	__sanitizer_start_switch_fiber(NULL, co->back_lo, co->back_bytes);
#endif
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
	long pg = sysconf(_SC_PAGESIZE);
	size_t page = pg > 0 ? (size_t)pg : 4096, guard, usable;
	uint64_t self;
	char *map;
	int err;

	memset(co, 0, sizeof(*co));
	if (!fn || stack_bytes > SIZE_MAX / 2)
		return -EINVAL;
	if (stack_bytes == 0)
		stack_bytes = 64u * 1024u;
	usable = (stack_bytes + page - 1) / page * page;
	guard = (flags & TL_UCORO_NO_GUARD) ? 0 : page;
	map = mmap(NULL, guard + usable, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1,
		   0);
	if (map == MAP_FAILED)
		return -errno;
	if (guard && mprotect(map, guard, PROT_NONE) != 0) {
		err = -errno;
		goto err_unmap;
	}
	err = get_template(&co->ctx);
	if (err)
		goto err_unmap;
	co->map = map;
	co->map_bytes = guard + usable;
	co->stack_lo = map + guard;
	co->stack_bytes = usable;
	co->fn = fn;
	co->arg = arg;
	co->ctx.uc_stack.ss_sp = co->stack_lo;
	co->ctx.uc_stack.ss_size = usable;
	co->ctx.uc_link = NULL;
	self = (uint64_t)(uintptr_t)co;
	makecontext(&co->ctx, (void (*)(void))entry, 2,
		    (unsigned int)(self >> 32), (unsigned int)self);
	return 0;

err_unmap:
	munmap(map, guard + usable);
	memset(co, 0, sizeof(*co));
	return err;
}

void tl_ucoro_release(struct tl_ucoro *co)
{
	if (!co || !co->map)
		return;
	assert(!co->running);
	munmap(co->map, co->map_bytes);
	memset(co, 0, sizeof(*co));
}

int tl_ucoro_resume(struct tl_ucoro *co)
{
#ifdef TL_UCORO_ASAN
	void *fake = NULL;
#endif

	assert(co->map && !co->done && !co->running);
	co->running = 1;
#ifdef TL_UCORO_ASAN
	__sanitizer_start_switch_fiber(&fake, co->stack_lo, co->stack_bytes);
#endif
	swapcontext(&co->back, &co->ctx);
#ifdef TL_UCORO_ASAN
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
	co->running = 0;
	return !co->done;
}

void tl_ucoro_yield(struct tl_ucoro *co)
{
	assert(co->running);
#ifdef TL_UCORO_ASAN
	__sanitizer_start_switch_fiber(&co->asan_fake, co->back_lo,
				       co->back_bytes);
#endif
	swapcontext(&co->ctx, &co->back);
#ifdef TL_UCORO_ASAN
	__sanitizer_finish_switch_fiber(co->asan_fake, &co->back_lo,
					&co->back_bytes);
#endif
}

int tl_ucoro_is_done(const struct tl_ucoro *co)
{
	return co->done;
}
