/*
 * diffcount.h - per-operation and per-unit figures by differencing.
 *
 * A total measured at OPS=N1 and OPS=N2 (or tasks=N1, N2) contains the
 * same fixed part (process start-up, runtime initialisation, teardown), so
 * (y2 - y1) / (N2 - N1) is the cost of one operation (one task) with the
 * fixed part cancelled. That holds only if the total is linear in N; a
 * third point checks it: its residual from the line through the first two
 * must stay within the tolerance, else the figure is flagged non-linear
 * instead of being divided silently.
 *
 * The tolerance on a check point k is
 *
 *     |y_k - (y_1 + slope * (x_k - x_1))| <= rel * |slope * (x_k - x_1)| + abs
 *
 * rel bounds the relative disagreement of the per-unit value measured over
 * [x_1, x_k] with the one over [x_1, x_2]; abs is the noise floor of one
 * total in its own unit (instructions, ns, bytes). Recommended values per
 * source are the TL_DIFF_TOL_* constants below.
 *
 * All functions are pure and thread-safe.
 */
#ifndef TL_DIFFCOUNT_H
#define TL_DIFFCOUNT_H

#include <stddef.h>

struct tl_diff_tol {
	double rel; /* relative tolerance on the per-unit value */
	double abs; /* absolute noise floor of one total, in y's unit */
	int nonneg; /* a negative per-unit value is flagged (counts) */
};

/*
 * Recommended tolerances, stated once:
 * - sim: cachegrind totals of C and Zig are deterministic except for the
 *   digits the workload prints (sample NS varies): 0.1% and 2000
 *   instructions. Go under sim uses the pmu tolerance (runtime noise).
 * - pmu and sw counters: 2% and 10000 events.
 * - time (ns totals): 5% and 20000 ns.
 * - rusage RSS: 10% and 256 KiB (allocator arenas and page granularity).
 */
#define TL_DIFF_TOL_SIM	 ((struct tl_diff_tol){0.001, 2000, 1})
#define TL_DIFF_TOL_PMU	 ((struct tl_diff_tol){0.02, 10000, 1})
#define TL_DIFF_TOL_TIME ((struct tl_diff_tol){0.05, 20000, 1})
#define TL_DIFF_TOL_RSS	 ((struct tl_diff_tol){0.10, 262144, 0})

struct tl_diff {
	double per_unit;     /* (y2 - y1) / (x2 - x1) */
	double fixed;	     /* y at x = 0 on that line: the fixed part */
	int nchecked;	     /* check points (n - 2) */
	double max_residual; /* largest |residual| of a check point */
	double max_rel_dev;  /* its residual / |slope * (x_k - x_1)| */
	int linear;	  /* 1: within tolerance; 0: flagged; -1: unchecked */
	char reason[160]; /* why flagged; "" otherwise */
};

/*
 * Differences n >= 2 points (x[i], y[i]): the per-unit value comes from the
 * first two, and points 2..n-1 are checks. Fills d and returns 0 (a flagged
 * result is still a result: d->linear says so). Returns -EINVAL when n < 2,
 * x[0] == x[1], or any value is not finite.
 */
int tl_diff_fit(const double *x, const double *y, size_t n,
		const struct tl_diff_tol *tol, struct tl_diff *d);

/*
 * The relative spread (max - min) / |mean| of n >= 2 repeated values, for
 * deciding whether repeated runs agree (Go under sim). Returns 0 and sets
 * *rel, or -EINVAL (n < 2, a value not finite, or the mean is 0 while the
 * values differ).
 */
int tl_diff_spread(const double *v, size_t n, double *rel);

#endif
