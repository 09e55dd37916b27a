/*
 * chan.c - Go-style channel: hchan's algorithm with pthread primitives.
 *
 * Invariants, all under c->mu:
 *   - recvq non-empty implies count == 0 (a receiver parks only when the
 *     buffer is empty, and a sender hands to a parked receiver first);
 *   - sendq non-empty implies count == cap (symmetrically);
 *   - a waiter is on a queue iff its `done` flag is 0.
 * A waiter lives on its parked thread's stack. It is signalled while the
 * mutex is held: once the mutex is released the waiter may return and
 * its condition variable cease to exist.
 */
#include "chan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct tl__chan_waiter {
	pthread_cond_t cv;
	void *elem; /* receiver: where to put; sender: what to take */
	int done;   /* set by the thread that completes or cancels it */
	int ok;	    /* 1: transfer happened; 0: the channel closed */
	struct tl__chan_waiter *next;
};

static void enqueue(struct tl__chan_waiter **head,
		    struct tl__chan_waiter **tail, struct tl__chan_waiter *w)
{
	w->next = NULL;
	if (*tail)
		(*tail)->next = w;
	else
		*head = w;
	*tail = w;
}

static struct tl__chan_waiter *dequeue(struct tl__chan_waiter **head,
				       struct tl__chan_waiter **tail)
{
	struct tl__chan_waiter *w = *head;

	if (w) {
		*head = w->next;
		if (!*head)
			*tail = NULL;
	}
	return w;
}

static void wake(struct tl__chan_waiter *w, int ok)
{
	w->ok = ok;
	w->done = 1;
	pthread_cond_signal(&w->cv);
}

static void park(struct tl_chan *c, struct tl__chan_waiter *w)
{
	while (!w->done)
		pthread_cond_wait(&w->cv, &c->mu);
}

static unsigned char *slot(struct tl_chan *c, size_t i)
{
	return c->buf + ((c->head + i) % c->cap) * c->elem_bytes;
}

int tl_chan_init(struct tl_chan *c, size_t elem_bytes, size_t cap, void *buf)
{
	int err;

	memset(c, 0, sizeof(*c));
	if (elem_bytes == 0 || (cap && !buf))
		return -EINVAL;
	err = pthread_mutex_init(&c->mu, NULL);
	if (err)
		return -err;
	c->elem_bytes = elem_bytes;
	c->cap = cap;
	c->buf = buf;
	return 0;
}

void tl_chan_release(struct tl_chan *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->mu);
}

struct tl_chan *tl_chan_new(size_t elem_bytes, size_t cap)
{
	struct tl_chan *c;

	if (elem_bytes == 0 || (cap && elem_bytes > (size_t)-1 / 2 / cap))
		return NULL;
	c = malloc(sizeof(*c) + cap * elem_bytes);
	if (!c)
		return NULL;
	if (tl_chan_init(c, elem_bytes, cap, cap ? (void *)(c + 1) : NULL)) {
		free(c);
		return NULL;
	}
	return c;
}

void tl_chan_free(struct tl_chan *c)
{
	if (!c)
		return;
	tl_chan_release(c);
	free(c);
}

/* The sending half, with c->mu held. block: park when it cannot proceed. */
static int send_locked(struct tl_chan *c, const void *elem, int block)
{
	struct tl__chan_waiter *r, w;

	if (c->closed)
		return -EPIPE;
	r = dequeue(&c->recvq_head, &c->recvq_tail);
	if (r) {
		memcpy(r->elem, elem, c->elem_bytes);
		wake(r, 1);
		return 0;
	}
	if (c->count < c->cap) {
		memcpy(slot(c, c->count), elem, c->elem_bytes);
		c->count++;
		return 0;
	}
	if (!block)
		return -EAGAIN;
	pthread_cond_init(&w.cv, NULL);
	w.elem = (void *)elem;
	w.done = 0;
	w.ok = 0;
	enqueue(&c->sendq_head, &c->sendq_tail, &w);
	park(c, &w);
	pthread_cond_destroy(&w.cv);
	return w.ok ? 0 : -EPIPE;
}

/* The receiving half, with c->mu held. */
static int recv_locked(struct tl_chan *c, void *elem, int block)
{
	struct tl__chan_waiter *s, w;

	s = dequeue(&c->sendq_head, &c->sendq_tail);
	if (s) {
		if (c->cap == 0) {
			memcpy(elem, s->elem, c->elem_bytes);
		} else {
			/*
			 * Buffer full (invariant): take the oldest element
			 * and put the parked sender's at the back, as Go does,
			 * so FIFO order holds.
			 */
			memcpy(elem, slot(c, 0), c->elem_bytes);
			memcpy(slot(c, 0), s->elem, c->elem_bytes);
			c->head = (c->head + 1) % c->cap;
		}
		wake(s, 1);
		return 1;
	}
	if (c->count > 0) {
		memcpy(elem, slot(c, 0), c->elem_bytes);
		c->head = (c->head + 1) % c->cap;
		c->count--;
		return 1;
	}
	if (c->closed) {
		memset(elem, 0, c->elem_bytes);
		return 0;
	}
	if (!block)
		return -EAGAIN;
	pthread_cond_init(&w.cv, NULL);
	w.elem = elem;
	w.done = 0;
	w.ok = 0;
	enqueue(&c->recvq_head, &c->recvq_tail, &w);
	park(c, &w);
	pthread_cond_destroy(&w.cv);
	if (!w.ok)
		memset(elem, 0, c->elem_bytes);
	return w.ok;
}

int tl_chan_send(struct tl_chan *c, const void *elem)
{
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = send_locked(c, elem, 1);
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int tl_chan_try_send(struct tl_chan *c, const void *elem)
{
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = send_locked(c, elem, 0);
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int tl_chan_recv(struct tl_chan *c, void *elem)
{
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = recv_locked(c, elem, 1);
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int tl_chan_try_recv(struct tl_chan *c, void *elem)
{
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = recv_locked(c, elem, 0);
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int tl_chan_close(struct tl_chan *c)
{
	struct tl__chan_waiter *w;

	pthread_mutex_lock(&c->mu);
	if (c->closed) {
		pthread_mutex_unlock(&c->mu);
		return -EPIPE;
	}
	c->closed = 1;
	/* recvq is non-empty only when the buffer is empty: nothing to drain.
	 */
	while ((w = dequeue(&c->recvq_head, &c->recvq_tail)))
		wake(w, 0);
	while ((w = dequeue(&c->sendq_head, &c->sendq_tail)))
		wake(w, 0);
	pthread_mutex_unlock(&c->mu);
	return 0;
}

size_t tl_chan_len(struct tl_chan *c)
{
	size_t n;

	pthread_mutex_lock(&c->mu);
	n = c->count;
	pthread_mutex_unlock(&c->mu);
	return n;
}
