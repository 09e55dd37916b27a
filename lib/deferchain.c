/*
 * deferchain.c - a dynamic defer chain: a LIFO list of closures.
 *
 * Invariant: every record is either on the pending list (top, newest
 * first) or on the free list, never both; depth counts the pending ones.
 * A record is unlinked before its fn runs, so a fn that pushes or runs
 * the chain again sees a consistent list.
 */
#include "deferchain.h"

#include <errno.h>

void tl_defer_init(struct tl_defer_chain *c, struct tl_defer_rec *recs,
		   size_t n)
{
	size_t i;

	c->top = NULL;
	c->free = NULL;
	c->depth = 0;
	for (i = n; i-- > 0;) {
		recs[i].next = c->free;
		recs[i].fn = NULL;
		recs[i].arg = NULL;
		c->free = &recs[i];
	}
}

void tl_defer_release(struct tl_defer_chain *c)
{
	if (!c)
		return;
	tl_defer_run(c, NULL);
	c->free = NULL;
}

int tl_defer_push(struct tl_defer_chain *c, tl_defer_fn *fn, void *arg)
{
	struct tl_defer_rec *r = c->free;

	if (!r)
		return -ENOMEM;
	c->free = r->next;
	r->fn = fn;
	r->arg = arg;
	r->next = c->top;
	c->top = r;
	c->depth++;
	return 0;
}

size_t tl_defer_run(struct tl_defer_chain *c, tl_defer_mark mark)
{
	size_t calls = 0;

	while (c->top && c->top != mark) {
		struct tl_defer_rec *r = c->top;
		tl_defer_fn *fn = r->fn;
		void *arg = r->arg;

		c->top = r->next;
		c->depth--;
		r->next = c->free;
		c->free = r;
		fn(arg);
		calls++;
	}
	return calls;
}

size_t tl_defer_depth(const struct tl_defer_chain *c)
{
	return c->depth;
}
