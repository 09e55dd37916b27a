/*
 * test_ring_stress.c - the rings with real threads on both cores, for
 * ThreadSanitizer (`make tsan` selects "stress" binaries).
 *
 * SPSC: one producer, one consumer; values must arrive in order.
 * MPMC: several producers and consumers on a small ring; every value must
 * arrive exactly once. The rings are small so full and empty are hit
 * often. Spinning threads yield so the test also runs on one core.
 */
#include "ring.h"

#include "tl_test.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

enum { SPSC_N = 300000, PRODUCERS = 3, CONSUMERS = 3, PER_PRODUCER = 50000 };

static struct tl_ring_spsc spsc;
static void *spsc_slots[16];

static void *spsc_produce(void *arg)
{
	uintptr_t i;

	(void)arg;
	for (i = 1; i <= SPSC_N; i++)
		while (tl_ring_push_spsc(&spsc, (void *)i))
			sched_yield();
	return NULL;
}

TL_TEST(ring_stress_spsc_in_order)
{
	pthread_t t;
	uintptr_t want = 1;
	int bad = 0;
	void *v;

	TL_CHECK_INT(tl_ring_init_spsc(&spsc, spsc_slots, 16), 0);
	TL_CHECK_INT(pthread_create(&t, NULL, spsc_produce, NULL), 0);
	while (want <= SPSC_N) {
		if (tl_ring_pop_spsc(&spsc, &v)) {
			sched_yield();
			continue;
		}
		bad += (uintptr_t)v != want;
		want++;
	}
	pthread_join(t, NULL);
	TL_CHECK_INT(bad, 0);
	TL_CHECK_INT(tl_ring_pop_spsc(&spsc, &v), -EAGAIN);
}

static struct tl_ring_mpmc mpmc;
static struct tl_ring_cell mpmc_cells[8];
static atomic_uint_fast64_t mpmc_received;
static atomic_uchar *mpmc_seen;
static atomic_int mpmc_dups;

static void *mpmc_produce(void *arg)
{
	uintptr_t base = (uintptr_t)arg * PER_PRODUCER, i;

	for (i = 0; i < PER_PRODUCER; i++)
		while (tl_ring_push_mpmc(&mpmc, (void *)(base + i + 1)))
			sched_yield();
	return NULL;
}

static void *mpmc_consume(void *arg)
{
	const uint64_t total = (uint64_t)PRODUCERS * PER_PRODUCER;
	void *v;

	(void)arg;
	/* Relaxed: the counter only ends the loop; values sync via the ring. */
	while (atomic_load_explicit(&mpmc_received, memory_order_relaxed) <
	       total) {
		uintptr_t x;

		if (tl_ring_pop_mpmc(&mpmc, &v)) {
			sched_yield();
			continue;
		}
		x = (uintptr_t)v - 1;
		if (x >= total || atomic_exchange(&mpmc_seen[x], 1))
			atomic_fetch_add(&mpmc_dups, 1);
		atomic_fetch_add_explicit(&mpmc_received, 1,
					  memory_order_relaxed);
	}
	return NULL;
}

TL_TEST(ring_stress_mpmc_exactly_once)
{
	const uint64_t total = (uint64_t)PRODUCERS * PER_PRODUCER;
	pthread_t p[PRODUCERS], c[CONSUMERS];
	uint64_t i, missing = 0;
	int k;

	TL_CHECK_INT(tl_ring_init_mpmc(&mpmc, mpmc_cells, 8), 0);
	mpmc_seen = calloc(total, sizeof(*mpmc_seen));
	TL_CHECK(mpmc_seen);
	for (k = 0; k < CONSUMERS; k++)
		pthread_create(&c[k], NULL, mpmc_consume, NULL);
	for (k = 0; k < PRODUCERS; k++)
		pthread_create(&p[k], NULL, mpmc_produce, (void *)(uintptr_t)k);
	for (k = 0; k < PRODUCERS; k++)
		pthread_join(p[k], NULL);
	for (k = 0; k < CONSUMERS; k++)
		pthread_join(c[k], NULL);
	for (i = 0; i < total; i++)
		missing += !atomic_load(&mpmc_seen[i]);
	free(mpmc_seen);
	TL_CHECK_INT(atomic_load(&mpmc_dups), 0);
	TL_CHECK_INT(missing, 0);
	TL_CHECK_INT(atomic_load(&mpmc_received), total);
}

TL_TEST_MAIN()
