/*
 * ring.c - set-up of the lock-free rings; the hot path is inline in ring.h.
 *
 * MPMC cells start with seq == index: cell i is free for the producer of
 * position i. After a pop of position p the cell gets p + nslots, which
 * is the position of the next producer to use it.
 */
#include "ring.h"

#include <string.h>

static int is_pow2(size_t n)
{
	return n >= 2 && (n & (n - 1)) == 0;
}

int tl_ring_init_spsc(struct tl_ring_spsc *r, void **slots, size_t nslots)
{
	if (!slots || !is_pow2(nslots))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	atomic_init(&r->tail, 0);
	atomic_init(&r->head, 0);
	r->slots = slots;
	r->mask = nslots - 1;
	return 0;
}

int tl_ring_init_mpmc(struct tl_ring_mpmc *r, struct tl_ring_cell *cells,
		      size_t nslots)
{
	size_t i;

	if (!cells || !is_pow2(nslots))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	atomic_init(&r->tail, 0);
	atomic_init(&r->head, 0);
	for (i = 0; i < nslots; i++) {
		atomic_init(&cells[i].seq, i);
		cells[i].val = NULL;
	}
	r->cells = cells;
	r->mask = nslots - 1;
	return 0;
}

size_t tl_ring_cap_spsc(const struct tl_ring_spsc *r)
{
	return r->mask + 1;
}

size_t tl_ring_cap_mpmc(const struct tl_ring_mpmc *r)
{
	return r->mask + 1;
}
