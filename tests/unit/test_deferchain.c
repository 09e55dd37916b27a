/*
 * test_deferchain.c - unit tests for lib/deferchain: LIFO order, frames,
 * record exhaustion, pushes from a deferred call, release, and one chain
 * per thread.
 */
#include "deferchain.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>

#include "tl_test.h"

struct log {
	int n;
	int order[16];
};

struct entry {
	struct log *log;
	int id;
};

static void record(void *arg)
{
	struct entry *e = arg;

	if (e->log->n < 16)
		e->log->order[e->log->n++] = e->id;
}

TL_TEST(defer_runs_last_first)
{
	struct tl_defer_rec recs[4];
	struct tl_defer_chain c;
	struct log log = {0};
	struct entry e[3] = {{&log, 1}, {&log, 2}, {&log, 3}};
	tl_defer_mark m;
	int i;

	tl_defer_init(&c, recs, 4);
	m = tl_defer_frame(&c);
	for (i = 0; i < 3; i++)
		TL_CHECK_INT(tl_defer_push(&c, record, &e[i]), 0);
	TL_CHECK_INT(tl_defer_depth(&c), 3);
	TL_CHECK_INT(tl_defer_run(&c, m), 3);
	TL_CHECK_INT(log.n, 3);
	TL_CHECK_INT(log.order[0], 3);
	TL_CHECK_INT(log.order[1], 2);
	TL_CHECK_INT(log.order[2], 1);
	TL_CHECK_INT(tl_defer_depth(&c), 0);
}

TL_TEST(defer_frames_nest)
{
	struct tl_defer_rec recs[4];
	struct tl_defer_chain c;
	struct log log = {0};
	struct entry outer = {&log, 10}, inner1 = {&log, 21},
		     inner2 = {&log, 22};
	tl_defer_mark mo, mi;

	tl_defer_init(&c, recs, 4);
	mo = tl_defer_frame(&c);
	TL_CHECK_INT(tl_defer_push(&c, record, &outer), 0);
	mi = tl_defer_frame(&c);
	TL_CHECK_INT(tl_defer_push(&c, record, &inner1), 0);
	TL_CHECK_INT(tl_defer_push(&c, record, &inner2), 0);
	TL_CHECK_INT(tl_defer_run(&c, mi), 2);
	TL_CHECK_INT(log.n, 2);
	TL_CHECK_INT(tl_defer_depth(&c), 1);
	TL_CHECK_INT(tl_defer_run(&c, mo), 1);
	TL_CHECK_INT(log.order[2], 10);
}

TL_TEST(defer_push_fails_when_records_run_out)
{
	struct tl_defer_rec recs[2];
	struct tl_defer_chain c;
	struct log log = {0};
	struct entry e = {&log, 1};

	tl_defer_init(&c, recs, 2);
	TL_CHECK_INT(tl_defer_push(&c, record, &e), 0);
	TL_CHECK_INT(tl_defer_push(&c, record, &e), 0);
	TL_CHECK_INT(tl_defer_push(&c, record, &e), -ENOMEM);
	TL_CHECK_INT(tl_defer_run(&c, NULL), 2);
	/* Records came back to the free list. */
	TL_CHECK_INT(tl_defer_push(&c, record, &e), 0);
	tl_defer_release(&c);
	TL_CHECK_INT(log.n, 3);
	TL_CHECK_INT(tl_defer_push(&c, record, &e), -ENOMEM);
	tl_defer_release(NULL);
}

struct nested {
	struct tl_defer_chain *c;
	struct entry *then;
};

static void push_more(void *arg)
{
	struct nested *n = arg;

	if (tl_defer_push(n->c, record, n->then))
		record(n->then);
}

TL_TEST(defer_call_may_push)
{
	struct tl_defer_rec recs[2];
	struct tl_defer_chain c;
	struct log log = {0};
	struct entry e = {&log, 7};
	struct nested n = {&c, &e};
	tl_defer_mark m;

	tl_defer_init(&c, recs, 2);
	m = tl_defer_frame(&c);
	TL_CHECK_INT(tl_defer_push(&c, push_more, &n), 0);
	TL_CHECK_INT(tl_defer_run(&c, m), 2);
	TL_CHECK_INT(log.n, 1);
	TL_CHECK_INT(log.order[0], 7);
}

static void bump(void *arg)
{
	(*(uint64_t *)arg)++;
}

static void *churn_chain(void *arg)
{
	struct tl_defer_rec recs[8];
	struct tl_defer_chain c;
	uint64_t count = 0;
	int round, i;

	(void)arg;
	tl_defer_init(&c, recs, 8);
	for (round = 0; round < 1000; round++) {
		tl_defer_mark m = tl_defer_frame(&c);

		for (i = 0; i < 8; i++)
			if (tl_defer_push(&c, bump, &count))
				return (void *)1;
		tl_defer_run(&c, m);
	}
	return count == 8000 ? NULL : (void *)2;
}

TL_TEST(defer_threads_do_not_share_state)
{
	pthread_t t[4];
	void *ret;
	int i;

	for (i = 0; i < 4; i++)
		TL_CHECK_INT(pthread_create(&t[i], NULL, churn_chain, NULL), 0);
	for (i = 0; i < 4; i++) {
		TL_CHECK_INT(pthread_join(t[i], &ret), 0);
		TL_CHECK(ret == NULL);
	}
}

TL_TEST_MAIN()
