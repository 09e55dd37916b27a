/*
 * channels.c - C side of the channels experiment (article 3.2): messages
 * between two threads through a Go-style channel and through lock-free
 * rings, on one core or on two.
 *
 * Variants (what carries a message):
 *   c.chan.unbuffered  lib/chan with cap 0 (rendezvous, like make(chan T))
 *   c.chan.buffered    lib/chan with cap `cap`
 *   c.ring.spsc        lib/ring SPSC ring (C11 atomics)
 *   c.ring.mpmc        lib/ring MPMC ring (Vyukov, CAS per operation)
 *   c.ck.spsc          Concurrency Kit's ck_ring SPSC, the reference
 * Params:
 *   pattern=pingpong   one op = one round trip: main sends i, the partner
 *                      answers i+1 on a second link (latency)
 *   pattern=stream     one op = one message one way; a sample ends when
 *                      the partner has received them all (throughput)
 *   pin=same|cross     both threads on CPU 0, or main on 0 and partner on
 *                      1 (sched_setaffinity); pin=none leaves it to Linux
 *   cap=N              buffer slots (rings round up to a power of two)
 * Rings never block: a waiting side spins with `pause` briefly and then
 * calls sched_yield(), which is what makes same-core rings work at all.
 * Facts: CPUs online, NUMA nodes (sysfs) and the node of each pinned CPU;
 * with one node there is no cross-node figure to measure.
 */
#define _GNU_SOURCE /* CPU_SET, pthread_setaffinity_np */
#include "tlw.h"

#include "chan.h"
#include "ring.h"

#include <ck_ring.h>
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

enum kind { K_CHAN, K_SPSC, K_MPMC, K_CK };

#define STOP UINTPTR_MAX

/* One direction of message flow. */
struct link {
	enum kind kind;
	struct tl_chan chan;
	struct tl_ring_spsc spsc;
	struct tl_ring_mpmc mpmc;
	struct ck_ring ck;
	struct ck_ring_buffer *ckbuf;
	void *storage;
};

static inline void relax(unsigned *spins)
{
	if (++*spins < 64) {
		__builtin_ia32_pause();
	} else {
		*spins = 0;
		sched_yield();
	}
}

static inline void xsend(struct link *l, uintptr_t v)
{
	unsigned spins = 0;

	switch (l->kind) {
	case K_CHAN:
		if (tl_chan_send(&l->chan, &v))
			tlw_die("channel closed");
		break;
	case K_SPSC:
		while (tl_ring_push_spsc(&l->spsc, (void *)v))
			relax(&spins);
		break;
	case K_MPMC:
		while (tl_ring_push_mpmc(&l->mpmc, (void *)v))
			relax(&spins);
		break;
	case K_CK:
		while (!ck_ring_enqueue_spsc(&l->ck, l->ckbuf, (void *)v))
			relax(&spins);
		break;
	}
}

static inline uintptr_t xrecv(struct link *l)
{
	unsigned spins = 0;
	uintptr_t v = 0;
	void *p;

	switch (l->kind) {
	case K_CHAN:
		if (tl_chan_recv(&l->chan, &v) != 1)
			tlw_die("channel closed");
		return v;
	case K_SPSC:
		while (tl_ring_pop_spsc(&l->spsc, &p))
			relax(&spins);
		return (uintptr_t)p;
	case K_MPMC:
		while (tl_ring_pop_mpmc(&l->mpmc, &p))
			relax(&spins);
		return (uintptr_t)p;
	case K_CK:
		while (!ck_ring_dequeue_spsc(&l->ck, l->ckbuf, &p))
			relax(&spins);
		return (uintptr_t)p;
	}
	return 0;
}

static size_t pow2_at_least(size_t n)
{
	size_t p = 2;

	while (p < n)
		p <<= 1;
	return p;
}

static void link_init(struct link *l, enum kind k, size_t cap)
{
	size_t n = pow2_at_least(cap);

	memset(l, 0, sizeof(*l));
	l->kind = k;
	switch (k) {
	case K_CHAN:
		l->storage = cap ? calloc(cap, sizeof(uintptr_t)) : NULL;
		if (tl_chan_init(&l->chan, sizeof(uintptr_t), cap, l->storage))
			tlw_die("tl_chan_init failed");
		break;
	case K_SPSC:
		l->storage = calloc(n, sizeof(void *));
		if (!l->storage || tl_ring_init_spsc(&l->spsc, l->storage, n))
			tlw_die("tl_ring_init_spsc failed");
		break;
	case K_MPMC:
		l->storage = calloc(n, sizeof(struct tl_ring_cell));
		if (!l->storage || tl_ring_init_mpmc(&l->mpmc, l->storage, n))
			tlw_die("tl_ring_init_mpmc failed");
		break;
	case K_CK:
		/* ck_ring holds size - 1 entries; one more slot for parity. */
		n = pow2_at_least(cap + 1);
		l->ckbuf = calloc(n, sizeof(*l->ckbuf));
		if (!l->ckbuf)
			tlw_die("out of memory");
		ck_ring_init(&l->ck, (unsigned int)n);
		break;
	}
}

static void link_release(struct link *l)
{
	if (l->kind == K_CHAN)
		tl_chan_release(&l->chan);
	free(l->storage);
	free(l->ckbuf);
}

struct ctx {
	struct link to, back;
	int stream;
	int cpu_partner;
	/* partner's results, read after join */
	uintptr_t sum;
	uint64_t received;
	uint64_t out_of_order;
	atomic_uint_fast64_t acked; /* stream: messages received so far */
};

