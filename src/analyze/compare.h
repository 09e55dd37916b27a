/*
 * compare.h - the change of every metric between two runs, or between a
 * run and a baseline window of earlier runs on the same machine.
 *
 * For each figure present in both (same experiment, case, variant and
 * metric, with raw samples): the ratio of medians B/A with its bootstrap
 * 95% CI (stats.h, fixed seed), the Mann-Whitney U p-value, Holm-adjusted
 * over all figures compared, and a verdict:
 *   regression / improvement  p_holm < alpha, the whole ratio CI on one
 *                             side of 1 +- threshold
 *   same                      an equivalence test says so: the whole
 *                             ratio CI inside 1 +- margin, margin the
 *                             larger of the threshold and
 *                             TL_COMPARE_MARGIN (two one-sided tests)
 *   unclear                   neither: the change and its CI are the
 *                             answer ("no evidence of a change" is not
 *                             evidence of none)
 *   missing / new             the figure is in A only / in B only
 * The threshold is the larger of the run's A/A minimum detectable effect
 * and, against a baseline window, the run-to-run spread of the baseline's
 * medians (largest relative deviation from their median), so noise on this
 * machine is never called a regression. Lower is better for every metric
 * except those whose name says a rate (per_s, per_sec, throughput).
 *
 * Not thread-safe (uses no globals, but results are plain heap data).
 */
#ifndef TL_COMPARE_H
#define TL_COMPARE_H

#include <jansson.h>
#include <stddef.h>

/* The smallest relative change worth telling from "same". */
#define TL_COMPARE_MARGIN 0.05

enum tl_compare_verdict {
	TL_CMP_SAME,
	TL_CMP_REGRESSION,
	TL_CMP_IMPROVEMENT,
	TL_CMP_UNTESTED, /* too few samples for a test */
	TL_CMP_UNCLEAR,	 /* neither a change nor equivalence shown */
	TL_CMP_MISSING,	 /* in A, not in B (failed, skipped, removed) */
	TL_CMP_NEW	 /* in B, not in A */
};

struct tl_compare_row {
	char *experiment, *params, *variant, *metric, *unit;
	double median_a, median_b;
	double ratio, ratio_lo, ratio_hi; /* B / A */
	double p, p_holm;
	double threshold; /* relative, 0.05 = 5% */
	double margin;	  /* of the equivalence test, relative */
	enum tl_compare_verdict verdict;
	size_t na, nb;
};

struct tl_compare {
	struct tl_compare_row *rows;
	size_t n;
	size_t regressions, improvements, missing;
	double alpha;
};

/*
 * Compares run b against a[0..na): one run (na == 1) or a baseline window
 * whose samples are pooled. alpha is the family-wise level (0.05 for two
 * runs, 0.01 is used against a window). Fills out; release with
 * tl_compare_release(). 0, or -EINVAL when na == 0.
 */
int tl_compare_runs(json_t *const *a, size_t na, json_t *b, double alpha,
		    struct tl_compare *out);
void tl_compare_release(struct tl_compare *c);

const char *tl_compare_verdict_name(enum tl_compare_verdict v);

#endif
