/*
 * chan.h - a Go-style channel in C: one mutex, condition variables and
 * FIFO wait queues of blocked senders and receivers.
 *
 * It follows the structure of Go's runtime/chan.go (hchan): a ring buffer
 * of cap elements (cap 0 = unbuffered, a rendezvous), a queue of waiting
 * senders (sendq) and one of waiting receivers (recvq), all under one lock.
 * A sender that finds a waiting receiver copies the element straight into
 * the receiver's variable and wakes it; otherwise it buffers the element
 * or parks itself on sendq. Receivers mirror that. Each parked thread
 * waits on its own condition variable (Go parks the goroutine instead), so
 * a wake-up is one futex wake aimed at one thread.
 *
 * The caller owns the struct and the buffer storage (tl_chan_init);
 * tl_chan_new() is the heap convenience. Elements are copied by value,
 * elem_bytes each. Everything here is thread-safe except init/release,
 * which must not race with any other call.
 */
#ifndef TL_CHAN_H
#define TL_CHAN_H

#include <pthread.h>
#include <stddef.h>

struct tl__chan_waiter;

/* Exposed so callers can embed a channel; all fields are private. */
struct tl_chan {
	pthread_mutex_t mu;
	size_t elem_bytes;
	size_t cap;	    /* buffer slots; 0 = unbuffered */
	unsigned char *buf; /* cap * elem_bytes bytes, borrowed */
	size_t head;	    /* index of the oldest buffered element */
	size_t count;	    /* buffered elements */
	int closed;
	struct tl__chan_waiter *sendq_head, *sendq_tail;
	struct tl__chan_waiter *recvq_head, *recvq_tail;
};

/*
 * Initialises a channel of cap elements of elem_bytes bytes. buf must hold
 * cap * elem_bytes bytes and outlive the channel (NULL when cap is 0).
 * Returns 0 or -EINVAL (elem_bytes 0, buf missing) or the -errno of
 * pthread_mutex_init.
 */
int tl_chan_init(struct tl_chan *c, size_t elem_bytes, size_t cap, void *buf);

/* Releases the mutex. No thread may be blocked on the channel. */
void tl_chan_release(struct tl_chan *c);

/* Heap convenience: the struct and buffer in one allocation, or NULL. */
struct tl_chan *tl_chan_new(size_t elem_bytes, size_t cap);
void tl_chan_free(struct tl_chan *c);

/*
 * Sends a copy of *elem, blocking until a receiver takes it (unbuffered)
 * or a buffer slot is free. Returns 0, or -EPIPE when the channel is or
 * becomes closed (Go panics there; C callers get an error).
 */
int tl_chan_send(struct tl_chan *c, const void *elem);

/*
 * Receives into *elem, blocking until an element arrives. Returns 1 with
 * *elem set, or 0 when the channel is closed and drained (*elem zeroed,
 * like Go's `v, ok := <-c` with ok false).
 */
int tl_chan_recv(struct tl_chan *c, void *elem);

/* Non-blocking forms: -EAGAIN instead of waiting. */
int tl_chan_try_send(struct tl_chan *c, const void *elem);
int tl_chan_try_recv(struct tl_chan *c, void *elem);

/*
 * Closes the channel: blocked receivers get 0 once the buffer is drained,
 * blocked and later senders get -EPIPE. Returns 0, or -EPIPE when it was
 * already closed.
 */
int tl_chan_close(struct tl_chan *c);

/* Buffered element count right now (a racy snapshot, for tests). */
size_t tl_chan_len(struct tl_chan *c);

#endif
