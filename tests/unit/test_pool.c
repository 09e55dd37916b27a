/*
 * test_pool.c - unit tests for lib/pool: slot rounding, LIFO reuse,
 * exhaustion, ownership, and one pool per thread with no shared state.
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>

#include "tl_test.h"

TL_TEST(pool_cuts_slots)
{
	_Alignas(16) unsigned char buf[160];
	struct tl_pool p;

	TL_CHECK_INT(tl_pool_init(&p, buf, sizeof(buf), 20), 5);
	TL_CHECK_INT(tl_pool_slot_bytes(&p), 32);
	TL_CHECK_INT(tl_pool_free_count(&p), 5);
	TL_CHECK_INT(tl_pool_init(&p, buf, sizeof(buf), 1), 10);
	TL_CHECK_INT(tl_pool_slot_bytes(&p), 16);
}

TL_TEST(pool_rejects_bad_geometry)
{
	_Alignas(16) unsigned char buf[64];
	struct tl_pool p;

	TL_CHECK_INT(tl_pool_init(&p, buf, sizeof(buf), 0), -EINVAL);
	TL_CHECK_INT(tl_pool_init(&p, buf, sizeof(buf), 65), -EINVAL);
	TL_CHECK_INT(tl_pool_init(&p, NULL, 64, 8), -EINVAL);
	TL_CHECK_INT(tl_pool_init(&p, buf + 1, 16, 8), -EINVAL);
	TL_CHECK(tl_pool_get(&p) == NULL);
}

TL_TEST(pool_hands_out_in_order_and_reuses_lifo)
{
	_Alignas(16) unsigned char buf[64];
	struct tl_pool p;
	void *a, *b, *c, *d;

	TL_CHECK_INT(tl_pool_init(&p, buf, sizeof(buf), 16), 4);
	a = tl_pool_get(&p);
	b = tl_pool_get(&p);
	TL_CHECK(a == buf);
	TL_CHECK(b == buf + 16);
	tl_pool_put(&p, a);
	c = tl_pool_get(&p);
	TL_CHECK(c == a);
	tl_pool_put(&p, b);
	tl_pool_put(&p, c);
	TL_CHECK(tl_pool_get(&p) == c);
	d = tl_pool_get(&p);
	TL_CHECK(d == b);
	TL_CHECK_INT(tl_pool_free_count(&p), 2);
}

TL_TEST(pool_exhausts_to_null)
{
	_Alignas(16) unsigned char buf[48];
	struct tl_pool p;
	void *s[3];
	int i;

	TL_CHECK_INT(tl_pool_init(&p, buf, sizeof(buf), 16), 3);
	for (i = 0; i < 3; i++) {
		s[i] = tl_pool_get(&p);
		TL_CHECK(s[i] != NULL);
		TL_CHECK_INT((uintptr_t)s[i] % TL_POOL_ALIGN, 0);
	}
	TL_CHECK(tl_pool_get(&p) == NULL);
	TL_CHECK_INT(tl_pool_free_count(&p), 0);
	for (i = 0; i < 3; i++)
		tl_pool_put(&p, s[i]);
	TL_CHECK_INT(tl_pool_free_count(&p), 3);
}

TL_TEST(pool_owns_only_slot_starts)
{
	_Alignas(16) unsigned char buf[64];
	struct tl_pool p;

	TL_CHECK_INT(tl_pool_init(&p, buf, sizeof(buf), 16), 4);
	TL_CHECK(tl_pool_owns(&p, buf));
	TL_CHECK(tl_pool_owns(&p, buf + 48));
	TL_CHECK(!tl_pool_owns(&p, buf + 8));
	TL_CHECK(!tl_pool_owns(&p, buf + 64));
	tl_pool_release(&p);
	TL_CHECK(!tl_pool_owns(&p, buf));
	TL_CHECK(tl_pool_get(&p) == NULL);
	tl_pool_release(NULL);
}

static void *churn_pool(void *arg)
{
	_Alignas(16) unsigned char buf[64 * 32];
	struct tl_pool p;
	void *held[32];
	uintptr_t bad = 0;
	int round, i;

	(void)arg;
	if (tl_pool_init(&p, buf, sizeof(buf), 64) != 32)
		return (void *)1;
	for (round = 0; round < 500; round++) {
		for (i = 0; i < 32; i++) {
			held[i] = tl_pool_get(&p);
			if (!held[i])
				return (void *)2;
			((unsigned char *)held[i])[63] = (unsigned char)i;
		}
		if (tl_pool_get(&p))
			bad++;
		for (i = 0; i < 32; i++) {
			if (((unsigned char *)held[i])[63] != (unsigned char)i)
				bad++;
			tl_pool_put(&p, held[i]);
		}
	}
	return (void *)bad;
}

TL_TEST(pool_threads_do_not_share_state)
{
	pthread_t t[4];
	void *ret;
	int i;

	for (i = 0; i < 4; i++)
		TL_CHECK_INT(pthread_create(&t[i], NULL, churn_pool, NULL), 0);
	for (i = 0; i < 4; i++) {
		TL_CHECK_INT(pthread_join(t[i], &ret), 0);
		TL_CHECK(ret == NULL);
	}
}

TL_TEST_MAIN()
