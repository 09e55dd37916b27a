/*
 * vec.h - growable arrays: one way to make room, for every element type.
 *
 * An array is three lvalues the caller owns: the pointer, the count and
 * the capacity (as in Git's ALLOC_GROW). TL_VEC_RESERVE makes room in
 * place, doubling the capacity, so n pushes cost O(n) copies in all.
 * struct tl_dvec is the array of doubles that samples are kept in.
 *
 * Allocation never fails: out-of-memory, or a size that would overflow,
 * aborts with a message (as xmalloc does). Nothing here is thread-safe.
 * vec.h depends on nothing else of traplab, so util's own buffers use it.
 */
#ifndef TL_VEC_H
#define TL_VEC_H

#include <stddef.h>

/*
 * The capacity to grow to from cap so that need elements of size bytes
 * fit: cap doubled (from 8) until it is at least need. Aborts when the
 * bytes would overflow a size_t.
 */
size_t tl_vec_capacity(size_t cap, size_t need, size_t size);

/*
 * Reallocates p (NULL for none) to tl_vec_capacity(*cap, need, size)
 * elements, stores that capacity in *cap and returns the new pointer.
 * Use it through TL_VEC_RESERVE.
 */
void *tl_vec_grow(void *p, size_t *cap, size_t need, size_t size);

/*
 * Makes room for need elements in the array p of capacity cap (both
 * lvalues, updated in place); the elements already there are kept.
 */
#define TL_VEC_RESERVE(p, cap, need)                                           \
	do {                                                                   \
		if ((need) > (cap))                                            \
			(p) = tl_vec_grow((p), &(cap), (need), sizeof(*(p)));  \
	} while (0)

/* Appends v to the array p of n elements (n and cap updated in place). */
#define TL_VEC_PUSH(p, n, cap, v)                                              \
	do {                                                                   \
		TL_VEC_RESERVE(p, cap, (n) + 1);                               \
		(p)[(n)++] = (v);                                              \
	} while (0)

/* A growable array of doubles. Init with TL_DVEC_INIT (or zeroes). */
struct tl_dvec {
	double *x;
	size_t n, cap;
};
#define TL_DVEC_INIT                                                           \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

void tl_dvec_push(struct tl_dvec *d, double v);
/* Frees the elements; d is empty (and reusable) after. */
void tl_dvec_release(struct tl_dvec *d);

#endif
