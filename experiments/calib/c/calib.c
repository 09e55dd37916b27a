/*
 * calib.c - workloads whose true cost is known, to check traplab itself.
 *
 * Each loop is written in inline assembly so that the compiler cannot add,
 * remove or reorder a single instruction: one op is one trip round the
 * loop, and the instructions of one trip are counted below by hand. The
 * known costs are printed as facts (expected_*_per_op) so that the truth
 * sits in the results beside the measurement. Counts are per op of the
 * loop only: a batch's call, clock reads and printing are a fixed cost
 * that two-point differencing (OPS=N1 vs N2) cancels.
 *
 *   c.add_chain         8 dependent `add` (a chain: each needs the last),
 *                       dec, jnz: 10 instructions, 8 cycles (one per add;
 *                       dec/jnz run beside the chain).
 *   c.pointer_chase_l1  8 dependent loads `mov (p), p` through a 64-node
 *                       cycle of 64-byte nodes (4 KiB, fits any L1d),
 *                       dec, jnz: 10 instructions, 8 data reads, no L1d
 *                       miss once warm.
 *   c.empty             dec, jnz: 2 instructions.
 *   c.known_insns       load, add, lea, xor, not, add, store, dec, jnz: 9
 *                       instructions, 1 data read, 1 data write.
 *
 * Every loop has one conditional branch per op. The results are checked
 * in closed form (O(1), so the check adds no per-op cost), and a wrong
 * result exits non-zero. x86-64 only: the instruction counts are facts
 * about this encoding.
 */
#include "tlw.h"

#include <stdint.h>

#if !defined(__x86_64__)
int main(void)
{
	tlw_die("calib: the loops are x86-64 assembly");
}
#else

#define NODES 64

struct node {
	struct node *next;
	char pad[64 - sizeof(struct node *)];
};

static struct node nodes[NODES] __attribute__((aligned(64)));
static int order[NODES]; /* order[i]: the node visited i steps after 0 */

struct state {
	uint64_t total; /* ops run so far */
	uint64_t acc, inc;
	struct node *p;
	uint64_t a, b, c, d, e;
	uint64_t buf[2];
};

static void add_chain(void *ctx, uint64_t ops)
{
	struct state *s = ctx;
	uint64_t acc = s->acc, n = ops;

	__asm__ volatile("1:\n\t"
			 "add %[inc], %[acc]\n\t"
			 "add %[inc], %[acc]\n\t"
			 "add %[inc], %[acc]\n\t"
			 "add %[inc], %[acc]\n\t"
			 "add %[inc], %[acc]\n\t"
			 "add %[inc], %[acc]\n\t"
			 "add %[inc], %[acc]\n\t"
			 "add %[inc], %[acc]\n\t"
			 "dec %[n]\n\t"
			 "jnz 1b\n\t"
			 : [acc] "+r"(acc), [n] "+r"(n)
			 : [inc] "r"(s->inc)
			 : "cc");
	s->acc = acc;
	s->total += ops;
}

static void chase(void *ctx, uint64_t ops)
{
	struct state *s = ctx;
	struct node *p = s->p;
	uint64_t n = ops;

	__asm__ volatile("1:\n\t"
			 "mov (%[p]), %[p]\n\t"
			 "mov (%[p]), %[p]\n\t"
			 "mov (%[p]), %[p]\n\t"
			 "mov (%[p]), %[p]\n\t"
			 "mov (%[p]), %[p]\n\t"
			 "mov (%[p]), %[p]\n\t"
			 "mov (%[p]), %[p]\n\t"
			 "mov (%[p]), %[p]\n\t"
			 "dec %[n]\n\t"
			 "jnz 1b\n\t"
			 : [p] "+r"(p), [n] "+r"(n)
			 :
			 : "cc", "memory");
	s->p = p;
	s->total += ops;
}

static void empty(void *ctx, uint64_t ops)
{
	struct state *s = ctx;
	uint64_t n = ops;

	__asm__ volatile("1:\n\t"
			 "dec %[n]\n\t"
			 "jnz 1b\n\t"
			 : [n] "+r"(n)
			 :
			 : "cc");
	s->e += n; /* 0: the loop ran to the end */
	s->total += ops;
}

