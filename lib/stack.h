/*
 * stack.h - coroutine stacks: mmap'd, optionally guard-paged, and the
 * AddressSanitizer hooks a stack switch needs (header only).
 *
 * lib/coro (hand-written switch) and lib/ucoro (swapcontext) give each
 * coroutine a stack of its own; this is the part they share. A stack is
 * reserved, not committed (MAP_NORESERVE): a parked coroutine costs the
 * pages it touched. With a guard, the lowest page is PROT_NONE, so an
 * overflow faults instead of corrupting the neighbour; the guard splits
 * the mapping in two, so each guarded stack uses two entries of
 * vm.max_map_count. Without one, adjacent stacks may merge into a single
 * mapping.
 *
 * ASan must be told of every switch to and from a stack it did not
 * allocate (sanitizer/common_interface_defs.h): tl_stack_switch_start()
 * before the switch, tl_stack_switch_finish() on the other side. Both are
 * empty when ASan is off. TL_STACK_ASAN is defined when it is on.
 *
 * Header only, so that a workload built with `lib: [coro]` needs no
 * other file. Thread-safe: no shared state.
 */
#ifndef TL_STACK_H
#define TL_STACK_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define TL_STACK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TL_STACK_ASAN 1
#endif
#endif
#ifdef TL_STACK_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

/* A mapped stack. Callers read lo and bytes; map and map_bytes are private. */
struct tl_stack {
	void *map;	  /* mmap base (the guard page, if any) */
	size_t map_bytes; /* guard + usable */
	void *lo;	  /* lowest usable byte */
	size_t bytes;	  /* usable bytes, a multiple of the page size */
};

/*
 * Maps a stack of at least `bytes` usable bytes (rounded up to pages),
 * with a PROT_NONE guard page below it when `guard` is non-zero. Returns
 * 0, -EINVAL when bytes is 0 or absurd, or -errno from mmap/mprotect
 * (ENOMEM: address space or vm.max_map_count exhausted); on failure *s is
 * zeroed and nothing stays mapped.
 */
static inline int tl_stack_map(struct tl_stack *s, size_t bytes, int guard)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t page = pg > 0 ? (size_t)pg : 4096, guard_bytes, usable;
	char *map;
	int err;

	memset(s, 0, sizeof(*s));
	if (bytes == 0 || bytes > SIZE_MAX / 2)
		return -EINVAL;
	usable = (bytes + page - 1) / page * page;
	guard_bytes = guard ? page : 0;
	map = mmap(NULL, guard_bytes + usable, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1,
		   0);
	if (map == MAP_FAILED)
		return -errno;
	if (guard_bytes && mprotect(map, guard_bytes, PROT_NONE) != 0) {
		err = -errno;
		munmap(map, guard_bytes + usable);
		return err;
	}
	s->map = map;
	s->map_bytes = guard_bytes + usable;
	s->lo = map + guard_bytes;
	s->bytes = usable;
	return 0;
}

/* Unmaps the stack; accepts a zeroed struct. Nothing may run on it. */
static inline void tl_stack_unmap(struct tl_stack *s)
{
	if (s->map)
		munmap(s->map, s->map_bytes);
	memset(s, 0, sizeof(*s));
}

/*
 * Before switching onto the stack [lo, lo + bytes): ASan saves the
 * current fake stack in *fake (pass fake = NULL when the current stack is
 * left for good, so ASan drops it).
 */
static inline void tl_stack_switch_start(void **fake, const void *lo,
					 size_t bytes)
{
#ifdef TL_STACK_ASAN
	__sanitizer_start_switch_fiber(fake, lo, bytes);
#else
	(void)fake;
	(void)lo;
	(void)bytes;
#endif
}

/*
 * First thing after a switch: restores the fake stack saved by the
 * matching start (NULL on a new stack) and reports the stack switched
 * from in *from_lo, *from_bytes (both may be NULL).
 */
static inline void tl_stack_switch_finish(void *fake, const void **from_lo,
					  size_t *from_bytes)
{
#ifdef TL_STACK_ASAN
	__sanitizer_finish_switch_fiber(fake, from_lo, from_bytes);
#else
	(void)fake;
	(void)from_lo;
	(void)from_bytes;
#endif
}

#endif