static int pin_to(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *partner(void *arg)
{
	struct ctx *c = arg;
	uintptr_t v, expect = 1;

	if (pin_to(c->cpu_partner))
		tlw_die("cannot pin the partner to CPU %d", c->cpu_partner);
	for (;;) {
		v = xrecv(&c->to);
		if (v == STOP)
			break;
		c->out_of_order += v != expect;
		expect = v + 1;
		c->received++;
		if (c->stream) {
			c->sum += v;
			/* Release: main may stop waiting once it sees this. */
			atomic_store_explicit(&c->acked, c->received,
					      memory_order_release);
		} else {
			xsend(&c->back, v + 1);
		}
	}
	return NULL;
}

static uintptr_t next_value = 1;
static uint64_t bad_replies;

static void batch_pingpong(void *arg, uint64_t ops)
{
	struct ctx *c = arg;
	uint64_t i;

	for (i = 0; i < ops; i++) {
		uintptr_t v = next_value++;

		xsend(&c->to, v);
		bad_replies += xrecv(&c->back) != v + 1;
	}
}

static void batch_stream(void *arg, uint64_t ops)
{
	struct ctx *c = arg;
	uint64_t target = atomic_load(&c->acked) + ops, i;
	unsigned spins = 0;

	for (i = 0; i < ops; i++)
		xsend(&c->to, next_value++);
	while (atomic_load_explicit(&c->acked, memory_order_acquire) < target)
		relax(&spins);
}

static int count_numa_nodes(void)
{
	DIR *d = opendir("/sys/devices/system/node");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, "node", 4) == 0 && e->d_name[4] >= '0' &&
		    e->d_name[4] <= '9')
			n++;
	closedir(d);
	return n;
}

static int node_of_cpu(int cpu)
{
	char path[96];
	int node;

	for (node = 0; node < 1024; node++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/node%d", cpu, node);
		if (access(path, F_OK) == 0)
			return node;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct tlw_args a;
	struct ctx c;
	pthread_t t;
	const char *pin, *pattern;
	uintptr_t n;
	size_t cap;
	enum kind k;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int cpu_main = -1;

	tlw_parse(argc, argv, &a);
	memset(&c, 0, sizeof(c));
	cap = (size_t)tlw_int(&a, "cap", 64);
	pin = tlw_str(&a, "pin", "cross");
	pattern = tlw_str(&a, "pattern", "pingpong");
	if (tlw_is(&a, "c.chan.unbuffered")) {
		k = K_CHAN;
		cap = 0;
	} else if (tlw_is(&a, "c.chan.buffered")) {
		k = K_CHAN;
	} else if (tlw_is(&a, "c.ring.spsc")) {
		k = K_SPSC;
	} else if (tlw_is(&a, "c.ring.mpmc")) {
		k = K_MPMC;
	} else if (tlw_is(&a, "c.ck.spsc")) {
		k = K_CK;
	} else {
		tlw_die("unknown variant '%s'", a.variant);
	}
	if (k != K_CHAN && cap < 1)
		tlw_die("cap must be >= 1 for a ring");
	if (strcmp(pattern, "pingpong") && strcmp(pattern, "stream"))
		tlw_die("pattern must be pingpong or stream, not '%s'",
			pattern);
	c.stream = strcmp(pattern, "stream") == 0;

	tlw_fact_int("cpus_online", ncpu);
	tlw_fact_int("numa_nodes", count_numa_nodes());
	if (strcmp(pin, "same") == 0) {
		cpu_main = c.cpu_partner = 0;
	} else if (strcmp(pin, "cross") == 0) {
		if (ncpu < 2) {
			fflush(stdout);
			fprintf(stderr, "workload: pin=cross needs 2 CPUs, "
					"this machine has 1\n");
			return 3;
		}
		cpu_main = 0;
		c.cpu_partner = 1;
	} else if (strcmp(pin, "none") == 0) {
		c.cpu_partner = -1;
	} else {
		tlw_die("pin must be same, cross or none, not '%s'", pin);
	}
	if (cpu_main >= 0) {
		tlw_fact_int("cpu_main", cpu_main);
		tlw_fact_int("cpu_partner", c.cpu_partner);
		tlw_fact_int("numa_node_main", node_of_cpu(cpu_main));
		tlw_fact_int("numa_node_partner", node_of_cpu(c.cpu_partner));
	}
	tlw_fact_int("capacity", (long long)cap);
	tlw_fact("clock", "CLOCK_MONOTONIC");
	if (pin_to(cpu_main))
		tlw_die("cannot pin main to CPU %d", cpu_main);

	link_init(&c.to, k, cap);
	link_init(&c.back, k, cap);
	if (pthread_create(&t, NULL, partner, &c))
		tlw_die("cannot create the partner thread");
	tlw_run(&a, c.stream ? batch_stream : batch_pingpong, &c);
	xsend(&c.to, STOP);
	pthread_join(t, NULL);

	n = next_value - 1;
	if (c.received != n || c.out_of_order || bad_replies ||
	    (c.stream && c.sum != n * (n + 1) / 2))
		tlw_die("lost or reordered messages: sent %llu, received "
			"%llu, out of order %llu, bad replies %llu",
			(unsigned long long)n, (unsigned long long)c.received,
			(unsigned long long)c.out_of_order,
			(unsigned long long)bad_replies);
	link_release(&c.to);
	link_release(&c.back);
	return tlw_finish();
}
