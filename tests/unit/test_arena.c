/*
 * test_arena.c - unit tests for lib/arena: alignment, exhaustion,
 * clear/release, and one arena per thread with no shared state.
 */
#include "arena.h"

#include <pthread.h>
#include <stdint.h>

#include "tl_test.h"

TL_TEST(arena_bumps_in_order)
{
	_Alignas(16) unsigned char buf[64];
	struct tl_arena a;
	unsigned char *p, *q;

	tl_arena_init(&a, buf, sizeof(buf));
	p = tl_arena_alloc(&a, 10, 1);
	q = tl_arena_alloc(&a, 6, 1);
	TL_CHECK(p == buf);
	TL_CHECK(q == buf + 10);
	TL_CHECK_INT(tl_arena_used_bytes(&a), 16);
	TL_CHECK_INT(tl_arena_cap_bytes(&a), 64);
}

TL_TEST(arena_aligns_and_counts_padding)
{
	_Alignas(64) unsigned char buf[256];
	struct tl_arena a;
	unsigned char *p;

	tl_arena_init(&a, buf + 1, sizeof(buf) - 1);
	p = tl_arena_alloc(&a, 8, 16);
	TL_CHECK(p != NULL);
	TL_CHECK_INT((uintptr_t)p % 16, 0);
	TL_CHECK(p == buf + 16);
	TL_CHECK_INT(tl_arena_used_bytes(&a), 15 + 8);
	p = tl_arena_alloc(&a, 1, 64);
	TL_CHECK(p == buf + 64);
}

TL_TEST(arena_returns_null_when_exhausted)
{
	_Alignas(16) unsigned char buf[32];
	struct tl_arena a;

	tl_arena_init(&a, buf, sizeof(buf));
	TL_CHECK(tl_arena_alloc(&a, 32, 1) == buf);
	TL_CHECK(tl_arena_alloc(&a, 1, 1) == NULL);
	TL_CHECK_INT(tl_arena_used_bytes(&a), 32);
	tl_arena_clear(&a);
	TL_CHECK(tl_arena_alloc(&a, 33, 1) == NULL);
	TL_CHECK(tl_arena_alloc(&a, SIZE_MAX, 1) == NULL);
	/* Padding alone must not overflow the check. */
	TL_CHECK(tl_arena_alloc(&a, 31, 1) == buf);
	TL_CHECK(tl_arena_alloc(&a, 1, 16) == NULL);
	TL_CHECK(tl_arena_alloc(&a, 1, 1) == buf + 31);
}

TL_TEST(arena_clear_reuses_and_release_detaches)
{
	_Alignas(16) unsigned char buf[64];
	struct tl_arena a;

	tl_arena_init(&a, buf, sizeof(buf));
	TL_CHECK(tl_arena_alloc(&a, 40, 8) == buf);
	tl_arena_clear(&a);
	TL_CHECK_INT(tl_arena_used_bytes(&a), 0);
	TL_CHECK(tl_arena_alloc(&a, 40, 8) == buf);
	tl_arena_release(&a);
	TL_CHECK_INT(tl_arena_cap_bytes(&a), 0);
	TL_CHECK(tl_arena_alloc(&a, 1, 1) == NULL);
	tl_arena_release(NULL);
}

TL_TEST(arena_zero_capacity)
{
	struct tl_arena a;

	tl_arena_init(&a, NULL, 100);
	TL_CHECK_INT(tl_arena_cap_bytes(&a), 0);
	TL_CHECK(tl_arena_alloc(&a, 1, 1) == NULL);
}

/* Each thread fills its own arena; TSan flags any hidden shared state. */
static void *fill_arena(void *arg)
{
	_Alignas(16) unsigned char buf[4096];
	struct tl_arena a;
	uintptr_t bad = 0;
	int round, i;

	(void)arg;
	for (round = 0; round < 200; round++) {
		tl_arena_init(&a, buf, sizeof(buf));
		for (i = 0; i < 256; i++) {
			unsigned char *p = tl_arena_alloc(&a, 16, 16);

			if (p != buf + 16 * i)
				bad++;
			else
				p[0] = (unsigned char)i;
		}
		if (tl_arena_alloc(&a, 1, 1) != NULL)
			bad++;
		tl_arena_release(&a);
	}
	return (void *)bad;
}

TL_TEST(arena_threads_do_not_share_state)
{
	pthread_t t[4];
	void *ret;
	int i;

	for (i = 0; i < 4; i++)
		TL_CHECK_INT(pthread_create(&t[i], NULL, fill_arena, NULL), 0);
	for (i = 0; i < 4; i++) {
		TL_CHECK_INT(pthread_join(t[i], &ret), 0);
		TL_CHECK(ret == NULL);
	}
}

TL_TEST_MAIN()
