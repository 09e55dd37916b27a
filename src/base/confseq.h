/*
 * confseq.h - anytime-valid confidence sequences for quantiles, and the
 * sequential stop rule built on them.
 *
 * A confidence sequence (CS) is a sequence of intervals C_1, C_2, ... that
 * holds the true value at every sample count at once with probability
 * >= 1 - alpha: P(for all n: theta in C_n) >= 1 - alpha. So one may look
 * after every batch and stop when the interval decides, without the error
 * growing with the number of looks (a fixed-n CI looked at after every
 * batch would be wrong far more often than alpha).
 *
 * The quantile CS follows Howard, Ramdas, McAuliffe and Sekhon,
 * "Time-uniform, nonparametric, nonasymptotic confidence sequences",
 * Ann. Statist. 49(2), 2021, and Howard and Ramdas, "Sequential estimation
 * of quantiles with applications to A/B-testing and best-arm
 * identification", Bernoulli 28(3), 2022: for the true q-quantile Q of a
 * continuous distribution, 1{X_i <= Q} are i.i.d. Bernoulli(q), so
 * S_n = #{X_i <= Q} - n q is a sum of 1/2-sub-Gaussian increments
 * (Hoeffding) with variance process V_n = n / 4, and the two-sided
 * normal-mixture boundary u(V) = sqrt((V + rho) (log(1 + V / rho) + 2
 * log(1 / alpha))) bounds |S_n| for all n at once (the same formula as
 * the confseq package's TwoSidedNormalMixture::bound, with rho tuned for a
 * sample count fixed in advance, TL_CONFSEQ_N_OPT). Far from the median
 * (a p99) the stitched sub-gamma boundary with the Bernoulli variance
 * n q (1 - q) is narrower and replaces it, chosen by q alone (see
 * tl_confseq_stitched). Inverting it gives the order statistics X_(ceil(n q -
 * u)) <= Q <= X_(floor(n q + u) + 1); an index outside 1..n is an infinite end.
 *
 * That boundary needs some 22 values before either end is finite at the
 * levels a table of 40 claims asks for, while the exact binomial interval
 * of a quantile (Thompson 1936) is finite from about 11. So alpha is
 * spent in three parts, a group-sequential union bound: on the mixture at
 * every n, and on each of two early looks, the exact interval of the
 * first n1 and the first n1 + TL_CONFSEQ_LOOK_GAP values, where n1 =
 * tl_confseq_first_look(q, alpha). For a median: alpha / 4 on the
 * mixture, alpha / 2 on the first look and alpha / 4 on the second, n1
 * being the fewest values whose exact interval at alpha / 2 has both ends
 * (12 at a table of 40 claims, 8 at 3); most verdicts far from their
 * bound are decided at that first look. For any other quantile, whose
 * early looks seldom have both ends: alpha / 2 on the boundary and
 * alpha / 4 on each look. The shares and n1 are functions of q and alpha
 * alone, fixed before any value is seen. The interval at n is the
 * intersection of all of those that exist at n; all of them hold together
 * with probability >= 1 - alpha.
 *
 * A ratio or difference of two quantiles combines the two sides' CSs at
 * alpha / 2 each (a union bound: conservative, and still anytime-valid).
 *
 * Values come in clusters: a workload process gives several samples, and
 * a process's state (where the host's neighbours left the core, its
 * memory layout) moves all of them together. The count of values under
 * the quantile then varies more than a binomial's, and an interval that
 * takes them as independent is too narrow (c.retcode's per-process
 * medians on the development VM: 6.1 to 12.1 ns, within a process a
 * spread of 0.5 ns). With the round of each value given, the boundary
 * and the early looks are taken on n / deff values' worth of rank
 * deviation and scaled back (deff: tl_confseq_deff, the design effect),
 * which is the independent case when processes do not differ and one
 * value a process when they differ wholly. deff is estimated from the
 * values seen (a plug-in, as cluster-robust errors are), each end from
 * its own side of the point, and raised for the few processes it rests
 * on; the early looks fall at whole processes (TL_CONFSEQ_LOOK_PROCS).
 * Still a plug-in: a sequence whose first processes happen to agree is
 * judged as if they did. Over 1,000 simulated A/A streams at alpha 0.05
 * (test_confseq) it erred in 0.0% (processes 10% apart, 1% within) and
 * 3.9% (2% and 2%), where independent samples' intervals erred in 66%
 * and 46%.
 *
 * All functions are pure and thread-safe; inputs are borrowed.
 */
