/*
 * test_confseq.c - unit tests of src/base/confseq.c: the boundary against
 * values computed in Python from the published formula, the order
 * statistics it picks, and the sequential rule on synthetic streams (a
 * median far from the bound stops early, one on the bound runs to the
 * budget, and over 1,000 A/A streams looked at after every batch the
 * interval misses the truth in at most alpha of them, where a fixed-n
 * interval looked at the same way misses far more often).
 */
#include "base/confseq.h"

#include <errno.h>
#include <math.h>

#include "tl_test.h"

/* A standard normal draw (Box-Muller; u1 kept away from 0). */
static double normal(struct tl_rng *r)
{
	double u1 = (tl_stats_rng_double(r) + 0x1p-54);
	double u2 = tl_stats_rng_double(r);

	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* Timing-like noise: median m, lognormal spread s. */
static double draw(struct tl_rng *r, double m, double s)
{
	return m * exp(s * normal(r));
}

TL_TEST(boundary_matches_formula)
{
	/* python: sqrt((v+rho)*(log(1+v/rho)+2*log(1/a))), rho as confseq's
	 * TwoSidedNormalMixture::best_rho(12, a) */
	TL_CHECK_NEAR(tl_confseq_boundary(25.0 / 4, 0.05, 12),
		      7.694356050951741, 1e-12);
	TL_CHECK_NEAR(tl_confseq_boundary(100.0 / 4, 0.001, 12),
		      21.146805390344305, 1e-12);
	/* Grows with v, and with confidence. */
	TL_CHECK(tl_confseq_boundary(50, 0.05, 12) >
		 tl_confseq_boundary(25, 0.05, 12));
	TL_CHECK(tl_confseq_boundary(25, 0.001, 12) >
		 tl_confseq_boundary(25, 0.05, 12));
}

/*
 * Expected ends from a Python implementation of the documented procedure
 * (for a median the mixture at alpha / 4 on all values and the exact
 * binomial ranks at alpha / 2 on the first n1 and at alpha / 4 on the
 * first n1 + 6 values, intersected, n1 = ceil(log2(4 / alpha)); for
 * other quantiles alpha / 2 on the boundary, alpha / 4 on each look,
 * n1 = 14).
 */
TL_TEST(quantile_order_statistics)
{
	double x[40], y[40];
	struct tl_ci ci;

	for (int i = 0; i < 40; i++) {
		x[i] = (i * 17) % 40 + 1; /* a permutation of 1..40 */
		y[i] = 40 - i;
	}
	TL_CHECK_INT(tl_confseq_quantile(x, 40, 0.5, 0.05, &ci), 0);
	TL_CHECK_NEAR(ci.point, 20.5, 1e-12);
	TL_CHECK_NEAR(ci.lo, 9, 0);
	TL_CHECK_NEAR(ci.hi, 32, 0);
	TL_CHECK_INT(tl_confseq_quantile(x, 40, 0.9, 0.05, &ci), 0);
	TL_CHECK_NEAR(ci.lo, 28, 0);
	TL_CHECK(isinf(ci.hi));
	/*
	 * At a table's level (0.05 / 40) the first finite ends come at 12
	 * (0.5^12 <= 0.05 / 160 < 0.5^11), at 0.05 / 3 at 8.
	 */
	TL_CHECK_INT(tl_confseq_first_look(0.5, 0.05 / 40), 12);
	TL_CHECK_INT(tl_confseq_first_look(0.5, 0.05 / 3), 8);
	TL_CHECK_INT(tl_confseq_first_look(0.99, 0.05 / 3),
		     TL_CONFSEQ_LOOK_FALLBACK);
	TL_CHECK_INT(tl_confseq_quantile(x, 12, 0.5, 0.05 / 40, &ci), 0);
	TL_CHECK_NEAR(ci.lo, 1, 0);
	TL_CHECK_NEAR(ci.hi, 40, 0);
	TL_CHECK_INT(tl_confseq_quantile(x, 11, 0.5, 0.05 / 40, &ci), 0);
	TL_CHECK(isinf(ci.lo) && ci.lo < 0 && isinf(ci.hi) && ci.hi > 0);
	/*
	 * A stream that drifts (40 down to 1): the early looks and the
	 * mixture disagree, and the mixture alone is kept.
	 */
	TL_CHECK_INT(tl_confseq_quantile(y, 40, 0.5, 0.05, &ci), 0);
	TL_CHECK(ci.lo <= ci.point && ci.point <= ci.hi);
	TL_CHECK_INT(tl_confseq_quantile(x, 0, 0.5, 0.05, &ci), -EINVAL);
	TL_CHECK_INT(tl_confseq_quantile(x, 40, 1, 0.05, &ci), -EINVAL);
	TL_CHECK_INT(tl_confseq_quantile(x, 40, 0.5, 0, &ci), -EINVAL);
}

TL_TEST(ratio_and_diff_combine_sides)
{
	double a[64], b[64];
	struct tl_ci r, d, ca, cb;

	for (int i = 0; i < 64; i++) {
		a[i] = 20 + i % 8;
		b[i] = 10 + i % 4;
	}
	TL_CHECK_INT(tl_confseq_quantile(a, 64, 0.5, 0.025, &ca), 0);
	TL_CHECK_INT(tl_confseq_quantile(b, 64, 0.5, 0.025, &cb), 0);
	TL_CHECK_INT(tl_confseq_quantile_ratio(a, NULL, 64, b, NULL, 64, 0.5,
					       0.05, TL_CONFSEQ_DESIGN, &r),
		     0);
	TL_CHECK_NEAR(r.lo, ca.lo / cb.hi, 1e-12);
	TL_CHECK_NEAR(r.hi, ca.hi / cb.lo, 1e-12);
	TL_CHECK(r.lo <= r.point && r.point <= r.hi);
	TL_CHECK_INT(tl_confseq_quantile_diff(a, NULL, 64, b, NULL, 64, 0.5,
					      0.05, TL_CONFSEQ_DESIGN, &d),
		     0);
	TL_CHECK_NEAR(d.lo, ca.lo - cb.hi, 1e-12);
	TL_CHECK_NEAR(d.hi, ca.hi - cb.lo, 1e-12);
	/* An open denominator leaves the ratio unbounded above. */
	TL_CHECK_INT(tl_confseq_quantile_ratio(a, NULL, 64, b, NULL, 6, 0.5,
					       0.05, TL_CONFSEQ_DESIGN, &r),
		     0);
	TL_CHECK(isinf(r.hi) && r.lo == 0);
	b[3] = 0;
	TL_CHECK_INT(tl_confseq_quantile_ratio(a, NULL, 64, b, NULL, 64, 0.5,
					       0.05, TL_CONFSEQ_DESIGN, &r),
		     -EDOM);
}

TL_TEST(against_and_samples_factor)
{
	struct tl_ci ci = {10, 8, 12};

	TL_CHECK_INT(tl_confseq_against(&ci, 0, 20), TL_CONFSEQ_INSIDE);
	TL_CHECK_INT(tl_confseq_against(&ci, 13, INFINITY), TL_CONFSEQ_OUTSIDE);
	TL_CHECK_INT(tl_confseq_against(&ci, 11, INFINITY), TL_CONFSEQ_OPEN);
	TL_CHECK_NEAR(tl_confseq_samples_factor(&ci, 0, 20), 1, 0);
	/* Point 10 outside [11, inf): hi end 2 above it, room 1: 4x. */
	TL_CHECK_NEAR(tl_confseq_samples_factor(&ci, 11, INFINITY), 4, 1e-12);
	/* Point inside [9, inf): lo end 2 below, room 1: 4x. */
	TL_CHECK_NEAR(tl_confseq_samples_factor(&ci, 9, INFINITY), 4, 1e-12);
	/* On the bound: no number of samples decides. */
	TL_CHECK(isinf(tl_confseq_samples_factor(&ci, 10, INFINITY)));
}

/*
 * Draws batches of `batch` until the CS of the median decides against
 * [lo, hi] or n reaches budget; returns n, the state in *st.
 */
static size_t run_stream(struct tl_rng *r, double m, double s, double lo,
			 double hi, size_t batch, size_t budget,
			 enum tl_confseq_state *st)
{
	double *x = calloc(budget, sizeof(*x));
	struct tl_ci ci;
	size_t n = 0;

	*st = TL_CONFSEQ_OPEN;
	while (n < budget) {
		for (size_t k = 0; k < batch && n < budget; k++)
			x[n++] = draw(r, m, s);
		if (tl_confseq_quantile(x, n, 0.5, 0.05 / 40, &ci) == 0)
			*st = tl_confseq_against(&ci, lo, hi);
		if (*st != TL_CONFSEQ_OPEN)
			break;
	}
	free(x);
	return n;
}

TL_TEST(far_from_bound_stops_early)
{
	struct tl_rng r;
	enum tl_confseq_state st;
	size_t n;

	/* A cgo call at 26 ns against a 1.2-8.7 us claim, 20% noise. */
	tl_stats_rng_init(&r, 1);
	n = run_stream(&r, 26, 0.2, 1200, 8700, 5, 1000, &st);
	TL_CHECK_INT(st, TL_CONFSEQ_OUTSIDE);
	TL_CHECK(n <= 30);
	/* 5% inside a +-50% claim decides almost as fast. */
	n = run_stream(&r, 100, 0.05, 50, 150, 5, 1000, &st);
	TL_CHECK_INT(st, TL_CONFSEQ_INSIDE);
	TL_CHECK(n <= 30);
}

TL_TEST(at_bound_runs_to_budget)
{
	struct tl_rng r;
	enum tl_confseq_state st;
	int decided = 0;

	tl_stats_rng_init(&r, 2);
	for (int i = 0; i < 20; i++) {
		size_t n =
			run_stream(&r, 100, 0.1, -INFINITY, 100, 5, 400, &st);

		if (st != TL_CONFSEQ_OPEN || n != 400)
			decided++;
	}
	TL_CHECK_INT(decided, 0);
}

/*
 * An A/A check: the sound method's miss rate within alpha (0.05), and
 * the naive one's over it, so the test can fail.
 */
static void check_aa(const char *what, const char *sound, double ok,
		     const char *naive, double bad)
{
	fprintf(stderr, "    %s: %s %.3f, %s %.3f\n", what, sound, ok, naive,
		bad);
	TL_CHECK(ok <= 0.05);
	TL_CHECK(bad > 0.05);
}

/*
 * The interval a judge draws from the first n values of an A/A stream: a
 * and b (A's and B's values), rd (the round of each). 0, or non-zero when
 * there is none yet.
 */
typedef int aa_judge_fn(const double *a, const double *b, const double *rd,
			size_t n, struct tl_ci *ci);

/*
 * 1,000 A/A streams of 200 values a side, in rounds of per values: each
 * round's values of A share a factor (lognormal, sd between; 0: none;
 * or, with slow > 0, 1.3 in that share of the rounds and 1 in the rest),
 * B's another, and spread by within around it. Looked at after every
 * round: the fraction of streams whose interval ever excludes the true
 * ratio 1 (any decision a claim could draw against a bound at 1).
 */
static double aa_rate(uint64_t seed, int per, double between, double slow,
		      double within, aa_judge_fn *judge)
{
	static double a[200], b[200], rd[200];
	struct tl_rng r;
	int miss = 0;

	tl_stats_rng_init(&r, seed);
	for (int s = 0; s < 1000; s++) {
		size_t n = 0;
		int round, rounds = 200 / per;

		for (round = 0; round < rounds; round++) {
			double fa = between > 0 ? draw(&r, 1, between) : 1;
			double fb = between > 0 ? draw(&r, 1, between) : 1;

			if (slow > 0) {
				fa = tl_stats_rng_double(&r) < slow ? 1.3 : 1;
				fb = tl_stats_rng_double(&r) < slow ? 1.3 : 1;
			}
			struct tl_ci ci;

			for (int k = 0; k < per; k++, n++) {
				a[n] = draw(&r, 50 * fa, within);
				b[n] = draw(&r, 50 * fb, within);
				rd[n] = round;
			}
			if (!judge(a, b, rd, n, &ci) &&
			    (ci.lo > 1 || ci.hi < 1))
				break;
		}
		miss += round < rounds; /* it stopped on a decision */
	}
	return miss / 1000.0;
}

/* The confidence sequence of the ratio of medians. */
static int judge_cs(const double *a, const double *b, const double *rd,
		    size_t n, struct tl_ci *ci)
{
	(void)rd;
	return tl_confseq_quantile_ratio(a, NULL, n, b, NULL, n, 0.5, 0.05,
					 TL_CONFSEQ_DESIGN, ci);
}

/* Sorts x[0..n) in place (insertion sort: the test's 200 values). */
static void sort_small(double *x, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && x[j - 1] > x[j]; j--) {
			double t = x[j - 1];

			x[j - 1] = x[j];
			x[j] = t;
		}
}