static void known_insns(void *ctx, uint64_t ops)
{
	struct state *s = ctx;
	uint64_t a = s->a, b = s->b, c = s->c, d = s->d, e = s->e, t, n = ops;

	__asm__ volatile("1:\n\t"
			 "mov (%[buf]), %[t]\n\t"
			 "add %[t], %[a]\n\t"
			 "lea 3(%[b]), %[b]\n\t"
			 "xor $0x55, %[c]\n\t"
			 "not %[d]\n\t"
			 "add $7, %[e]\n\t"
			 "mov %[a], 8(%[buf])\n\t"
			 "dec %[n]\n\t"
			 "jnz 1b\n\t"
			 : [a] "+r"(a), [b] "+r"(b), [c] "+r"(c), [d] "+r"(d),
			   [e] "+r"(e), [t] "=&r"(t), [n] "+r"(n)
			 : [buf] "r"(s->buf)
			 : "cc", "memory");
	s->a = a;
	s->b = b;
	s->c = c;
	s->d = d;
	s->e = e;
	s->total += ops;
}

/* A single 64-node cycle in a fixed pseudo-random order (Sattolo). */
static void build_cycle(void)
{
	int perm[NODES], i, j;
	uint64_t x = 0x2545F4914F6CDD1Dull;

	for (i = 0; i < NODES; i++)
		perm[i] = i;
	for (i = NODES - 1; i > 0; i--) {
		int tmp;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = (int)(x % (uint64_t)i);
		tmp = perm[i];
		perm[i] = perm[j];
		perm[j] = tmp;
	}
	for (i = 0; i < NODES; i++)
		nodes[i].next = &nodes[perm[i]];
	order[0] = 0;
	for (i = 1; i < NODES; i++)
		order[i] = perm[order[i - 1]];
	if (perm[order[NODES - 1]] != 0)
		tlw_die("calib: the chase is not one cycle");
}

static void facts(int insns, int reads, int writes)
{
	tlw_fact_int("expected_instructions_per_op", insns);
	tlw_fact_int("expected_data_reads_per_op", reads);
	tlw_fact_int("expected_data_writes_per_op", writes);
	tlw_fact_int("expected_branches_per_op", 1);
}

int main(int argc, char **argv)
{
	static const uint64_t K = 0x9E3779B97F4A7C15ull;
	struct tlw_args a;
	struct state s = {0};
	tlw_batch_fn *fn;

	tlw_parse(argc, argv, &a);
	s.acc = 1;
	s.inc = 3;
	s.buf[0] = K;
	s.a = 5;
	s.b = 11;
	s.c = 0x1234;
	s.d = 0xABCD;
	s.e = 0;
	if (tlw_is(&a, "c.add_chain")) {
		fn = add_chain;
		facts(10, 0, 0);
		tlw_fact_int("adds_per_op", 8);
		tlw_fact_int("expected_cycles_per_op", 8);
	} else if (tlw_is(&a, "c.pointer_chase_l1")) {
		build_cycle();
		s.p = &nodes[0];
		fn = chase;
		facts(10, 8, 0);
		tlw_fact_int("loads_per_op", 8);
		tlw_fact_int("chase_bytes", (long long)sizeof(nodes));
		tlw_fact_int("expected_l1d_load_misses_per_op", 0);
	} else if (tlw_is(&a, "c.empty")) {
		fn = empty;
		facts(2, 0, 0);
	} else if (tlw_is(&a, "c.known_insns")) {
		fn = known_insns;
		facts(9, 1, 1);
	} else {
		tlw_die("unknown variant '%s'", a.variant);
	}
	tlw_run(&a, fn, &s);

	/* Closed-form checks, outside the timed batches. */
	if (fn == add_chain && s.acc != 1 + s.total * 8 * 3)
		tlw_die("add_chain: acc %llu", (unsigned long long)s.acc);
	if (fn == chase && s.total &&
	    s.p != &nodes[order[(s.total * 8) % NODES]])
		tlw_die("pointer_chase_l1: ended on the wrong node");
	if (fn == empty && s.e != 0)
		tlw_die("empty: the loop stopped early");
	if (fn == known_insns) {
		uint64_t odd = s.total & 1;

		if (s.a != 5 + s.total * K || s.buf[1] != s.a ||
		    s.b != 11 + 3 * s.total ||
		    s.c != (odd ? 0x1234u ^ 0x55u : 0x1234u) ||
		    s.d != (odd ? ~(uint64_t)0xABCD : 0xABCDu) ||
		    s.e != 7 * s.total)
			tlw_die("known_insns: wrong state");
	}
	tlw_keep(s.acc + s.a);
	return tlw_finish();
}
#endif
