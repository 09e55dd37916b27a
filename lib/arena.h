/*
 * arena.h - bump (region) allocator over caller-provided storage.
 *
 * The C model of an arena: an allocation is an aligned pointer bump, and
 * objects are never freed one by one; tl_arena_clear() or
 * tl_arena_release() drops them all at once. The caller owns the storage,
 * so the hot path never calls malloc. This is the mechanism behind Zig's
 * ArenaAllocator and FixedBufferAllocator and the article's "stack-like"
 * allocation (section 2.1).
 *
 * The allocation fast path is inline: a bump allocator whose every
 * allocation crosses a call would measure the call, not the mechanism.
 *
 * Not thread-safe: one arena belongs to one thread at a time.
 */
#ifndef TL_ARENA_H
#define TL_ARENA_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

/* Placed by the caller (on the stack, embedded); all fields are private. */
struct tl_arena {
	unsigned char *base; /* private: start of the caller's storage */
	size_t cap;	     /* private: bytes of storage */
	size_t used;	     /* private: bytes handed out, padding included */
};

/*
 * Makes `a` hand out memory from buf[0..cap). Borrows `buf`: it must
 * outlive the arena and is never freed by it. cap may be 0 (every
 * allocation then fails).
 */
void tl_arena_init(struct tl_arena *a, void *buf, size_t cap);

/*
 * Frees every object at once and detaches the storage; the arena is then
 * empty with capacity 0 until the next tl_arena_init(). Accepts NULL.
 */
void tl_arena_release(struct tl_arena *a);

/*
 * Frees every object at once and keeps the storage (release + init with
 * the same buffer): the next allocation starts at the buffer's start.
 */
void tl_arena_clear(struct tl_arena *a);

/* Bytes handed out so far, alignment padding included. */
size_t tl_arena_used_bytes(const struct tl_arena *a);

/* Bytes of storage the arena was given. */
size_t tl_arena_cap_bytes(const struct tl_arena *a);

/*
 * Returns `size` bytes aligned to `align` (a power of two), or NULL when
 * the storage left cannot hold them. The memory is not zeroed. For size
 * 0 it returns the current aligned position, which the next allocation
 * may share.
 */
static inline void *tl_arena_alloc(struct tl_arena *a, size_t size,
				   size_t align)
{
	uintptr_t cur, aligned;
	size_t pad, left;

	assert(align && (align & (align - 1)) == 0);
	cur = (uintptr_t)a->base + a->used;
	aligned = (cur + (align - 1)) & ~(uintptr_t)(align - 1);
	pad = (size_t)(aligned - cur);
	left = a->cap - a->used;
	if (pad > left || size > left - pad)
		return NULL;
	a->used += pad + size;
	return (void *)aligned;
}

#endif