/*
 * The order-statistic interval of each median at z = 1.386 (about 95%
 * for the ratio at one fixed n), looked at after every round anyway.
 */
static int judge_fixed_n(const double *a, const double *b, const double *rd,
			 size_t n, struct tl_ci *ci)
{
	double z = 1.386 * sqrt((double)n) / 2, sa[200], sb[200];
	size_t lo = (size_t)fmax(1, ceil(n / 2.0 - z));
	size_t hi = (size_t)fmin((double)n, floor(n / 2.0 + z) + 1);

	(void)rd;
	memcpy(sa, a, n * sizeof(*a));
	memcpy(sb, b, n * sizeof(*b));
	sort_small(sa, n);
	sort_small(sb, n);
	ci->lo = sa[lo - 1] / sb[hi - 1];
	ci->hi = sa[hi - 1] / sb[lo - 1];
	return 0;
}

/* The pairs a / b, one round's as one process's (rounds) or not. */
static int judge_pairs(const double *a, const double *b, const double *rd,
		       size_t n, struct tl_ci *ci, int rounds)
{
	double p[200];

	for (size_t i = 0; i < n; i++)
		p[i] = a[i] / b[i];
	return tl_confseq_quantile_rounds(p, rounds ? rd : NULL, n, 0.5, 0.05,
					  ci);
}

