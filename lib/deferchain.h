/*
 * deferchain.h - a dynamic defer chain: a LIFO list of closures.
 *
 * The C model of Go's original defer (before open-coded defers in Go
 * 1.14, and still used for a defer inside a loop): each `defer` pushes a
 * record {fn, arg} onto a per-thread chain, and the function's exit runs
 * the records it pushed, last first. Records come from a free list over
 * caller-provided storage (Go takes them from a per-P pool), so pushing
 * never calls malloc; when the storage is exhausted tl_defer_push()
 * fails with -ENOMEM.
 *
 * A frame is marked by the chain's top at function entry
 * (tl_defer_frame()); tl_defer_run() runs everything pushed since that
 * mark. A panic (lib/panic.h) runs the same records while unwinding.
 *
 * Not thread-safe: one chain belongs to one thread, like a goroutine's.
 */
#ifndef TL_DEFERCHAIN_H
#define TL_DEFERCHAIN_H

#include <stddef.h>

/* A deferred call: fn(arg). */
typedef void tl_defer_fn(void *arg);

/* One record; placed by the caller as storage. All fields are private. */
struct tl_defer_rec {
	struct tl_defer_rec *next; /* private: older record or free list */
	tl_defer_fn *fn;	   /* private */
	void *arg;		   /* private */
};

/* A chain; placed by the caller. All fields are private. */
struct tl_defer_chain {
	struct tl_defer_rec *top;  /* private: newest pending record */
	struct tl_defer_rec *free; /* private: unused records */
	size_t depth;		   /* private: pending records */
};

/* Opaque frame mark: the chain's top when the frame began. */
typedef struct tl_defer_rec *tl_defer_mark;

/*
 * Makes an empty chain whose records come from recs[0..n). Borrows `recs`:
 * it must outlive the chain.
 */
void tl_defer_init(struct tl_defer_chain *c, struct tl_defer_rec *recs,
		   size_t n);

/*
 * Runs every pending record (last pushed first) and detaches the record
 * storage. Accepts NULL.
 */
void tl_defer_release(struct tl_defer_chain *c);

/* Marks the start of a frame: pass the result to tl_defer_run(). */
static inline tl_defer_mark tl_defer_frame(const struct tl_defer_chain *c)
{
	return c->top;
}

/*
 * Defers fn(arg) to the current frame's exit. Returns 0, or -ENOMEM when
 * no record is free (fn is then not deferred: run it yourself).
 */
int tl_defer_push(struct tl_defer_chain *c, tl_defer_fn *fn, void *arg);

/*
 * Runs the records pushed since `mark`, newest first, and frees them. A
 * deferred fn may itself push (its records run in the same call). Returns
 * the number of calls made.
 */
size_t tl_defer_run(struct tl_defer_chain *c, tl_defer_mark mark);

/* Records pending on the chain (all frames). */
size_t tl_defer_depth(const struct tl_defer_chain *c);

#endif
