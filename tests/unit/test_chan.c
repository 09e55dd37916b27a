/*
 * test_chan.c - the Go-style channel, single-threaded paths and a simple
 * two-thread hand-off. The many-thread stress lives in test_chan_stress.c.
 */
#include "chan.h"

#include "tl_test.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>

TL_TEST(chan_buffered_fifo_and_full)
{
	uint64_t buf[4], v;
	struct tl_chan c;
	int i;

	TL_CHECK_INT(tl_chan_init(&c, sizeof(uint64_t), 4, buf), 0);
	for (i = 0; i < 4; i++) {
		v = (uint64_t)i + 10;
		TL_CHECK_INT(tl_chan_try_send(&c, &v), 0);
	}
	TL_CHECK_INT(tl_chan_len(&c), 4);
	TL_CHECK_INT(tl_chan_try_send(&c, &v), -EAGAIN);
	for (i = 0; i < 4; i++) {
		TL_CHECK_INT(tl_chan_try_recv(&c, &v), 1);
		TL_CHECK_INT(v, i + 10);
	}
	TL_CHECK_INT(tl_chan_try_recv(&c, &v), -EAGAIN);
	tl_chan_release(&c);
}

TL_TEST(chan_wraps_around)
{
	struct tl_chan *c = tl_chan_new(sizeof(int), 3);
	int i, v;

	TL_CHECK(c);
	for (i = 0; i < 100; i++) {
		TL_CHECK_INT(tl_chan_send(c, &i), 0);
		if (i % 2)
			TL_CHECK_INT(tl_chan_send(c, &i), 0);
		TL_CHECK_INT(tl_chan_recv(c, &v), 1);
		TL_CHECK_INT(v, i);
		if (i % 2) {
			TL_CHECK_INT(tl_chan_recv(c, &v), 1);
			TL_CHECK_INT(v, i);
		}
	}
	tl_chan_free(c);
	tl_chan_free(NULL);
}

TL_TEST(chan_unbuffered_try_fails_without_partner)
{
	struct tl_chan c;
	int v = 1;

	TL_CHECK_INT(tl_chan_init(&c, sizeof(int), 0, NULL), 0);
	TL_CHECK_INT(tl_chan_try_send(&c, &v), -EAGAIN);
	TL_CHECK_INT(tl_chan_try_recv(&c, &v), -EAGAIN);
	tl_chan_release(&c);
	TL_CHECK_INT(tl_chan_init(&c, 0, 0, NULL), -EINVAL);
	TL_CHECK_INT(tl_chan_init(&c, 4, 2, NULL), -EINVAL);
}

TL_TEST(chan_close_drains_then_reports_closed)
{
	int buf[2], v = 7;
	struct tl_chan c;

	TL_CHECK_INT(tl_chan_init(&c, sizeof(int), 2, buf), 0);
	TL_CHECK_INT(tl_chan_send(&c, &v), 0);
	TL_CHECK_INT(tl_chan_close(&c), 0);
	TL_CHECK_INT(tl_chan_close(&c), -EPIPE);
	TL_CHECK_INT(tl_chan_send(&c, &v), -EPIPE);
	v = 0;
	TL_CHECK_INT(tl_chan_recv(&c, &v), 1);
	TL_CHECK_INT(v, 7);
	TL_CHECK_INT(tl_chan_recv(&c, &v), 0);
	TL_CHECK_INT(v, 0);
	tl_chan_release(&c);
}

struct pp {
	struct tl_chan *ping, *pong;
	int rounds;
};

static void *echo(void *arg)
{
	struct pp *p = arg;
	uint64_t v;

	while (tl_chan_recv(p->ping, &v) == 1) {
		v++;
		if (tl_chan_send(p->pong, &v))
			break;
	}
	return NULL;
}

TL_TEST(chan_unbuffered_ping_pong)
{
	struct tl_chan ping, pong;
	struct pp p = {&ping, &pong, 2000};
	pthread_t t;
	uint64_t v = 0;
	int i;

	TL_CHECK_INT(tl_chan_init(&ping, sizeof(v), 0, NULL), 0);
	TL_CHECK_INT(tl_chan_init(&pong, sizeof(v), 0, NULL), 0);
	TL_CHECK_INT(pthread_create(&t, NULL, echo, &p), 0);
	for (i = 0; i < p.rounds; i++) {
		TL_CHECK_INT(tl_chan_send(&ping, &v), 0);
		TL_CHECK_INT(tl_chan_recv(&pong, &v), 1);
	}
	tl_chan_close(&ping);
	pthread_join(t, NULL);
	TL_CHECK_INT(v, p.rounds);
	tl_chan_release(&ping);
	tl_chan_release(&pong);
}

static void *blocked_recv(void *arg)
{
	struct tl_chan *c = arg;
	int v = 5;

	return (void *)(intptr_t)(tl_chan_recv(c, &v) * 10 + v);
}

TL_TEST(chan_close_wakes_blocked_receiver)
{
	struct tl_chan c;
	pthread_t t;
	void *ret;

	TL_CHECK_INT(tl_chan_init(&c, sizeof(int), 0, NULL), 0);
	TL_CHECK_INT(pthread_create(&t, NULL, blocked_recv, &c), 0);
	tl_chan_close(&c);
	pthread_join(t, &ret);
	/* recv returned 0 (closed) and zeroed the element. */
	TL_CHECK_INT((intptr_t)ret, 0);
	tl_chan_release(&c);
}

TL_TEST_MAIN()