static int judge_pairs_rounds(const double *a, const double *b,
			      const double *rd, size_t n, struct tl_ci *ci)
{
	return judge_pairs(a, b, rd, n, ci, 1);
}

static int judge_pairs_flat(const double *a, const double *b, const double *rd,
			    size_t n, struct tl_ci *ci)
{
	return judge_pairs(a, b, rd, n, ci, 0);
}

/* Independent values, looked at after every batch of 4. */
TL_TEST(aa_false_decisions_within_alpha)
{
	check_aa("A/A", "confidence sequence",
		 aa_rate(3, 4, 0, 0, 0.1, judge_cs),
		 "fixed-n CI looked at after every batch",
		 aa_rate(3, 4, 0, 0, 0.1, judge_fixed_n));
}

/*
 * In processes: each round runs A's process and B's, each giving 5
 * samples; a process's state (a host neighbour, a memory layout) scales
 * all of its samples alike (10%), within a process they spread by 1%.
 * Taken as independent, five pairs of one round count as five
 * observations of the process effect; with their rounds, as the one
 * they are.
 */
TL_TEST(aa_processes_false_decisions_within_alpha)
{
	check_aa("A/A in processes", "with rounds",
		 aa_rate(5, 5, 0.1, 0, 0.01, judge_pairs_rounds),
		 "values taken as independent",
		 aa_rate(5, 5, 0.1, 0, 0.01, judge_pairs_flat));
	/*
	 * Processes that differ about as much as their samples (a design
	 * effect near 3, the build experiment's compilers), where the early
	 * looks at whole rounds decide most: 8 a round.
	 */
	check_aa("A/A, processes as wide as their samples", "with rounds",
		 aa_rate(7, 8, 0.02, 0, 0.02, judge_pairs_rounds),
		 "values taken as independent",
		 aa_rate(7, 8, 0.02, 0, 0.02, judge_pairs_flat));
	/* A few processes far off: one in ten 30% slower, the rest alike. */
	check_aa("A/A, one process in ten 30% slower", "with rounds",
		 aa_rate(9, 8, 0, 0.1, 0.02, judge_pairs_rounds),
		 "values taken as independent",
		 aa_rate(9, 8, 0, 0.1, 0.02, judge_pairs_flat));
}

