/*
 * vec.c - growable arrays (see vec.h).
 */
#include "base/vec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/banned.h"

static void oom(size_t n, size_t size)
{
	fprintf(stderr, "traplab: out of memory (%zu x %zu bytes)\n", n, size);
	abort();
}

size_t tl_vec_capacity(size_t cap, size_t need, size_t size)
{
	if (!cap)
		cap = 8;
	while (cap < need && cap <= SIZE_MAX / 2)
		cap *= 2;
	if (cap < need)
		cap = need;
	if (size && cap > SIZE_MAX / size)
		oom(need, size);
	return cap;
}

void *tl_vec_grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = tl_vec_capacity(*cap, need, size);
	size_t bytes = n * size;
	void *q = realloc(p, bytes ? bytes : 1);

	if (!q)
		oom(n, size);
	*cap = n;
	return q;
}

void tl_dvec_push(struct tl_dvec *d, double v)
{
	TL_VEC_PUSH(d->x, d->n, d->cap, v);
}

void tl_dvec_release(struct tl_dvec *d)
{
	free(d->x);
	d->x = NULL;
	d->n = d->cap = 0;
}
