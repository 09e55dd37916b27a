/*
 * verdict_int.h - the verdict engine's internals shared by its three
 * files: verdict.c (gathering a claim's figures, the table), verdict_ci.c
 * (a claim's interval at a level and the answer on it) and verdict_seq.c
 * (the sequential rule's looks). Not for other modules.
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

/*
 * HOLDS, REFUTED or INCONCLUSIVE for interval ci against predicate p;
 * exact: ci's point is the figure itself (a count, a fact), judged as is.
 */
int tl__verdict_judge_ci(const struct tl_pred *p, const struct tl_ci *ci,
			 int exact);

/*
 * The smallest per-claim alpha at which the claim is decided, searched
 * up to the family's alpha (1 when it is not decided there). Not above
 * it: a confidence sequence's early looks come sooner at a larger alpha
 * (3 values at 0.5), and a look that small can leave out the sample
 * median and fall back to the mixture alone, so decided-or-not is not
 * monotone up there, and a bisection from 0.5 took a claim decided at
 * 0.05 / 3 for one decided nowhere (p = 1).
 */
double tl__verdict_smallest_alpha(const struct tl__verdict_job *j,
				  const struct tl_verdict_opts *o);

/* The oracle bound of a claim at per-claim error a (0: none). */
size_t tl__verdict_oracle(const struct tl__verdict_job *j,
			  const struct tl_verdict_opts *o, double a);

#endif