/*
 * The design effect: 1 when every round spans the range, the round's size
 * when rounds lie wholly apart, every value when there is one round.
 */
TL_TEST(design_effect)
{
	double x[20], rd[20];

	for (int i = 0; i < 20; i++) {
		x[i] = (i % 4) * 5 + i / 4; /* round r: r, 5+r, 10+r, 15+r */
		rd[i] = i / 4;
	}
	TL_CHECK_NEAR(tl_confseq_deff(x, rd, 20, 0.5, 9.5, 1), 1, 0);
	for (int i = 0; i < 20; i++)
		x[i] = i; /* rounds wholly apart: each one value */
	TL_CHECK_NEAR(tl_confseq_deff(x, rd, 20, 0.5, 9.5, 1), 4, 1e-9);
	TL_CHECK_NEAR(tl_confseq_deff(x, NULL, 20, 0.5, 9.5, 1), 1, 0);
	for (int i = 0; i < 20; i++)
		rd[i] = 0; /* one process */
	TL_CHECK_NEAR(tl_confseq_deff(x, rd, 20, 0.5, 9.5, 1), 20, 0);
}

/*
 * A p99 on a tie, in processes: every process puts 0.3% of its values
 * far out (1 us) and between 0.5% and 2.5% on the tie at 12.5 ns, the
 * rest below. The p99 is 12.5 in every process, so no process's count
 * at or below it differs and the upper end is found; the share below the
 * tie differs by process, so the lower end is judged per process. (Half
 * of a tie counted below the point made both ends' design effect over
 * 100, and the upper end infinite: tasks-zig-switch-p99.)
 */
