/*
 * test_ring.c - SPSC and MPMC rings: capacity, order, wrap-around, bad
 * sizes, single-threaded. Threads on both cores: test_ring_stress.c.
 */
#include "ring.h"

#include "tl_test.h"

#include <errno.h>
#include <stdint.h>

TL_TEST(ring_spsc_fill_drain_wrap)
{
	void *slots[8], *v;
	struct tl_ring_spsc r;
	uintptr_t next_in = 1, next_out = 1;
	int round, i;

	TL_CHECK_INT(tl_ring_init_spsc(&r, slots, 8), 0);
	TL_CHECK_INT(tl_ring_cap_spsc(&r), 8);
	TL_CHECK_INT(tl_ring_pop_spsc(&r, &v), -EAGAIN);
	for (round = 0; round < 50; round++) {
		int n = 1 + round % 8;

		for (i = 0; i < n; i++)
			TL_CHECK_INT(tl_ring_push_spsc(&r, (void *)next_in++),
				     0);
		if (n == 8)
			TL_CHECK_INT(tl_ring_push_spsc(&r, (void *)0), -EAGAIN);
		for (i = 0; i < n; i++) {
			TL_CHECK_INT(tl_ring_pop_spsc(&r, &v), 0);
			TL_CHECK_INT((uintptr_t)v, next_out++);
		}
		TL_CHECK_INT(tl_ring_pop_spsc(&r, &v), -EAGAIN);
	}
}

TL_TEST(ring_mpmc_fill_drain_wrap)
{
	struct tl_ring_cell cells[4];
	struct tl_ring_mpmc r;
	uintptr_t in = 1, out = 1;
	void *v;
	int round, i;

	TL_CHECK_INT(tl_ring_init_mpmc(&r, cells, 4), 0);
	TL_CHECK_INT(tl_ring_cap_mpmc(&r), 4);
	for (round = 0; round < 40; round++) {
		int n = 1 + round % 4;

		for (i = 0; i < n; i++)
			TL_CHECK_INT(tl_ring_push_mpmc(&r, (void *)in++), 0);
		if (n == 4)
			TL_CHECK_INT(tl_ring_push_mpmc(&r, NULL), -EAGAIN);
		for (i = 0; i < n; i++) {
			TL_CHECK_INT(tl_ring_pop_mpmc(&r, &v), 0);
			TL_CHECK_INT((uintptr_t)v, out++);
		}
		TL_CHECK_INT(tl_ring_pop_mpmc(&r, &v), -EAGAIN);
	}
}

TL_TEST(ring_rejects_bad_sizes)
{
	struct tl_ring_cell cells[6];
	struct tl_ring_spsc s;
	struct tl_ring_mpmc m;
	void *slots[6];

	TL_CHECK_INT(tl_ring_init_spsc(&s, slots, 6), -EINVAL);
	TL_CHECK_INT(tl_ring_init_spsc(&s, slots, 1), -EINVAL);
	TL_CHECK_INT(tl_ring_init_spsc(&s, NULL, 4), -EINVAL);
	TL_CHECK_INT(tl_ring_init_mpmc(&m, cells, 6), -EINVAL);
	TL_CHECK_INT(tl_ring_init_mpmc(&m, NULL, 4), -EINVAL);
	TL_CHECK_INT(tl_ring_init_mpmc(&m, cells, 2), 0);
}

TL_TEST_MAIN()
