/*
 * test_panic.c - unit tests for lib/panic: recover a value, run deferred
 * calls while unwinding, nested frames, a panic inside a deferred call,
 * the normal path, and per-thread frame stacks.
 */
#include "panic.h"

#include <pthread.h>
#include <stdint.h>

#include "tl_test.h"

static const char boom[] = "boom";

/* Three real call levels between the frame and the panic. */
static __attribute__((noinline)) void level1(void)
{
	tl_panic(boom);
}

static __attribute__((noinline)) void level2(void)
{
	level1();
}

static __attribute__((noinline)) void deep(void)
{
	level2();
}

TL_TEST(panic_recovers_value)
{
	struct tl_panic_frame f;
	volatile int reached = 0;

	tl_panic_enter(&f, NULL, NULL);
	if (setjmp(f.jb) == 0) {
		deep();
		reached = 1;
		tl_panic_leave(&f);
	} else {
		TL_CHECK(tl_panic_value(&f) == boom);
	}
	TL_CHECK_INT(reached, 0);
	TL_CHECK_INT(tl_panic_depth(), 0);
}

TL_TEST(panic_normal_path_leaves_frame)
{
	struct tl_panic_frame f;
	volatile int landed = 0;

	tl_panic_enter(&f, NULL, NULL);
	TL_CHECK_INT(tl_panic_depth(), 1);
	if (setjmp(f.jb) == 0)
		tl_panic_leave(&f);
	else
		landed = 1;
	TL_CHECK_INT(landed, 0);
	TL_CHECK_INT(tl_panic_depth(), 0);
}

static void count(void *arg)
{
	(*(int *)arg)++;
}

TL_TEST(panic_runs_defers_of_unwound_frames)
{
	struct tl_defer_rec recs[4];
	struct tl_defer_chain c;
	struct tl_panic_frame f;
	/*
	 * Static: the deferred calls change them between setjmp and longjmp,
	 * which leaves non-volatile locals indeterminate after the jump
	 * (C11 7.13.2.1); clang -O2 really does read a stale 0.
	 */
	static int before, inside;

	before = inside = 0;
	tl_defer_init(&c, recs, 4);
	TL_CHECK_INT(tl_defer_push(&c, count, &before), 0);
	tl_panic_enter(&f, &c, tl_defer_frame(&c));
	if (setjmp(f.jb) == 0) {
		TL_CHECK_INT(tl_defer_push(&c, count, &inside), 0);
		TL_CHECK_INT(tl_defer_push(&c, count, &inside), 0);
		deep();
	}
	TL_CHECK_INT(inside, 2);
	TL_CHECK_INT(before, 0);
	TL_CHECK_INT(tl_defer_depth(&c), 1);
	tl_defer_release(&c);
	TL_CHECK_INT(before, 1);
}

static void panic_again(void *arg)
{
	(void)arg;
	tl_panic("again");
}

TL_TEST(panic_in_deferred_call_lands_outside)
{
	struct tl_defer_rec recs[2];
	struct tl_defer_chain c;
	struct tl_panic_frame outer, inner;
	volatile int inner_landed = 0, outer_landed = 0;

	tl_defer_init(&c, recs, 2);
	tl_panic_enter(&outer, NULL, NULL);
	if (setjmp(outer.jb) == 0) {
		tl_panic_enter(&inner, &c, tl_defer_frame(&c));
		if (setjmp(inner.jb) == 0) {
			if (tl_defer_push(&c, panic_again, NULL))
				tl_panic_leave(&inner);
			deep();
		} else {
			inner_landed = 1;
		}
		tl_panic_leave(&outer);
	} else {
		outer_landed = 1;
		TL_CHECK_STR((const char *)tl_panic_value(&outer), "again");
	}
	TL_CHECK_INT(inner_landed, 0);
	TL_CHECK_INT(outer_landed, 1);
	TL_CHECK_INT(tl_panic_depth(), 0);
}

static void *panic_many(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	volatile uintptr_t bad = 0;
	int i;

	for (i = 0; i < 2000; i++) {
		struct tl_panic_frame f;

		tl_panic_enter(&f, NULL, NULL);
		if (setjmp(f.jb) == 0) {
			tl_panic((const void *)(id + 1));
		} else if (tl_panic_value(&f) != (const void *)(id + 1)) {
			bad++;
		}
		if (tl_panic_depth() != 0)
			bad++;
	}
	return (void *)bad;
}

TL_TEST(panic_frames_are_per_thread)
{
	pthread_t t[4];
	void *ret;
	uintptr_t i;

	for (i = 0; i < 4; i++)
		TL_CHECK_INT(pthread_create(&t[i], NULL, panic_many, (void *)i),
			     0);
	for (i = 0; i < 4; i++) {
		TL_CHECK_INT(pthread_join(t[i], &ret), 0);
		TL_CHECK(ret == NULL);
	}
}

TL_TEST_MAIN()
