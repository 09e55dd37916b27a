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
					       0.05, &r),
		     0);
	TL_CHECK_NEAR(r.lo, ca.lo / cb.hi, 1e-12);
	TL_CHECK_NEAR(r.hi, ca.hi / cb.lo, 1e-12);
	TL_CHECK(r.lo <= r.point && r.point <= r.hi);
	TL_CHECK_INT(tl_confseq_quantile_diff(a, NULL, 64, b, NULL, 64, 0.5,
					      0.05, &d),
		     0);
	TL_CHECK_NEAR(d.lo, ca.lo - cb.hi, 1e-12);
	TL_CHECK_NEAR(d.hi, ca.hi - cb.lo, 1e-12);
	/* An open denominator leaves the ratio unbounded above. */
	TL_CHECK_INT(tl_confseq_quantile_ratio(a, NULL, 64, b, NULL, 6, 0.5,
					       0.05, &r),
		     0);
	TL_CHECK(isinf(r.hi) && r.lo == 0);
	b[3] = 0;
	TL_CHECK_INT(tl_confseq_quantile_ratio(a, NULL, 64, b, NULL, 64, 0.5,
					       0.05, &r),
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
 * 1,000 A/A streams (A and B from one distribution, interleaved A B A B,
 * looked at after every batch of 4 up to 200 each): the fraction of
 * streams whose ratio interval ever excludes the true ratio 1 (that is,
 * any decision a claim could draw against a bound at 1). fixed_n: the
 * order-statistic interval of each median at z = 1.386 (about 95% for
 * the ratio at one fixed n), looked at after every batch anyway.
 */
static double aa_miss_rate(int fixed_n)
{
	static double a[200], b[200];
	struct tl_rng r;
	int miss = 0;

	tl_stats_rng_init(&r, 3);
	for (int s = 0; s < 1000; s++) {
		size_t n = 0;

		while (n < 200) {
			struct tl_ci ci;

			for (int k = 0; k < 4; k++, n++) {
				a[n] = draw(&r, 50, 0.1);
				b[n] = draw(&r, 50, 0.1);
			}
			if (fixed_n) {
				struct tl_ci ca, cb;
				double z = 1.386 * sqrt((double)n) / 2;
				size_t lo = (size_t)fmax(1, ceil(n / 2.0 - z));
				size_t hi = (size_t)fmin(
					(double)n, floor(n / 2.0 + z) + 1);
				double sa[200], sb[200];

				memcpy(sa, a, n * sizeof(*a));
				memcpy(sb, b, n * sizeof(*b));
				for (size_t i = 1; i < n; i++)
					for (size_t j = i; j > 0; j--) {
						double t;

						if (sa[j - 1] > sa[j]) {
							t = sa[j - 1];
							sa[j - 1] = sa[j];
							sa[j] = t;
						}
						if (sb[j - 1] > sb[j]) {
							t = sb[j - 1];
							sb[j - 1] = sb[j];
							sb[j] = t;
						}
					}
				ca = (struct tl_ci){0, sa[lo - 1], sa[hi - 1]};
				cb = (struct tl_ci){0, sb[lo - 1], sb[hi - 1]};
				ci.lo = ca.lo / cb.hi;
				ci.hi = ca.hi / cb.lo;
			} else if (tl_confseq_quantile_ratio(a, NULL, n, b,
							     NULL, n, 0.5, 0.05,
							     &ci)) {
				continue;
			}
			if (ci.lo > 1 || ci.hi < 1) {
				miss++;
				break;
			}
		}
	}
	return miss / 1000.0;
}

TL_TEST(aa_false_decisions_within_alpha)
{
	double cs = aa_miss_rate(0), naive = aa_miss_rate(1);

	fprintf(stderr,
		"    A/A: confidence sequence %.3f, fixed-n CI looked "
		"at after every batch %.3f\n",
		cs, naive);
	TL_CHECK(cs <= 0.05);
	/* The test can fail: peeking at a fixed-n interval does. */
	TL_CHECK(naive > 0.05);
}

/*
 * 1,000 A/A streams in processes: each round runs A's process and B's,
 * each giving 5 samples; a process's state (a host neighbour, a memory
 * layout) scales all of its samples alike (lognormal, 10%), within a
 * process they spread by 1%. The pairs (a / b, round by round) are
 * looked at after every round up to 40 rounds. Taken as independent,
 * five pairs of one round count as five observations of the process
 * effect; with their rounds, as the one they are.
 */
static double aa_cluster_miss_rate(int with_rounds)
{
	static double p[200], rd[200];
	struct tl_rng r;
	int miss = 0;

	tl_stats_rng_init(&r, 5);
	for (int s = 0; s < 1000; s++) {
		size_t n = 0;

		for (int round = 0; round < 40; round++) {
			double fa = draw(&r, 1, 0.1), fb = draw(&r, 1, 0.1);
			struct tl_ci ci;

			for (int k = 0; k < 5; k++, n++) {
				p[n] = draw(&r, 50 * fa, 0.01) /
				       draw(&r, 50 * fb, 0.01);
				rd[n] = round;
			}
			if (tl_confseq_quantile_rounds(p,
						       with_rounds ? rd : NULL,
						       n, 0.5, 0.05, &ci))
				continue;
			if (ci.lo > 1 || ci.hi < 1) {
				miss++;
				break;
			}
		}
	}
	return miss / 1000.0;
}

TL_TEST(aa_processes_false_decisions_within_alpha)
{
	double rounds = aa_cluster_miss_rate(1), flat = aa_cluster_miss_rate(0);

	fprintf(stderr,
		"    A/A in processes: with rounds %.3f, values taken as "
		"independent %.3f\n",
		rounds, flat);
	TL_CHECK(rounds <= 0.05);
	/* The test can fail: independent values' intervals do. */
	TL_CHECK(flat > 0.05);
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
	TL_CHECK_NEAR(tl_confseq_deff(x, rd, 20, 0.5, 9.5), 1, 0);
	for (int i = 0; i < 20; i++)
		x[i] = i; /* rounds wholly apart: each one value */
	TL_CHECK_NEAR(tl_confseq_deff(x, rd, 20, 0.5, 9.5), 4, 1e-9);
	TL_CHECK_NEAR(tl_confseq_deff(x, NULL, 20, 0.5, 9.5), 1, 0);
	for (int i = 0; i < 20; i++)
		rd[i] = 0; /* one process */
	TL_CHECK_NEAR(tl_confseq_deff(x, rd, 20, 0.5, 9.5), 20, 0);
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
	far = tl_confseq_oracle_n(x, 400, NULL, 0, TL_CONFSEQ_VALUE, 0.5,
				  0.05 / 40, 1200, 8700, 100000);
	TL_CHECK_INT(far, 11);
	near = tl_confseq_oracle_n(y, 400, NULL, 0, TL_CONFSEQ_VALUE, 0.5,
				   0.05 / 40, -INFINITY, 95, 100000);
	TL_CHECK(near > far && near < 100000);
	TL_CHECK_INT(tl_confseq_oracle_n(y, 400, NULL, 0, TL_CONFSEQ_VALUE, 0.5,
					 0.05 / 40, -INFINITY,
					 y[0] > 0 ? 1e-9 : 0, 1000),
		     11); /* wholly outside: refuted as fast as can be */
	/* A ratio of two sides at 26 and 100 against ratio > 1. */
	TL_CHECK(tl_confseq_oracle_n(x, 400, y, 400, TL_CONFSEQ_RATIO, 0.5,
				     0.05 / 40, 1, INFINITY, 100000) > 0);
	n = run_stream(&r, 26, 0.2, 1200, 8700, 5, 1000, &st);
	TL_CHECK(n <= 3 * far);
}

TL_TEST_MAIN()