TL_TEST(p99_on_a_tie)
{
	static double x[60000], rd[60000];
	struct tl_ci ci;
	size_t n = 0;

	for (int r = 0; r < 20; r++)
		for (int i = 0; i < 3000; i++, n++) {
			int tie = 15 + 30 * (r % 3);

			x[n] = i < 9	     ? 1000
			       : i < 9 + tie ? 12.5
					     : 10 + (i % 7) * 0.01;
			rd[n] = r;
		}
	TL_CHECK_NEAR(tl_confseq_deff(x, rd, n, 0.99, 12.5, 1), 1, 0);
	TL_CHECK(tl_confseq_deff(x, rd, n, 0.99, 12.5, 0) > 10);
	TL_CHECK_INT(tl_confseq_quantile_rounds(x, rd, n, 0.99, 0.001, &ci), 0);
	TL_CHECK_NEAR(ci.point, 12.5, 0);
	TL_CHECK_NEAR(ci.hi, 12.5, 0);
}

/*
 * The stitched boundary against the confseq package's unit test
 * (poly_stitching_bound(100, 0.05, 10, 3) = 64.48755), and a p99 of
 * 18,000 values bounded on both sides (the normal mixture left its upper
 * end open: n (1 - q) = 180 < its u of about 300 at alpha 0.0006).
 */
