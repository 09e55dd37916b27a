/*
 * verdict_runs.h - looking a claim's figures up in a set of runs: the
 * variant a side names, its samples of a metric, a fact's value. For the
 * verdict engine (verdict.c) only; each returns the reason when the
 * figure is not there.
 */
#ifndef TL_VERDICT_RUNS_H
#define TL_VERDICT_RUNS_H

#include <jansson.h>
#include <stddef.h>

#include "analyze/claims.h"

/*
 * A metric's samples as the verdict engine judges them: in the base unit
 * of its dimension (ns, bytes), converted from the unit the run stored.
 */
struct tl__verdict_series {
	double *x;
	size_t n;
	/*
	 * The round each of x's values was taken in (the results' round_of,
	 * in the same allocation as x: freeing x frees it), or NULL when the
	 * results do not say; pairs two sides of one case round by round.
	 */
	double *round;
	int exact;
	const char *source;
	const char *flag;
	int has_ci95; /* the run's CI, when there are no samples */
	double ci95_lo, ci95_hi;
	double median;
};

/* 1 when case cs (a results JSON case) has the params side s names. */
int tl__verdict_case_matches(json_t *cs, const struct tl_side *s);

/*
 * The variant object of side s in the first run with its experiment and
 * case, or NULL with *why (owned) saying what was missing.
 */
json_t *tl__verdict_find_variant(json_t *const *runs, size_t nruns,
				 const char *exp, const struct tl_side *s,
				 json_t **case_out, char **why);

/* A variant that ran (its status says so); NULL with *why when not. */
json_t *tl__verdict_usable_variant(json_t *const *runs, size_t nruns,
				   const char *exp, const struct tl_side *s,
				   char **why, int *partial);

/*
 * The samples of metric for variant v, in base units: the unit the run
 * stored is read (measure/metric.h). 0, or -ENOENT with *why, also when
 * the stored unit is of another dimension than the metric's name says.
 */
int tl__verdict_series(json_t *v, const char *exp, const struct tl_side *s,
		       const char *metric, struct tl__verdict_series *out,
		       char **why);

/* A fact's value as an owned string; NULL with *why. */
char *tl__verdict_fact(json_t *v, const char *exp, const char *variant,
		       const char *fact, char **why);

#endif
