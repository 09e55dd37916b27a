/*
 * escape.c - a function hands back three ints: where do they live?
 * (article 2.2, C side)
 *
 *   c.caller_buf  the caller passes a buffer (what Zig makes you write)
 *   c.malloc      the callee mallocs and the caller frees (what Go's
 *                 escape analysis turns `return x[:]` into, minus the GC)
 *
 * One op: one call, the three values summed; the sum is checked after.
 */
#include <stdlib.h>

#include "tlw.h"

static __attribute__((noinline)) int *fill_caller(int *dst, int base)
{
	dst[0] = base + 1;
	dst[1] = base + 2;
	dst[2] = base + 3;
	return dst;
}

static __attribute__((noinline)) int *fill_malloc(int base)
{
	int *x = malloc(3 * sizeof(int));

	if (!x)
		tlw_die("out of memory");
	x[0] = base + 1;
	x[1] = base + 2;
	x[2] = base + 3;
	return x;
}

struct ctx {
	uint64_t sum, expect;
	int heap;
};

static void run(void *arg, uint64_t ops)
{
	struct ctx *c = arg;
	uint64_t i;

	for (i = 0; i < ops; i++) {
		int base = (int)(i & 1023), buf[3], *x;

		x = c->heap ? fill_malloc(base) : fill_caller(buf, base);
		tlw_keep_ptr(x);
		c->sum += (uint64_t)(x[0] + x[1] + x[2]);
		c->expect += (uint64_t)(3 * base + 6);
		if (c->heap)
			free(x);
	}
}

int main(int argc, char **argv)
{
	struct tlw_args a;
	struct ctx c = {0};

	tlw_parse(argc, argv, &a);
	if (tlw_is(&a, "c.malloc"))
		c.heap = 1;
	else if (!tlw_is(&a, "c.caller_buf"))
		tlw_die("unknown variant '%s'", a.variant);
	tlw_run(&a, run, &c);
	if (c.sum != c.expect)
		tlw_die("sum %llu, expected %llu", (unsigned long long)c.sum,
			(unsigned long long)c.expect);
	return tlw_finish();
}