TL_TEST(stitched_bounds_a_p99)
{
	struct tl_rng r;
	struct tl_ci ci;
	size_t n = 18000;
	double *x = malloc(n * sizeof(*x));

	TL_CHECK_NEAR(tl_confseq_stitched(100, 0.05, 10, 3), 64.48755, 1e-5);
	tl_stats_rng_init(&r, 99);
	for (size_t i = 0; i < n; i++)
		x[i] = draw(&r, 100, 0.5);
	TL_CHECK(tl_confseq_quantile(x, n, 0.99, 0.0006, &ci) == 0);
	TL_CHECK(isfinite(ci.lo) && isfinite(ci.hi));
	/* The true p99 of 100 exp(0.5 Z): 100 exp(0.5 * 2.3263) = 320. */
	TL_CHECK(ci.lo < 320.0 && ci.hi > 320.0);
	TL_CHECK(ci.hi / ci.lo < 1.2);
	free(x);
}

/*
 * Over 1,000 streams of 2,000 values looked at after every 100, the p99's
 * sequence misses the true p99 in at most alpha of them.
 */
TL_TEST(p99_coverage_within_alpha)
{
	const double q = 0.99, alpha = 0.05, truth = exp(2.3263478740408408);
	size_t miss = 0, streams = 1000, n = 2000;
	double *x = malloc(n * sizeof(*x));
	struct tl_rng r;

	tl_stats_rng_init(&r, 7);
	for (size_t k = 0; k < streams; k++) {
		int missed = 0;

		for (size_t i = 0; i < n; i++)
			x[i] = exp(normal(&r));
		for (size_t look = 100; look <= n && !missed; look += 100) {
			struct tl_ci ci;

			if (tl_confseq_quantile(x, look, q, alpha, &ci))
				TL_FAIL("quantile at %zu", look);
			missed = ci.lo > truth || ci.hi < truth;
		}
		miss += (size_t)missed;
	}
	fprintf(stderr, "    p99: %zu of %zu streams missed\n", miss, streams);
	TL_CHECK((double)miss / (double)streams <= alpha);
	free(x);
}

/*
 * The oracle bound: far from the bound a fixed-n design needs the fewest
 * values any exact interval can decide with (2 * 0.5^n <= alpha: 11 at
 * 0.05 / 40); nearer the bound it needs more; on the bound none suffices.
 * The sequential rule spends within 3x of it on a far stream.
 */
TL_TEST(oracle_bound)
{
	struct tl_rng r;
	double x[400], y[400];
	enum tl_confseq_state st;
	size_t far, near, n;

	tl_stats_rng_init(&r, 4);
	for (int i = 0; i < 400; i++) {
		x[i] = draw(&r, 26, 0.2);
		y[i] = draw(&r, 100, 0.2);
	}
	far = tl_confseq_oracle_n(x, NULL, 400, NULL, NULL, 0, TL_CONFSEQ_VALUE,
				  0.5, 0.05 / 40, 1200, 8700, 100000);
	TL_CHECK_INT(far, 11);
	near = tl_confseq_oracle_n(y, NULL, 400, NULL, NULL, 0,
				   TL_CONFSEQ_VALUE, 0.5, 0.05 / 40, -INFINITY,
				   95, 100000);
	TL_CHECK(near > far && near < 100000);
	TL_CHECK_INT(tl_confseq_oracle_n(y, NULL, 400, NULL, NULL, 0,
					 TL_CONFSEQ_VALUE, 0.5, 0.05 / 40,
					 -INFINITY, y[0] > 0 ? 1e-9 : 0, 1000),
		     11); /* wholly outside: refuted as fast as can be */
	/* A ratio of two sides at 26 and 100 against ratio > 1. */
	TL_CHECK(tl_confseq_oracle_n(x, NULL, 400, y, NULL, 400,
				     TL_CONFSEQ_RATIO, 0.5, 0.05 / 40, 1,
				     INFINITY, 100000) > 0);
	n = run_stream(&r, 26, 0.2, 1200, 8700, 5, 1000, &st);
	TL_CHECK(n <= 3 * far);
}

