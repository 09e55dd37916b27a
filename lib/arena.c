/*
 * arena.c - bump (region) allocator over caller-provided storage.
 *
 * Only the lifecycle lives here; the allocation fast path is inline in
 * arena.h. Invariant: used <= cap, and base is NULL only when cap is 0.
 */
#include "arena.h"

void tl_arena_init(struct tl_arena *a, void *buf, size_t cap)
{
	a->base = buf;
	a->cap = buf ? cap : 0;
	a->used = 0;
}

void tl_arena_release(struct tl_arena *a)
{
	if (!a)
		return;
	tl_arena_init(a, NULL, 0);
}

void tl_arena_clear(struct tl_arena *a)
{
	a->used = 0;
}

size_t tl_arena_used_bytes(const struct tl_arena *a)
{
	return a->used;
}

size_t tl_arena_cap_bytes(const struct tl_arena *a)
{
	return a->cap;
}
