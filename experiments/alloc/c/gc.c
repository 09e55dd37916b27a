/*
 * gc.c - one short-lived allocation from a tracing collector (article 2.1).
 *
 * c.gc: the C model of a garbage-collected language's `new`: Boehm GC's
 * GC_MALLOC_ATOMIC (pointer-free memory, as Go's noscan spans for a byte
 * array), no free; the reference is dropped after the op and the
 * collector reclaims it when it runs, so its marking and sweeping are in
 * the measured time. Same op as alloc.c: write the first and last byte,
 * publish through a barrier, read back, and check the sum afterwards.
 * Reports the collections per op it saw.
 */
#include <gc.h>
#include <stdint.h>

#include "tlw.h"

struct ctx {
	size_t size;
	uint64_t sum, expect, seq;
};

static void run_gc(void *arg, uint64_t ops)
{
	struct ctx *c = arg;
	uint64_t i;

	for (i = 0; i < ops; i++) {
		unsigned char *p = GC_MALLOC_ATOMIC(c->size);
		unsigned char b = (unsigned char)c->seq++;

		if (!p)
			tlw_die("GC_MALLOC_ATOMIC(%zu) failed", c->size);
		p[0] = b;
		p[c->size - 1] = b;
		tlw_keep_ptr(p);
		c->sum += (uint64_t)p[0] + p[c->size - 1];
		c->expect += 2u * b;
	}
}

int main(int argc, char **argv)
{
	struct tlw_args a;
	struct ctx c = {0};
	GC_word gc0;
	long long size;

	tlw_parse(argc, argv, &a);
	if (!tlw_is(&a, "c.gc"))
		tlw_die("unknown variant '%s'", a.variant);
	size = tlw_int(&a, "size", 64);
	if (size < 1 || size > (1 << 20))
		tlw_die("size=%lld out of range", size);
	c.size = (size_t)size;
	GC_INIT();
	gc0 = GC_get_gc_no();
	tlw_run(&a, run_gc, &c);
	if (c.sum != c.expect)
		tlw_die("read back %llu, expected %llu",
			(unsigned long long)c.sum,
			(unsigned long long)c.expect);
	if (a.samples > 0)
		tlw_metric("gc_cycles_per_op",
			   (double)(GC_get_gc_no() - gc0) /
				   ((double)a.ops * (double)a.samples));
	return tlw_finish();
}
