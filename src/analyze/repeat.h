/*
 * repeat.h - `traplab claims --repeat N`: the verdicts of N passes on one
 * machine, tallied per claim (how often each verdict came out, whether a
 * claim flipped between HOLDS and REFUTED or between a decided verdict and
 * UNTESTABLE), with the samples each pass spent beside the oracle bound
 * (analyze/verdict.h oracle_n: the fewest a fixed-n design knowing the
 * noise would have spent) and each pass's wall time; the JSON keeps each
 * pass's verdict, interval and notes, so that a claim undecided in one
 * pass of five shows why.
 *
 * Pure data: the caller runs the passes and prints what this returns.
 * Not thread-safe (one tally per caller).
 */
#ifndef TL_REPEAT_H
#define TL_REPEAT_H

#include <jansson.h>
#include <stddef.h>

#include "analyze/verdict.h"

struct tl_repeat {
	size_t nclaims, npasses;
	/* private */
	size_t *kinds;	/* [claim][TL_VERDICT_COUNT_] counts */
	double *spent;	/* [pass][claim] samples, NAN when none */
	double *oracle; /* [pass][claim] oracle samples, NAN when none */
	double *wall_s; /* [pass] */
	struct tl_repeat_cell *cell; /* [pass][claim] */
	size_t cap;
};

/* What one pass said of one claim (its evidence, kept for the JSON). */
struct tl_repeat_cell {
	enum tl_verdict_kind kind;
	int has_ci;
	struct tl_ci ci;
	char *notes; /* the verdict's notes or reason, or NULL */
};

void tl_repeat_init(struct tl_repeat *r, size_t nclaims);
void tl_repeat_release(struct tl_repeat *r);

/* Adds one pass: v has r->nclaims verdicts; wall_s the pass's time. */
void tl_repeat_add(struct tl_repeat *r, const struct tl_verdict *v,
		   double wall_s);

/*
 * The claims on which pass's verdict is not the claim's most frequent
 * one over the passes so far (a tie: the one that came first), into
 * out[] (room for r->nclaims); their count. A pass with any is worth
 * keeping: its run holds the evidence of the odd verdict.
 */
size_t tl_repeat_odd(const struct tl_repeat *r, size_t pass, size_t *out);

/* Claims whose verdicts flipped across the passes so far. */
size_t tl_repeat_flips(const struct tl_repeat *r);

/* The per-claim table and a summary line, appended to b. */
void tl_repeat_table(struct tl_buf *b, const struct tl_claimset *cs,
		     const struct tl_repeat *r);

/* The same as JSON ("traplab.repeat/1"); a new reference. */
json_t *tl_repeat_json(const struct tl_claimset *cs, const struct tl_repeat *r);

#endif
