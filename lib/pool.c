/*
 * pool.c - fixed-size object pool (free list) over caller-provided storage.
 *
 * Invariants: every free slot is on exactly one free list position;
 * nfree counts them; slots are slot_bytes apart from base, and base is
 * TL_POOL_ALIGN-aligned. The list is built from the last slot down so
 * the first gets hand out slots in address order.
 */
#include "pool.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>

long tl_pool_init(struct tl_pool *p, void *buf, size_t buf_bytes,
		  size_t obj_bytes)
{
	uintptr_t start, aligned;
	size_t slot, skip, n, i;

	p->free = NULL;
	p->base = NULL;
	p->slot_bytes = p->nslots = p->nfree = 0;
	if (!obj_bytes || !buf || obj_bytes > SIZE_MAX - TL_POOL_ALIGN)
		return -EINVAL;
	if (obj_bytes < sizeof(void *))
		obj_bytes = sizeof(void *);
	slot = (obj_bytes + TL_POOL_ALIGN - 1) & ~(size_t)(TL_POOL_ALIGN - 1);
	start = (uintptr_t)buf;
	aligned = (start + TL_POOL_ALIGN - 1) & ~(uintptr_t)(TL_POOL_ALIGN - 1);
	skip = (size_t)(aligned - start);
	if (skip >= buf_bytes)
		return -EINVAL;
	n = (buf_bytes - skip) / slot;
	if (n == 0)
		return -EINVAL;
	p->base = (unsigned char *)aligned;
	p->slot_bytes = slot;
	p->nslots = n;
	for (i = n; i-- > 0;) {
		void *obj = p->base + i * slot;

		*(void **)obj = p->free;
		p->free = obj;
	}
	p->nfree = n;
	return (long)n;
}

void tl_pool_release(struct tl_pool *p)
{
	if (!p)
		return;
	p->free = NULL;
	p->base = NULL;
	p->slot_bytes = p->nslots = p->nfree = 0;
}

size_t tl_pool_free_count(const struct tl_pool *p)
{
	return p->nfree;
}

size_t tl_pool_slot_bytes(const struct tl_pool *p)
{
	return p->slot_bytes;
}

int tl_pool_owns(const struct tl_pool *p, const void *obj)
{
	uintptr_t a = (uintptr_t)obj, b = (uintptr_t)p->base;

	if (!p->base || a < b || a >= b + p->nslots * p->slot_bytes)
		return 0;
	return (a - b) % p->slot_bytes == 0;
}

/*
 * Debug check for tl_pool_put(): the pointer is one of ours and not
 * already free (a linear walk, which is why it only runs under TL_DEBUG).
 */
void tl__pool_check_put(const struct tl_pool *p, const void *obj)
{
	const void *f;

	assert(tl_pool_owns(p, obj));
	for (f = p->free; f; f = *(void *const *)f)
		assert(f != obj);
	(void)f;
}
