/*
 * stats.h - the statistics of traplab: descriptive figures, seeded
 * bootstrap confidence intervals, the Mann-Whitney U test, multiple-
 * comparison adjustments, least squares with a linearity check, a
 * change-point test and the A/A minimum detectable effect.
 *
 * Conventions for every function below:
 * - Input arrays are borrowed and never modified; work happens on copies
 *   (heap scratch allocated and freed inside the call).
 * - A fallible function returns 0 on success or -errno: -EINVAL for an
 *   empty or too short input, a NaN or infinite value, or an argument out
 *   of range; -EDOM when the figure is undefined for this data (a ratio
 *   over a zero median, a fit with one distinct x); -ENOMEM when scratch
 *   cannot be allocated. On failure the outputs are left untouched.
 * - Quantiles are Hyndman-Fan type 7 (R's default, numpy's "linear"):
 *   h = (n - 1) q, result x[floor h] + (h - floor h)(x[floor h + 1] -
 *   x[floor h]) on the sorted data. The median is the 0.5 quantile.
 * - No global state: every function is reentrant and thread-safe as long
 *   as a struct tl_rng is not shared between threads.
 */
#ifndef TL_STATS_H
#define TL_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Descriptive statistics. */

/* Median of x[0..n) into *out. -EINVAL when n == 0. */
int tl_stats_median(const double *x, size_t n, double *out);

/* Type 7 quantile q in [0, 1] of x[0..n) into *out. -EINVAL when n == 0. */
int tl_stats_quantile(const double *x, size_t n, double q, double *out);

/* Arithmetic mean into *out. -EINVAL when n == 0. */
int tl_stats_mean(const double *x, size_t n, double *out);

/*
 * Sample standard deviation (divisor n - 1, two-pass) into *out.
 * -EINVAL when n < 2.
 */
int tl_stats_stddev(const double *x, size_t n, double *out);

/*
 * Raw median absolute deviation, median(|x - median(x)|), into *out: the
 * same units as x, not scaled. Multiplied by 1/Phi^-1(3/4) = 1.4826...
 * it estimates sigma when the data are normal; tl_stats_mad_sigma() does
 * that. -EINVAL when n == 0.
 */
int tl_stats_mad(const double *x, size_t n, double *out);

/* 1.4826022185056018 * tl_stats_mad(): a robust estimate of sigma. */
int tl_stats_mad_sigma(const double *x, size_t n, double *out);

/* Smallest and largest value (either pointer may be NULL). */
int tl_stats_minmax(const double *x, size_t n, double *min, double *max);

/*
 * Coefficient of variation: sample stddev / mean (scipy.stats.variation
 * with ddof=1). Meaningful for positive data only. -EINVAL when n < 2,
 * -EDOM when the mean is 0.
 */
int tl_stats_cv(const double *x, size_t n, double *out);

/*
 * Seeded PRNG: xoshiro256** (Blackman and Vigna, 2018) with its state
 * filled from splitmix64(seed), so one 64-bit seed reproduces a whole
 * stream bit for bit on every platform. Not cryptographic. The layout is
 * public only so callers can keep it on the stack; the fields are private.
 */
struct tl_rng {
	uint64_t s[4];
};

void tl_stats_rng_init(struct tl_rng *r, uint64_t seed);
/* Next 64 random bits. */
uint64_t tl_stats_rng_next(struct tl_rng *r);
/*
 * Uniform integer in [0, n), without modulo bias (Lemire's multiply and
 * reject, ACM TOMACS 2019). n must be > 0.
 */
uint64_t tl_stats_rng_below(struct tl_rng *r, uint64_t n);
/* Uniform double in [0, 1) with 53 random bits. */
double tl_stats_rng_double(struct tl_rng *r);

/*
 * Bootstrap percentile confidence intervals.
 *
 * Each resample draws n values with replacement, x[tl_stats_rng_below(r,
 * n)], from one stream seeded with opt->seed (for two samples, a's na
 * draws then b's nb draws per resample), and takes the statistic of those
 * values (computed from counts over the data sorted once, in O(n)).
 * lo and hi are the type 7 quantiles (1 - confidence) / 2 and (1 +
 * confidence) / 2 of the resampled statistics; point is the statistic of
 * the data. Same data + same options = same interval, bit for bit. With
 * one value per sample the interval is [point, point].
 * Percentile intervals of medians are slightly narrow for small n (below
 * about 10 values expect coverage under the nominal level).
 */
