/*
 * ring.h - bounded lock-free rings of pointer-sized slots: SPSC and MPMC.
 *
 * SPSC (one producer thread, one consumer thread): head and tail are
 * free-running counters on separate cache lines, compared only through
 * their unsigned difference, so wrap-around is harmless and all nslots
 * slots are usable. Each side keeps a private copy of the other side's
 * counter and rereads the shared one only when the copy says full (or
 * empty), so in steady state a push or pop touches one shared line: the
 * cost of a message is the cache-line transfer itself.
 *
 * MPMC (any number of producers and consumers): Dmitry Vyukov's bounded
 * queue. Each cell carries a sequence number that says whose turn it is;
 * producers and consumers claim positions with a CAS on their counter and
 * then publish through the cell's sequence (release/acquire).
 *
 * Storage is the caller's: slots (SPSC) or cells (MPMC), nslots a power
 * of two. Push and pop never block and never allocate; they return
 * -EAGAIN when full or empty and leave spinning/parking to the caller.
 * They are inline because they are the hot path measured by the channels
 * experiment; a call into another object would be most of their cost.
 *
 * Concurrency Kit's ck_ring is the reference implementation these are
 * compared with (experiments/channels); ours use C11 atomics so that
 * ThreadSanitizer can check them.
 */
#ifndef TL_RING_H
#define TL_RING_H

#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>

#define TL_RING_LINE 64 /* cache-line size the counters are padded to */

/* Exposed for inline push/pop; all fields are private. */
struct tl_ring_spsc {
	alignas(TL_RING_LINE) atomic_size_t tail; /* written by producer */
	size_t head_cache;			  /* producer's copy of head */
	alignas(TL_RING_LINE) atomic_size_t head; /* written by consumer */
	size_t tail_cache;			  /* consumer's copy of tail */
	alignas(TL_RING_LINE) void **slots;	  /* read-only after init */
	size_t mask;
};

struct tl_ring_cell {
	atomic_size_t seq;
	void *val;
};

struct tl_ring_mpmc {
	alignas(TL_RING_LINE) atomic_size_t tail; /* next position to push */
	alignas(TL_RING_LINE) atomic_size_t head; /* next position to pop */
	alignas(TL_RING_LINE) struct tl_ring_cell *cells;
	size_t mask;
};

/*
 * Initialise a ring over the caller's storage of nslots entries (a power
 * of two, >= 2), which must outlive the ring. 0 or -EINVAL. Not
 * thread-safe: publish the ring to other threads after init (e.g. by
 * pthread_create).
 */
int tl_ring_init_spsc(struct tl_ring_spsc *r, void **slots, size_t nslots);
int tl_ring_init_mpmc(struct tl_ring_mpmc *r, struct tl_ring_cell *cells,
		      size_t nslots);

/* Capacity in elements. */
size_t tl_ring_cap_spsc(const struct tl_ring_spsc *r);
size_t tl_ring_cap_mpmc(const struct tl_ring_mpmc *r);

/* Producer only. 0, or -EAGAIN when full. */
static inline int tl_ring_push_spsc(struct tl_ring_spsc *r, void *v)
{
	/* Only this thread writes tail: relaxed reads its own value. */
	size_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);

	if (t - r->head_cache > r->mask) {
		/* Acquire: the consumer's slot reads happen before our reuse.
		 */
		r->head_cache =
			atomic_load_explicit(&r->head, memory_order_acquire);
		if (t - r->head_cache > r->mask)
			return -EAGAIN;
	}
	r->slots[t & r->mask] = v;
	/* Release: the slot write is visible before the new tail. */
	atomic_store_explicit(&r->tail, t + 1, memory_order_release);
	return 0;
}

/* Consumer only. 0 with *v set, or -EAGAIN when empty. */
static inline int tl_ring_pop_spsc(struct tl_ring_spsc *r, void **v)
{
	size_t h = atomic_load_explicit(&r->head, memory_order_relaxed);

	if (h == r->tail_cache) {
		/* Acquire: pairs with the producer's release of tail. */
		r->tail_cache =
			atomic_load_explicit(&r->tail, memory_order_acquire);
		if (h == r->tail_cache)
			return -EAGAIN;
	}
	*v = r->slots[h & r->mask];
	/* Release: our read of the slot is done before the producer reuses it.
	 */
	atomic_store_explicit(&r->head, h + 1, memory_order_release);
	return 0;
}

/* Any thread. 0, or -EAGAIN when full. */
static inline int tl_ring_push_mpmc(struct tl_ring_mpmc *r, void *v)
{
	struct tl_ring_cell *c;
	size_t pos = atomic_load_explicit(&r->tail, memory_order_relaxed);
	size_t seq;

	for (;;) {
		c = &r->cells[pos & r->mask];
		/* Acquire: pairs with the consumer that freed this cell. */
		seq = atomic_load_explicit(&c->seq, memory_order_acquire);
		if (seq == pos) {
			/*
			 * Our turn: claim pos. Relaxed is enough, the cell's
			 * seq (not tail) publishes the value.
			 */
			if (atomic_compare_exchange_weak_explicit(
				    &r->tail, &pos, pos + 1,
				    memory_order_relaxed, memory_order_relaxed))
				break;
		} else if ((ptrdiff_t)(seq - pos) < 0) {
			return -EAGAIN; /* the cell still holds a value: full */
		} else {
			pos = atomic_load_explicit(&r->tail,
						   memory_order_relaxed);
		}
	}
	c->val = v;
	/* Release: the value is visible before the consumer's turn starts. */
	atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
	return 0;
}

/* Any thread. 0 with *v set, or -EAGAIN when empty. */
static inline int tl_ring_pop_mpmc(struct tl_ring_mpmc *r, void **v)
{
	struct tl_ring_cell *c;
	size_t pos = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t seq;

	for (;;) {
		c = &r->cells[pos & r->mask];
		/* Acquire: pairs with the producer's release of seq. */
		seq = atomic_load_explicit(&c->seq, memory_order_acquire);
		if (seq == pos + 1) {
			if (atomic_compare_exchange_weak_explicit(
				    &r->head, &pos, pos + 1,
				    memory_order_relaxed, memory_order_relaxed))
				break;
		} else if ((ptrdiff_t)(seq - (pos + 1)) < 0) {
			return -EAGAIN; /* not yet written: empty */
		} else {
			pos = atomic_load_explicit(&r->head,
						   memory_order_relaxed);
		}
	}
	*v = c->val;
	/* Release: the read is done before a producer reuses the cell. */
	atomic_store_explicit(&c->seq, pos + r->mask + 1, memory_order_release);
	return 0;
}

#endif
