/*
 * pool.h - fixed-size object pool (free list) over caller-provided storage.
 *
 * The C model of a pool allocator (Go's sync.Pool without the GC hooks,
 * Zig's MemoryPool): the caller's buffer is cut into equal slots, free
 * slots are linked through their own first word, and get/put are a pop
 * and a push on that list. No malloc ever; tl_pool_get() returns NULL
 * when every slot is out.
 *
 * Slots are rounded up to TL_POOL_ALIGN bytes and aligned to it, so any
 * object type fits. get/put are inline: the mechanism is two loads and a
 * store, and a call would dominate it.
 *
 * Not thread-safe: one pool belongs to one thread at a time.
 */
#ifndef TL_POOL_H
#define TL_POOL_H

#include <stddef.h>

#define TL_POOL_ALIGN 16

/* Placed by the caller; all fields are private. */
struct tl_pool {
	void *free;	     /* private: first free slot, NULL when none */
	unsigned char *base; /* private: first slot (aligned) */
	size_t slot_bytes;   /* private: object size rounded to the alignment */
	size_t nslots;	     /* private: slots in the pool */
	size_t nfree;	     /* private: slots on the free list */
};

/*
 * Cuts buf[0..buf_bytes) into slots of at least obj_bytes bytes, all
 * free. Borrows `buf`: it must outlive the pool. Returns the number of
 * slots (> 0), or -EINVAL when obj_bytes is 0 or the buffer holds no slot.
 */
long tl_pool_init(struct tl_pool *p, void *buf, size_t buf_bytes,
		  size_t obj_bytes);

/*
 * Forgets every slot (objects still out become invalid) and detaches the
 * storage. Accepts NULL.
 */
void tl_pool_release(struct tl_pool *p);

/* Slots currently free. */
size_t tl_pool_free_count(const struct tl_pool *p);

/* Slot size in bytes (obj_bytes rounded up to TL_POOL_ALIGN). */
size_t tl_pool_slot_bytes(const struct tl_pool *p);

/* Is `obj` the start of one of this pool's slots? (for checks and tests) */
int tl_pool_owns(const struct tl_pool *p, const void *obj);

/* Internal: the debug check behind tl_pool_put(); asserts on misuse. */
void tl__pool_check_put(const struct tl_pool *p, const void *obj);

/*
 * Takes a free slot, or returns NULL when none is left. The slot's bytes
 * are not cleared; its first word holds free-list garbage.
 */
static inline void *tl_pool_get(struct tl_pool *p)
{
	void *obj = p->free;

	if (obj) {
		p->free = *(void **)obj;
		p->nfree--;
	}
	return obj;
}

/*
 * Gives back a slot obtained from tl_pool_get() on this pool. Putting a
 * foreign pointer or the same slot twice is a programmer error (checked
 * by assert in debug builds).
 */
static inline void tl_pool_put(struct tl_pool *p, void *obj)
{
#if defined(TL_DEBUG) && TL_DEBUG >= 1
	tl__pool_check_put(p, obj);
#endif
	*(void **)obj = p->free;
	p->free = obj;
	p->nfree++;
}

#endif