struct tl_ci {
	double point, lo, hi;
};

#define TL_STATS_BOOT_RESAMPLES 2000
#define TL_STATS_BOOT_SEED	0x747261706c6162ULL /* "traplab" */

/*
 * Bootstrap options. opt == NULL means {0.95, 2000, TL_STATS_BOOT_SEED};
 * resamples == 0 means TL_STATS_BOOT_RESAMPLES. confidence must lie in
 * (0, 1), else -EINVAL.
 */
struct tl_stats_boot {
	double confidence;
	size_t resamples;
	uint64_t seed;
};

/* CI of the median of x. */
int tl_stats_boot_median(const double *x, size_t n,
			 const struct tl_stats_boot *opt, struct tl_ci *ci);

/* CI of the type 7 quantile q in [0, 1] of x. */
int tl_stats_boot_quantile(const double *x, size_t n, double q,
			   const struct tl_stats_boot *opt, struct tl_ci *ci);

/*
 * CI of median(a) / median(b) for independent samples. Every value of b
 * must be > 0 (so that no resampled median of b is 0), else -EDOM.
 */
int tl_stats_boot_median_ratio(const double *a, size_t na, const double *b,
			       size_t nb, const struct tl_stats_boot *opt,
			       struct tl_ci *ci);

/* CI of median(a) - median(b) for independent samples. */
int tl_stats_boot_median_diff(const double *a, size_t na, const double *b,
			      size_t nb, const struct tl_stats_boot *opt,
			      struct tl_ci *ci);

/*
 * Minimum detectable effect of an A/A comparison: a and b are two samples
 * of the same variant. *mde_pct = 100 * (hi - lo) / 2, the half-width of
 * the bootstrap CI of median(a) / median(b) (at opt->confidence, 95% by
 * default) in percent of a ratio of 1. A real A/B difference smaller than
 * this cannot be told from noise on this machine. ci (may be NULL)
 * receives the interval. Errors as tl_stats_boot_median_ratio().
 */
int tl_stats_mde_aa(const double *a, size_t na, const double *b, size_t nb,
		    const struct tl_stats_boot *opt, struct tl_ci *ci,
		    double *mde_pct);

/*
 * Mann-Whitney U test (Wilcoxon rank-sum) of "a and b come from the same
 * distribution", two-sided.
 * TL_MWU_AUTO uses the exact null distribution when there are no ties and
 * na, nb <= TL_STATS_MWU_EXACT_MAX, else the normal approximation with tie
 * correction and continuity correction (as scipy.stats.mannwhitneyu with
 * method="asymptotic", use_continuity=True). TL_MWU_EXACT returns -EINVAL
 * when there are ties or a sample has more than 30 values. When every
 * value is equal the asymptotic p is 1 (no evidence of a difference).
 */
enum tl_mwu_method { TL_MWU_AUTO, TL_MWU_EXACT, TL_MWU_ASYMPTOTIC };

#define TL_STATS_MWU_EXACT_MAX 20

struct tl_mwu {
	double u;    /* U of a: #(a_i > b_j) + #(a_i == b_j) / 2 */
	double p;    /* two-sided p-value */
	double z;    /* asymptotic normal score, > 0: a larger; 0 if exact */
	double cles; /* common-language effect size U / (na nb) = P(A > B) */
	double rank_biserial; /* 2 cles - 1, in [-1, 1]; > 0: a larger */
	bool exact;	      /* p comes from the exact distribution */
};

int tl_stats_mwu(const double *a, size_t na, const double *b, size_t nb,
		 enum tl_mwu_method method, struct tl_mwu *out);

/*
 * Multiple comparisons.
 *
 * Holm-Bonferroni step-down adjusted p-values (R's p.adjust "holm"):
 * reject hypothesis i at family-wise level alpha when adj[i] <= alpha.
 * adj may be the same array as p. -EINVAL when a p is outside [0, 1].
 */
int tl_stats_holm(const double *p, size_t m, double *adj);

/*
 * Confidence level of each of m simultaneous intervals so that all m hold
 * together with probability >= confidence (Bonferroni):
 * 1 - (1 - confidence) / m. m == 0 is treated as 1.
 */
double tl_stats_bonferroni_level(double confidence, size_t m);