/*
 * The oracle in processes: 50 processes of 8 values. Alike processes
 * cost what independent values do, rounded up to whole processes (11
 * values: 2 processes, 16); processes wholly apart (each its own 20%
 * shift, 1% within) are one value each, so 11 processes, 88 values.
 */
TL_TEST(oracle_bound_in_processes)
{
	struct tl_rng r;
	double x[400], y[400], rd[400];

	tl_stats_rng_init(&r, 5);
	for (int p = 0; p < 50; p++) {
		double f = draw(&r, 1, 0.2);

		for (int k = 0; k < 8; k++) {
			x[p * 8 + k] = draw(&r, 26, 0.2);
			y[p * 8 + k] = draw(&r, 26 * f, 0.01);
			rd[p * 8 + k] = p;
		}
	}
	TL_CHECK_INT(tl_confseq_oracle_n(x, rd, 400, NULL, NULL, 0,
					 TL_CONFSEQ_VALUE, 0.5, 0.05 / 40, 1200,
					 8700, 100000),
		     16);
	TL_CHECK_INT(tl_confseq_oracle_n(y, rd, 400, NULL, NULL, 0,
					 TL_CONFSEQ_VALUE, 0.5, 0.05 / 40, 1200,
					 8700, 100000),
		     88);
	TL_CHECK_INT(tl_confseq_oracle_n(y, NULL, 400, NULL, NULL, 0,
					 TL_CONFSEQ_VALUE, 0.5, 0.05 / 40, 1200,
					 8700, 100000),
		     11);
}

/* The median of 0.7 LN(0, s) + 0.3 LN(log 1.5, s), by bisection. */
static double mixture_median(double s)
{
	double lo = 0.5, hi = 2;

	for (int i = 0; i < 100; i++) {
		double m = (lo + hi) / 2;
		double c = 0.7 * 0.5 * erfc(-log(m) / s / M_SQRT2) +
			   0.3 * 0.5 * erfc(-log(m / 1.5) / s / M_SQRT2);

		*(c < 0.5 ? &lo : &hi) = m;
	}
	return (lo + hi) / 2;
}

/*
 * Misses of the true median over 1,000 streams of 25 processes of 8
 * values, looked at after every process, at error alpha, with (rounds)
 * or without the processes: three processes in ten 1.5x slower, 2%
 * within.
 */
static int skewed_misses(double alpha, int rounds, enum tl_confseq_units units)
{
	const double truth = mixture_median(0.02);
	static double x[200], rd[200];
	struct tl_rng r;
	int miss = 0;

	tl_stats_rng_init(&r, 13);
	for (int s = 0; s < 1000; s++) {
		size_t n = 0;

		for (int p = 0; p < 25; p++) {
			double f = tl_stats_rng_double(&r) < 0.3 ? 1.5 : 1;
			struct tl_ci ci;

			for (int k = 0; k < 8; k++, n++) {
				x[n] = draw(&r, f, 0.02);
				rd[n] = p;
			}
			if (!tl_confseq_quantile_units(x, rounds ? rd : NULL, n,
						       0.5, alpha, units,
						       &ci) &&
			    (ci.lo > truth || ci.hi < truth)) {
				miss++;
				break;
			}
		}
	}
	return miss;
}

/*
 * A shape the design effect cannot see: processes in two modes, three
 * in ten 1.5x slower. The median lies in the fast processes' upper part
 * (their 71st percentile), so a stream whose first four processes are
 * all fast (0.7^4: a quarter of them) looks like one population of
 * alike processes, a design effect near 1, and its interval can end
 * below the truth; all slow, above it. The misses are over alpha, a
 * measured limit (README, "Sample until decided"), kept here so that a
 * change that worsens it shows: 26 of 1,000 at a table's level
 * (0.05 / 40) and 126 at 0.05, where values taken as independent miss
 * in 179 and 541. Only a bound on processes as units (about
 * log2(1 / alpha) of them, ten at a table's level) would hold it.
 */
