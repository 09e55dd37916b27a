/*
 * test_vec.c - growable arrays and buffers keep their elements, grow by
 * doubling (so n pushes reallocate O(log n) times) and start empty.
 */
#include "base/util.h"
#include "base/vec.h"
#include "tl_test.h"

#include <stdint.h>

TL_TEST(push_keeps_every_element_in_order)
{
	struct tl_dvec d = TL_DVEC_INIT;

	for (int i = 0; i < 1000; i++)
		tl_dvec_push(&d, i * 0.5);
	TL_CHECK_INT(d.n, 1000);
	TL_CHECK(d.cap >= 1000);
	for (int i = 0; i < 1000; i++)
		if (d.x[i] != i * 0.5)
			TL_FAIL("element %d is %g", i, d.x[i]);
	tl_dvec_release(&d);
	TL_CHECK(d.x == NULL);
	TL_CHECK_INT(d.n, 0);
	TL_CHECK_INT(d.cap, 0);
}

TL_TEST(capacity_doubles_from_eight)
{
	TL_CHECK_INT(tl_vec_capacity(0, 1, 8), 8);
	TL_CHECK_INT(tl_vec_capacity(8, 9, 8), 16);
	TL_CHECK_INT(tl_vec_capacity(16, 100, 8), 128);
	/* Reserving more than double at once goes straight there. */
	TL_CHECK_INT(tl_vec_capacity(0, 1000, 1), 1024);
	TL_CHECK_INT(tl_vec_capacity(SIZE_MAX / 2 + 2, SIZE_MAX, 1), SIZE_MAX);
}

TL_TEST(pushes_reallocate_logarithmically)
{
	struct {
		int *p;
		size_t n, cap;
	} a = {NULL, 0, 0};
	int grows = 0;

	for (int i = 0; i < 100000; i++) {
		size_t before = a.cap;

		TL_VEC_PUSH(a.p, a.n, a.cap, i);
		grows += a.cap != before;
	}
	TL_CHECK_INT(a.n, 100000);
	TL_CHECK_INT(a.p[0], 0);
	TL_CHECK_INT(a.p[99999], 99999);
	/* 8 << 14 = 131072: fifteen allocations for 100000 elements. */
	TL_CHECK_INT(grows, 15);
	free(a.p);
}

TL_TEST(reserve_keeps_what_is_there)
{
	char *s = NULL;
	size_t cap = 0;

	TL_VEC_RESERVE(s, cap, 3);
	s[0] = 'a';
	s[1] = 'b';
	TL_VEC_RESERVE(s, cap, 5000);
	TL_CHECK(cap >= 5000);
	TL_CHECK(s[0] == 'a' && s[1] == 'b');
	TL_VEC_RESERVE(s, cap, 10); /* never shrinks */
	TL_CHECK(cap >= 5000);
	free(s);
}

/* A callee that takes back all it wrote leaves no memory behind. */
TL_TEST(buf_truncate_to_nothing_frees)
{
	struct tl_buf b = TL_BUF_INIT;

	tl_buf_puts(&b, "first attempt: busy");
	tl_buf_truncate(&b, 5);
	TL_CHECK(strcmp(tl_buf_str(&b), "first") == 0);
	TL_CHECK_INT(b.len, 5);
	tl_buf_truncate(&b, 9); /* longer than what is there: unchanged */
	TL_CHECK_INT(b.len, 5);
	tl_buf_truncate(&b, 0);
	TL_CHECK(b.s == NULL);
	TL_CHECK_INT(b.cap, 0);
	TL_CHECK(strcmp(tl_buf_str(&b), "") == 0);
}

TL_TEST_MAIN()
