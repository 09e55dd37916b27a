/*
 * verdict_int.h - the verdict engine's internals shared by its two
 * files: verdict.c (gathering a claim's figures, deciding at a level, the
 * table) and verdict_seq.c (the sequential rule's looks). Not for other
 * modules.
 */
#ifndef TL_VERDICT_INT_H
#define TL_VERDICT_INT_H

#include <jansson.h>
#include <stddef.h>

#include "analyze/claims.h"
#include "analyze/verdict_runs.h"
#include "base/stats.h"

/* verdict.h's, which includes nothing of this (the modules stay acyclic). */
struct tl_verdict;
struct tl_verdict_opts;

/* One claim being judged: its figures and the verdict being built. */
struct tl__verdict_job {
	const struct tl_claim *c;
	struct tl_verdict *v;
	struct tl__verdict_series s[2];
	int fallback_ci; /* no samples: the recorded ci95 is all we have */
	/*
	 * The two sides of one case paired round by round (a / b or a - b
	 * per pair), set by tl__verdict_gather, followed in the same
	 * allocation by each pair's round (pairs + npairs: the intervals
	 * take one round's pairs as one process's, base/confseq.h); NULL
	 * and 0 when they cannot be paired (other cases, no rounds
	 * recorded, half the values left unpaired) or the claim has one
	 * side.
	 */
	double *pairs;
	size_t npairs;
};

/* Frees what tl__verdict_gather put in j (its series and pairs). */
void tl__verdict_job_release(struct tl__verdict_job *j);

/* 2 for a ratio or difference, else 1. */
int tl__verdict_sides(const struct tl_claim *c);

/* Why need nd of claim c is unmet on the runs' machine (owned), or NULL. */
char *tl__verdict_unmet_need(const struct tl_claimset *cs,
			     const struct tl_claim *c, const struct tl_need *nd,
			     json_t *const *runs, size_t nruns);

/*
 * Fills j's series from the runs (j->c and j->v set, the rest zeroed);
 * 1 when the claim reaches an interval, 0 when its verdict is already
 * made (UNTESTABLE with a reason, a fact judged, a build that fails).
 * The caller calls tl__verdict_job_release(j) and releases j->v.
 */
int tl__verdict_gather(const struct tl_claimset *cs, struct tl__verdict_job *j,
		       json_t *const *runs, size_t nruns);

/*
 * The verdict (an enum tl_verdict_kind) at per-claim error a (two-sided
 * CI at 1 - a; for equivalence, HOLDS on the 1 - 2a CI by TOST); ci
 * receives the interval that decided (or the 1 - a interval).
 */
int tl__verdict_decide(const struct tl__verdict_job *j, double a,
		       const struct tl_verdict_opts *o, struct tl_ci *ci);

#endif