#ifndef TL_CONFSEQ_H
#define TL_CONFSEQ_H

#include <stddef.h>

#include "base/stats.h"

/* The sample count the boundary is tightest at (fixed, never data-tuned). */
#define TL_CONFSEQ_N_OPT 48
/* The second early look comes this many values after the first. */
#define TL_CONFSEQ_LOOK_GAP 6
/*
 * The first look where no exact interval can have both ends within
 * TL_CONFSEQ_LOOK_MAX values (a p99: its early looks stay open, and their
 * share of alpha is spent for nothing, as it always was).
 */
#define TL_CONFSEQ_LOOK_MAX	 64
#define TL_CONFSEQ_LOOK_FALLBACK 14
/*
 * Values in clusters: the first early look comes at the end of this
 * many processes at least (and the values it needs), the second one
 * process later. With the design effect's raise, the A/A streams in
 * processes as wide as their samples (test_confseq) erred in 5.2% at
 * three and 3.9% at four; without it, 11.6% at three.
 */
#define TL_CONFSEQ_LOOK_PROCS 4
/*
 * Values in clusters: where the early looks fall is set by this one
 * error (a table of 54 claims at 0.05: 13 values at least for a median),
 * not by the call's. A look whose place moved with alpha made a verdict
 * depend on alpha the wrong way round: a kept pass's startup-go-vs-zig
 * was decided at 0.006 and 0.003 and not at 0.005 (its zig.fast side at
 * alpha / 4: a look at 12 values with no end, at 0.00075 one at 15 with
 * one; tests/e2e/fixtures/nonmonotone-startup.json). With the places
 * fixed, the intervals a pass asks for at its levels (the sampler's, the
 * table's Holm levels, the p-value search) are nested in alpha. The
 * look still comes at the end of TL_CONFSEQ_LOOK_PROCS processes at the
 * earliest, so values in processes of 4 or more see no change.
 */
#define TL_CONFSEQ_LOOK_ALPHA (0.05 / 54)

/*
 * The size of the first early look of the q-quantile's CS at error
 * alpha. For a median, the fewest n with 0.5^n <= alpha / 4, so that the
 * exact interval at alpha / 2 has both ends: ceil(log2(4 / alpha)), and
 * below it the sequence has no finite interval (TL_CONFSEQ_LOOK_FALLBACK
 * when that is over TL_CONFSEQ_LOOK_MAX). Any other quantile keeps
 * TL_CONFSEQ_LOOK_FALLBACK: a p90's exact interval at a 0.05 table has
 * its lower end from 3 values and its upper from 49, so a look placed
 * for both would lose the lower end that 14 gives.
 */
size_t tl_confseq_first_look(double q, double alpha);

/*
 * The two-sided normal-mixture boundary on |S| at variance process v,
 * error alpha in (0, 1), tuned for variance v_opt > 0.
 */
double tl_confseq_boundary(double v, double alpha, double v_opt);

/*
 * The one-sided stitched boundary on S at variance process v (v >= m, a
 * smaller v is taken as m), error alpha, for increments sub-gamma with
 * scale c (Howard et al. 2021, eq. (10), s = 1.4, eta = 2). Far from the
 * median it beats the normal mixture: a p99 needs the variance
 * n q (1 - q), not n / 4.
 */
double tl_confseq_stitched(double v, double alpha, double m, double c);

/*
 * CS at error alpha of the q-quantile (q in (0, 1)) of x[0..n): point is
 * the type 7 sample quantile, lo/hi the order statistics above (-INFINITY
 * or INFINITY when n is still too small to bound that side). 0, or -EINVAL
 * for n == 0, a non-finite value or an argument out of range.
 */
int tl_confseq_quantile(const double *x, size_t n, double q, double alpha,
			struct tl_ci *ci);

/*
 * The design effect of x[0..n)'s clusters for the q-quantile's end near
 * point (the sample quantile): the variance of the per-cluster counts of
 * values at or below point (upper end; below it for the lower) around
 * their mean, over the binomial variance at q, a cluster being a run of
 * equal labels in round[] (one process's values), raised for the few
 * degrees of freedom it has and kept within [1, the largest cluster]. 1
 * without round; the largest cluster when there are fewer than three
 * (one or two processes cannot tell a process effect from none).
 */
double tl_confseq_deff(const double *x, const double *round, size_t n, double q,
		       double point, int upper);