TL_TEST(two_modes_of_processes)
{
	const enum tl_confseq_units d = TL_CONFSEQ_DESIGN;
	int table = skewed_misses(0.05 / 40, 1, d);
	int loose = skewed_misses(0.05, 1, d);
	int flat = skewed_misses(0.05 / 40, 0, d);
	int flat_loose = skewed_misses(0.05, 0, d);

	fprintf(stderr,
		"    two modes: missed %d (alpha 0.00125), %d (0.05) in 1000; "
		"independent %d, %d\n",
		table, loose, flat, flat_loose);
	TL_CHECK(table <= 30);
	TL_CHECK(loose <= 140);
	TL_CHECK(flat > 2 * table && flat_loose > 2 * loose);
}

/*
 * Each process one unit (claims --strict) holds where the design effect
 * did not: the two modes within alpha at both levels.
 */
TL_TEST(strict_holds_for_two_modes)
{
	const enum tl_confseq_units u = TL_CONFSEQ_PROCESSES;
	int table = skewed_misses(0.05 / 40, 1, u);
	int loose = skewed_misses(0.05, 1, u);

	fprintf(stderr, "    two modes, strict: missed %d, %d in 1000\n", table,
		loose);
	TL_CHECK(table <= 1);
	TL_CHECK(loose <= 50);
}

/*
 * What strict costs: the processes (8 values each, spread by within
 * around a centre spread by between) a median ten times under its bound
 * takes to decide at error alpha.
 */
static int procs_to_decide(double between, double within, double alpha,
			   enum tl_confseq_units u)
{
	static double x[8 * 64], rd[8 * 64];
	struct tl_rng r;
	struct tl_ci ci;

	tl_stats_rng_init(&r, 17);
	for (int p = 0; p < 64; p++) {
		double c = draw(&r, 10, between);

		for (int k = 0; k < 8; k++) {
			x[p * 8 + k] = draw(&r, c, within);
			rd[p * 8 + k] = p;
		}
		if (!tl_confseq_quantile_units(x, rd, 8 * (size_t)(p + 1), 0.5,
					       alpha, u, &ci) &&
		    tl_confseq_against(&ci, 100, INFINITY) ==
			    TL_CONFSEQ_OUTSIDE)
			return p + 1;
	}
	return 0;
}

/*
 * At a quick pass's level (0.05 / 4) and a default table's (0.05 / 40):
 * processes alike (no process effect, 2% within; the design effect near 1
 * decides at the fourth or fifth) and processes apart (3% apart, 2% within: the
 * design effect near the process's size, so the design path counts
 * processes too); the figures confseq.h quotes.
 */
TL_TEST(strict_costs_processes)
{
	const enum tl_confseq_units d = TL_CONFSEQ_DESIGN,
				    s = TL_CONFSEQ_PROCESSES;
	int fig[2][2][2]; /* [alike, apart][design, strict][quick, table] */

	for (int shape = 0; shape < 2; shape++)
		for (int lv = 0; lv < 2; lv++) {
			double b = shape ? 0.03 : 0,
			       a = lv ? 0.05 / 40 : 0.05 / 4;

			fig[shape][0][lv] = procs_to_decide(b, 0.02, a, d);
			fig[shape][1][lv] = procs_to_decide(b, 0.02, a, s);
		}
	fprintf(stderr,
		"    processes to decide (quick, table): alike: design %d, %d; "
		"strict %d, %d; apart: design %d, %d; strict %d, %d\n",
		fig[0][0][0], fig[0][0][1], fig[0][1][0], fig[0][1][1],
		fig[1][0][0], fig[1][0][1], fig[1][1][0], fig[1][1][1]);
	for (int shape = 0; shape < 2; shape++)
		for (int lv = 0; lv < 2; lv++) {
			TL_CHECK(fig[shape][0][lv] >= 4);
			TL_CHECK(fig[shape][1][lv] > fig[shape][0][lv]);
			TL_CHECK(fig[shape][1][lv] <= 24);
		}
	TL_CHECK(fig[0][0][1] <= 5);
}

TL_TEST_MAIN()