/*
 * Equivalence by two one-sided tests (TOST) at level alpha is the same as
 * asking whether the (1 - 2 alpha) confidence interval of the difference
 * lies inside [-margin, +margin]. tl_stats_tost_level(alpha) gives that
 * level (0.90 for alpha = 0.05); tl_stats_ci_is_equivalent() answers the
 * question for an interval computed at that level. Bounds are inclusive.
 */
double tl_stats_tost_level(double alpha);
bool tl_stats_ci_is_equivalent(const struct tl_ci *ci, double margin);

/*
 * Least squares y = a + b x with R^2 = 1 - SS_res / SS_tot (1 when every y
 * is equal, since the fit is then exact). resid (may be NULL) receives
 * y_i - (a + b x_i), n entries. -EINVAL when n < 2, -EDOM when all x are
 * equal.
 */
struct tl_linfit {
	double a, b, r2;
};

int tl_stats_linfit(const double *x, const double *y, size_t n,
		    struct tl_linfit *fit, double *resid);

/*
 * Linearity of a workload measured at several sizes (two-point
 * differencing assumes y = fixed + per_op * x).
 * tl_stats_linearity() checks each point against the line fitted through
 * the other points (with three points: the line through the other two) and
 * sets *worst_rel to the largest |y_i - yhat_i| / |yhat_i| (infinite when
 * yhat_i is 0 and y_i is not). Leaving the point out makes one bent point
 * visible instead of being absorbed by the fit.
 * tl_stats_is_linear() returns 1 when worst_rel <= tol (e.g. 0.05 for 5%),
 * 0 when not, or -errno. Both need n >= 3 (-EINVAL) and at least two
 * distinct x among any n - 1 points (-EDOM).
 */
int tl_stats_linearity(const double *x, const double *y, size_t n,
		       double *worst_rel);
int tl_stats_is_linear(const double *x, const double *y, size_t n, double tol);

/*
 * Pettitt's test (Applied Statistics 28(2), 1979) for one change of level
 * in a series x[0..n) in time order. Chosen over a CUSUM with permutation
 * p-value because it is rank-based (one wild sample on a noisy VM cannot
 * fake a shift, and the scale of the metric does not matter), needs no
 * resampling (deterministic, O(n log n)), and locates the change.
 * U_t = sum_{i<=t<j} sgn(x_i - x_j) = 2 R_t - t (n + 1), with R_t the sum
 * of the first t midranks; K = max_t |U_t|; p ~= 2 exp(-6 K^2 / (n^3 +
 * n^2)), capped at 1 (accurate to about 0.01 for p <= 0.5, conservative
 * above). split is the t of K: x[0..split) precede the change, x[split..n)
 * follow it (the first maximum when several t tie; 0 when K is 0, a series
 * with no change at all). -EINVAL when n < 2.
 */
struct tl_changepoint {
	size_t split; /* number of values before the change */
	double k;     /* Pettitt's K */
	double p;     /* approximate two-sided p-value */
};

int tl_stats_pettitt(const double *x, size_t n, struct tl_changepoint *out);

/* qsort's comparison of two doubles, ascending. */
int tl_stats_cmp_double(const void *pa, const void *pb);

/*
 * The ranks of the distribution-free interval of the q-quantile from n
 * values at error a (Thompson 1936): l and u with P(Bin(n, q) < l) <=
 * a / 2 and P(Bin(n, q) >= u) <= a / 2, so for a continuous distribution
 * the quantile lies in [X_(l), X_(u)] with probability >= 1 - a. A rank
 * outside 1..n (0, n + 1) leaves that end open.
 */
void tl_stats_order_ranks(size_t n, double q, double a, double *l, double *u);

/*
 * The q-quantile of x[0..n) (type 7) with the interval above at
 * confidence conf: exact and distribution-free, and for many values what
 * a bootstrap of the quantile comes to without its resamples. An open end
 * is -INFINITY or INFINITY. 0, or -EINVAL / -ENOMEM.
 */
int tl_stats_order_ci(const double *x, size_t n, double q, double conf,
		      struct tl_ci *ci);

/*
 * Internal to stats.c and stats_rank.c: a value with its original index,
 * ordered by value then index (so qsort() is deterministic), and whether
 * x[0..n) is all finite.
 */
struct tl__stats_vi {
	double v;
	size_t i;
};
int tl__stats_cmp_vi(const void *pa, const void *pb);
bool tl__stats_all_finite(const double *x, size_t n);

#endif