/*
 * How a sequence counts values in clusters. TL_CONFSEQ_DESIGN: the
 * design effect estimated from the values seen, with the early exact
 * looks at the fourth and fifth process (the default; it can be fooled
 * by processes in modes its first few did not show, test_confseq
 * two_modes_of_processes). TL_CONFSEQ_PROCESSES: each process one unit
 * (claims --strict): a process's share of values on either side of the
 * quantile is a bounded increment whatever the processes' differences,
 * so the boundary, with all of alpha, holds for any of them; no early
 * looks (their exact binomial holds for 0/1 counts only). A median ten
 * times from its bound, 8 values a process (test_confseq
 * strict_costs_processes), takes 14 processes at a quick pass's level
 * and 18 at a default table's, where the design effect takes 4 and 5
 * when processes are alike and 11 and 12 when they differ wholly.
 */
enum tl_confseq_units {
	TL_CONFSEQ_DESIGN,
	TL_CONFSEQ_PROCESSES,
};

/*
 * tl_confseq_quantile on values in clusters: round[i] is the round (the
 * process) x[i] came from, equal labels adjacent; NULL: independent.
 * _rounds counts them with TL_CONFSEQ_DESIGN.
 */
int tl_confseq_quantile_units(const double *x, const double *round, size_t n,
			      double q, double alpha,
			      enum tl_confseq_units units, struct tl_ci *ci);
int tl_confseq_quantile_rounds(const double *x, const double *round, size_t n,
			       double q, double alpha, struct tl_ci *ci);

/*
 * CS of median(a) / median(b) (q-quantiles) at error alpha: each side at
 * alpha / 2, each with its rounds (ra, rb; NULL: independent values).
 * Every value of b must be > 0 (-EDOM); an end the sides leave open is
 * infinite (a ratio's lower end is then 0).
 */
int tl_confseq_quantile_ratio(const double *a, const double *ra, size_t na,
			      const double *b, const double *rb, size_t nb,
			      double q, double alpha,
			      enum tl_confseq_units units, struct tl_ci *ci);

/* CS of quantile(a) - quantile(b) at error alpha, each side at alpha / 2. */
int tl_confseq_quantile_diff(const double *a, const double *ra, size_t na,
			     const double *b, const double *rb, size_t nb,
			     double q, double alpha,
			     enum tl_confseq_units units, struct tl_ci *ci);

/*
 * Where an interval stands against the region [lo, hi] a claim names
 * (lo may be -INFINITY, hi INFINITY): wholly inside, wholly outside, or
 * still open (it straddles an end).
 */
enum tl_confseq_state {
	TL_CONFSEQ_OPEN,
	TL_CONFSEQ_INSIDE,
	TL_CONFSEQ_OUTSIDE,
};

enum tl_confseq_state tl_confseq_against(const struct tl_ci *ci, double lo,
					 double hi);

/*
 * How far an open interval is from deciding against [lo, hi]: the factor
 * by which its width must shrink for the nearer end to clear the bound it
 * straddles, as a sample multiplier (widths shrink about as 1/sqrt(n), so
 * ~ (width / room)^2). 1 when the interval already decides; INFINITY when
 * the point sits on the bound or an end is still infinite.
 */
double tl_confseq_samples_factor(const struct tl_ci *ci, double lo, double hi);

/*
 * The oracle bound: the fewest samples per side at which one fixed-n
 * exact interval at error alpha (no sequential looks, each side of a
 * ratio or difference at alpha / 2) would decide against [lo, hi], if the
 * distribution of the samples given (the noise measured afterwards) were
 * the truth: what a design that knew the noise in advance would spend. 0
 * when no count up to max decides (the point sits on the bound). The
 * spent-to-oracle ratio says how close a sequential rule came to it.
 * With rounds (ra, rb; NULL: independent values) the oracle knows the
 * processes too: it counts whole processes, each worth its values over
 * the design effect measured on all of them (each end its own, not
 * raised), and returns
 * their values (a side's, rounded up), so that a sampler that counts a
 * process as one cluster is held to a bound of the same kind.
 */
enum tl_confseq_kind {
	TL_CONFSEQ_VALUE,
	TL_CONFSEQ_RATIO,
	TL_CONFSEQ_DIFF,
};

size_t tl_confseq_oracle_n(const double *a, const double *ra, size_t na,
			   const double *b, const double *rb, size_t nb,
			   enum tl_confseq_kind kind, double q, double alpha,
			   double lo, double hi, size_t max);

#endif
