/*
 * defer.c - the cost of running cleanup at function exit, C side
 * (article 2.4).
 *
 * One op is one call of a noinline function that takes a lock-like
 * resource (held++), does a little work that reads it, may leave early
 * (one call in 256), and must release it (held--, released++) on every
 * path. Variants differ only in how the release is arranged:
 *
 *   c.none     release written out before each return
 *   c.goto     one exit label (the kernel's goto-cleanup style)
 *   c.cleanup  __attribute__((cleanup)) on a guard variable (GCC/Clang)
 *   c.chain    lib/deferchain: push {unlock, res} on a per-thread chain,
 *              run the frame's records at exit (Go's pre-1.14 defer)
 *
 * Loop group (`n` resources taken in a loop, all held until return):
 *
 *   c.loop_none   n explicit releases at the end
 *   c.loop_chain  n chain records pushed in the loop (Go's defer in a loop)
 *
 * The work sums `held` as seen inside the body; that sum, held == 0 and
 * the release count are checked after the batches.
 */
#include <stdint.h>

#include "deferchain.h"
#include "tlw.h"

struct res {
	uint64_t held, released;
};

static struct tl_defer_rec recs[256];
static struct tl_defer_chain chain;

static inline void lock(struct res *r)
{
	r->held++;
}

static void unlock(void *arg)
{
	struct res *r = arg;

	r->held--;
	r->released++;
}

static void unlock_guard(struct res **g)
{
	unlock(*g);
}

static __attribute__((noinline)) uint64_t f_none(struct res *r, uint64_t x)
{
	uint64_t v;

	lock(r);
	v = x * 3 + r->held;
	if ((x & 255) == 255) {
		unlock(r);
		return v;
	}
	v ^= x >> 3;
	unlock(r);
	return v;
}

static __attribute__((noinline)) uint64_t f_goto(struct res *r, uint64_t x)
{
	uint64_t v;

	lock(r);
	v = x * 3 + r->held;
	if ((x & 255) == 255)
		goto out_unlock;
	v ^= x >> 3;
out_unlock:
	unlock(r);
	return v;
}

static __attribute__((noinline)) uint64_t f_cleanup(struct res *r, uint64_t x)
{
	struct res *guard __attribute__((cleanup(unlock_guard))) = r;
	uint64_t v;

	lock(guard);
	v = x * 3 + r->held;
	if ((x & 255) == 255)
		return v;
	v ^= x >> 3;
	return v;
}

static __attribute__((noinline)) uint64_t f_chain(struct res *r, uint64_t x)
{
	tl_defer_mark m = tl_defer_frame(&chain);
	uint64_t v;

	lock(r);
	if (tl_defer_push(&chain, unlock, r))
		tlw_die("defer chain exhausted");
	v = x * 3 + r->held;
	if ((x & 255) == 255) {
		tl_defer_run(&chain, m);
		return v;
	}
	v ^= x >> 3;
	tl_defer_run(&chain, m);
	return v;
}

static int nloop = 8;

static __attribute__((noinline)) uint64_t f_loop_none(struct res *r, uint64_t x)
{
	uint64_t v;
	int j;

	for (j = 0; j < nloop; j++)
		lock(r);
	v = x * 3 + r->held;
	for (j = 0; j < nloop; j++)
		unlock(r);
	return v;
}

static __attribute__((noinline)) uint64_t f_loop_chain(struct res *r,
						       uint64_t x)
{
	tl_defer_mark m = tl_defer_frame(&chain);
	uint64_t v;
	int j;

	for (j = 0; j < nloop; j++) {
		lock(r);
		if (tl_defer_push(&chain, unlock, r))
			tlw_die("defer chain exhausted");
	}
	v = x * 3 + r->held;
	tl_defer_run(&chain, m);
	return v;
}

typedef uint64_t op_fn(struct res *r, uint64_t x);

struct ctx {
	op_fn *fn;
	struct res r;
	uint64_t sum, ops;
};

static void run(void *arg, uint64_t ops)
{
	struct ctx *c = arg;
	uint64_t i, sum = 0;

	for (i = 0; i < ops; i++)
		sum += c->fn(&c->r, i);
	c->sum += sum;
	c->ops += ops;
}

/* What the body computes, recomputed without any mechanism. */
static uint64_t expected(uint64_t ops, uint64_t held_inside, int samples)
{
	uint64_t i, sum = 0;

	for (i = 0; i < ops; i++) {
		uint64_t v = i * 3 + held_inside;

		if ((i & 255) != 255 || held_inside != 1)
			v ^= held_inside == 1 ? i >> 3 : 0;
		sum += v;
	}
	return sum * (uint64_t)samples;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		op_fn *fn;
		int loop;
	} tab[] = {
		{"c.none", f_none, 0},
		{"c.goto", f_goto, 0},
		{"c.cleanup", f_cleanup, 0},
		{"c.chain", f_chain, 0},
		{"c.loop_none", f_loop_none, 1},
		{"c.loop_chain", f_loop_chain, 1},
	};
	struct tlw_args a;
	struct ctx c = {0};
	uint64_t per_call = 1;
	size_t i;

	tlw_parse(argc, argv, &a);
	nloop = (int)tlw_int(&a, "n", 8);
	if (nloop < 1 || nloop > 128)
		tlw_die("n must be within 1..128");
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tlw_is(&a, tab[i].name)) {
			c.fn = tab[i].fn;
			per_call = tab[i].loop ? (uint64_t)nloop : 1;
		}
	if (!c.fn)
		tlw_die("unknown variant '%s'", a.variant);
	tl_defer_init(&chain, recs, sizeof(recs) / sizeof(recs[0]));
	tlw_run(&a, run, &c);
	if (c.r.held != 0 || c.r.released != c.ops * per_call ||
	    c.sum != expected(a.ops, per_call, a.samples))
		tlw_die("held %llu released %llu sum %llu: cleanup went wrong",
			(unsigned long long)c.r.held,
			(unsigned long long)c.r.released,
			(unsigned long long)c.sum);
	return tlw_finish();
}
