/*
 * test_chan_stress.c - many senders and receivers on one channel, on both
 * cores, for ThreadSanitizer (`make tsan` selects "stress" binaries).
 *
 * Every message is a distinct integer; the receivers mark what they got
 * and the test checks each arrived exactly once and the sum matches. Run
 * for an unbuffered and a buffered channel, ending with close().
 */
#include "chan.h"

#include "tl_test.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

enum { SENDERS = 3, RECEIVERS = 3, PER_SENDER = 20000 };

struct shared {
	struct tl_chan *c;
	unsigned char *seen; /* one byte per message, written by receivers */
	pthread_mutex_t mu;  /* guards seen (the check, not the channel) */
	uint64_t sum;
	int dup;
};

struct sender {
	struct shared *s;
	int id;
	int err;
};

static void *send_all(void *arg)
{
	struct sender *me = arg;
	uint64_t i, v;

	for (i = 0; i < PER_SENDER; i++) {
		v = (uint64_t)me->id * PER_SENDER + i;
		if (tl_chan_send(me->s->c, &v))
			me->err = 1;
	}
	return NULL;
}

static void *recv_all(void *arg)
{
	struct shared *s = arg;
	uint64_t v;

	while (tl_chan_recv(s->c, &v) == 1) {
		pthread_mutex_lock(&s->mu);
		if (v >= (uint64_t)SENDERS * PER_SENDER || s->seen[v])
			s->dup++;
		else
			s->seen[v] = 1;
		s->sum += v;
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

static int run(size_t cap)
{
	const uint64_t n = (uint64_t)SENDERS * PER_SENDER;
	pthread_t st[SENDERS], rt[RECEIVERS];
	struct sender snd[SENDERS];
	struct shared s = {0};
	uint64_t i;
	int k, bad = 0;

	s.c = tl_chan_new(sizeof(uint64_t), cap);
	s.seen = calloc(n, 1);
	if (!s.c || !s.seen)
		return 1;
	pthread_mutex_init(&s.mu, NULL);
	for (k = 0; k < RECEIVERS; k++)
		pthread_create(&rt[k], NULL, recv_all, &s);
	for (k = 0; k < SENDERS; k++) {
		snd[k] = (struct sender){&s, k, 0};
		pthread_create(&st[k], NULL, send_all, &snd[k]);
	}
	for (k = 0; k < SENDERS; k++) {
		pthread_join(st[k], NULL);
		bad |= snd[k].err;
	}
	tl_chan_close(s.c);
	for (k = 0; k < RECEIVERS; k++)
		pthread_join(rt[k], NULL);
	for (i = 0; i < n; i++)
		bad |= !s.seen[i];
	bad |= s.dup != 0;
	bad |= s.sum != n * (n - 1) / 2;
	pthread_mutex_destroy(&s.mu);
	free(s.seen);
	tl_chan_free(s.c);
	return bad;
}

TL_TEST(chan_stress_unbuffered)
{
	TL_CHECK_INT(run(0), 0);
}

TL_TEST(chan_stress_buffered)
{
	TL_CHECK_INT(run(16), 0);
}

TL_TEST_MAIN()
