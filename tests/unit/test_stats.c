/*
 * test_stats.c - unit tests of src/base/stats.c.
 *
 * Reference values were computed independently of this C code, with
 * Python 3, numpy 2.4.6 and scipy 1.17.1 (or by hand for tiny inputs); the
 * expression that produced each one is in the comment beside it. The
 * bootstrap references come from a separate Python implementation of the
 * same documented procedure (splitmix64 -> xoshiro256**, Lemire's bounded
 * draw, resamples taken a's draws then b's, numpy.quantile with
 * method="linear" for every quantile), so they check the resampling order
 * and the percentile step, not only properties. Statistical properties
 * (coverage) are checked with generous bounds and fixed seeds.
 */
#include "base/stats.h"

#include <errno.h>
#include <stdint.h>

#include "tl_test.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const double d1[] = {3.1, 1.4, 4.1, 5.9, 2.6, 5.3, 5.8, 9.7, 9.3, 2.3};
static const double d2[] = {7.0, 1.0, 4.0, 1.0, 9.0, 2.0, 6.0};

TL_TEST(median_quantile)
{
	double v;

	TL_CHECK_INT(tl_stats_median(d1, N_OF(d1), &v), 0);
	TL_CHECK_NEAR(v, 4.7, 1e-12); /* numpy.median(d1) = 4.699999999999999 */
	TL_CHECK_INT(tl_stats_median(d2, N_OF(d2), &v), 0);
	TL_CHECK_NEAR(v, 4.0, 0); /* numpy.median(d2) = 4.0 */
	/* numpy.quantile(d1, q, method='linear') for each q: */
	TL_CHECK_INT(tl_stats_quantile(d1, N_OF(d1), 0, &v), 0);
	TL_CHECK_NEAR(v, 1.4, 0);
	TL_CHECK_INT(tl_stats_quantile(d1, N_OF(d1), 0.1, &v), 0);
	TL_CHECK_NEAR(v, 2.21, 1e-12);
	TL_CHECK_INT(tl_stats_quantile(d1, N_OF(d1), 0.25, &v), 0);
	TL_CHECK_NEAR(v, 2.725, 1e-12);
	TL_CHECK_INT(tl_stats_quantile(d1, N_OF(d1), 0.9, &v), 0);
	TL_CHECK_NEAR(v, 9.34, 1e-12);
	TL_CHECK_INT(tl_stats_quantile(d1, N_OF(d1), 1, &v), 0);
	TL_CHECK_NEAR(v, 9.7, 0);
	/* numpy.quantile(d2, 0.3, method='linear') = 1.7999999999999998 */
	TL_CHECK_INT(tl_stats_quantile(d2, N_OF(d2), 0.3, &v), 0);
	TL_CHECK_NEAR(v, 1.8, 1e-12);
	/* By hand: one value is every quantile of itself. */
	TL_CHECK_INT(tl_stats_quantile(d1, 1, 0.37, &v), 0);
	TL_CHECK_NEAR(v, 3.1, 0);
}

TL_TEST(descriptive)
{
	double v, lo, hi;

	TL_CHECK_INT(tl_stats_mean(d1, N_OF(d1), &v), 0);
	TL_CHECK_NEAR(v, 4.95, 1e-12); /* numpy.mean(d1) = 4.95 */
	TL_CHECK_INT(tl_stats_stddev(d1, N_OF(d1), &v), 0);
	/* numpy.std(d1, ddof=1) = 2.8387203689925737 */
	TL_CHECK_NEAR(v, 2.8387203689925737, 1e-12);
	TL_CHECK_INT(tl_stats_mad(d1, N_OF(d1), &v), 0);
	/* scipy.stats.median_abs_deviation(d1) = 1.8499999999999992 */
	TL_CHECK_NEAR(v, 1.85, 1e-12);
	TL_CHECK_INT(tl_stats_mad(d2, N_OF(d2), &v), 0);
	TL_CHECK_NEAR(v, 3.0, 0); /* median_abs_deviation(d2) = 3.0 */
	TL_CHECK_INT(tl_stats_mad_sigma(d1, N_OF(d1), &v), 0);
	/* median_abs_deviation(d1, scale='normal') = 2.742814104235362 */
	TL_CHECK_NEAR(v, 2.742814104235362, 1e-12);
	TL_CHECK_INT(tl_stats_cv(d1, N_OF(d1), &v), 0);
	/* scipy.stats.variation(d1, ddof=1) = 0.5734788624227423 */
	TL_CHECK_NEAR(v, 0.5734788624227423, 1e-12);
	TL_CHECK_INT(tl_stats_minmax(d1, N_OF(d1), &lo, &hi), 0);
	TL_CHECK_NEAR(lo, 1.4, 0); /* by hand */
	TL_CHECK_NEAR(hi, 9.7, 0);
}

TL_TEST(errors)
{
	static const double bad[] = {1, NAN, 3};
	static const double zero_b[] = {1, 0, 2};
	static const double zero_mean[] = {-1, 1};
	struct tl_stats_boot opt = {.confidence = 1.0, .resamples = 10};
	struct tl_ci ci;
	struct tl_mwu m;
	struct tl_changepoint cp;
	double v;

	TL_CHECK_INT(tl_stats_median(d1, 0, &v), -EINVAL);
	TL_CHECK_INT(tl_stats_median(bad, 3, &v), -EINVAL);
	TL_CHECK_INT(tl_stats_quantile(d1, 3, 1.5, &v), -EINVAL);
	TL_CHECK_INT(tl_stats_quantile(d1, 3, NAN, &v), -EINVAL);
	TL_CHECK_INT(tl_stats_mean(d1, 0, &v), -EINVAL);
	TL_CHECK_INT(tl_stats_stddev(d1, 1, &v), -EINVAL);
	TL_CHECK_INT(tl_stats_cv(zero_mean, 2, &v), -EDOM);
	TL_CHECK_INT(tl_stats_mad(d1, 0, &v), -EINVAL);
	TL_CHECK_INT(tl_stats_boot_median(d1, 0, NULL, &ci), -EINVAL);
	TL_CHECK_INT(tl_stats_boot_median(d1, 3, &opt, &ci), -EINVAL);
	TL_CHECK_INT(tl_stats_boot_median_ratio(d1, 3, zero_b, 3, NULL, &ci),
		     -EDOM);
	TL_CHECK_INT(tl_stats_boot_median_diff(d1, 3, bad, 3, NULL, &ci),
		     -EINVAL);
	TL_CHECK_INT(tl_stats_mwu(d1, 0, d2, 3, TL_MWU_AUTO, &m), -EINVAL);
	/* d2 has a tie (1.0 twice): no exact distribution. */
	TL_CHECK_INT(tl_stats_mwu(d1, 3, d2, 7, TL_MWU_EXACT, &m), -EINVAL);
	TL_CHECK_INT(tl_stats_pettitt(d1, 1, &cp), -EINVAL);
	TL_CHECK_INT(tl_stats_linfit(d1, d1, 1, &(struct tl_linfit){0}, NULL),
		     -EINVAL);
}

TL_TEST(inputs_untouched)
{
	double a[N_OF(d1)], b[N_OF(d2)], v;
	struct tl_ci ci;
	struct tl_mwu m;
	struct tl_changepoint cp;

	memcpy(a, d1, sizeof(a));
	memcpy(b, d2, sizeof(b));
	TL_CHECK_INT(tl_stats_median(a, N_OF(a), &v), 0);
	TL_CHECK_INT(tl_stats_mad(a, N_OF(a), &v), 0);
	TL_CHECK_INT(tl_stats_boot_quantile(a, N_OF(a), 0.9, NULL, &ci), 0);
	TL_CHECK_INT(
		tl_stats_boot_median_ratio(a, N_OF(a), b, N_OF(b), NULL, &ci),
		0);
	TL_CHECK_INT(tl_stats_mwu(a, N_OF(a), b, N_OF(b), TL_MWU_AUTO, &m), 0);
	TL_CHECK_INT(tl_stats_pettitt(a, N_OF(a), &cp), 0);
	TL_CHECK(memcmp(a, d1, sizeof(a)) == 0);
	TL_CHECK(memcmp(b, d2, sizeof(b)) == 0);
}

/* Type 7 quantile by full sort, the textbook way, to check quickselect. */
static int cmp_d(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

TL_TEST(quickselect_matches_sort)
{
	static double x[257], s[257];
	static const double qs[] = {0, 0.01, 0.25, 0.5, 0.5001, 0.75, 0.99, 1};
	struct tl_rng r;
	size_t n, i, k;
	double v, h, want;

	tl_stats_rng_init(&r, 99);
	for (n = 1; n <= 257; n += 8) {
		for (i = 0; i < n; i++) {
			/* Few distinct values in odd rounds: many ties. */
			x[i] = (n / 8) % 2 ? (double)tl_stats_rng_below(&r, 5)
					   : tl_stats_rng_double(&r);
			if (n % 3 == 0 && i > 0)
				x[i] = x[i - 1] + 1; /* sorted input */
		}
		memcpy(s, x, n * sizeof(*s));
		qsort(s, n, sizeof(*s), cmp_d);
		for (k = 0; k < N_OF(qs); k++) {
			h = (double)(n - 1) * qs[k];
			i = (size_t)h;
			want = i + 1 < n ? s[i] + (h - (double)i) *
							   (s[i + 1] - s[i])
					 : s[n - 1];
			TL_CHECK_INT(tl_stats_quantile(x, n, qs[k], &v), 0);
			TL_CHECK_NEAR(v, want, 1e-12 * (1 + fabs(want)));
		}
	}
}

TL_TEST(rng_reference)
{
	struct tl_rng r;
	double d;

	/*
	 * splitmix64 first output for seed 0 is 0xe220a8397b1dcdaf, the
	 * published test vector of Vigna's splitmix64.c, and also what the
	 * Python reimplementation prints; the state's first word is it.
	 */
	tl_stats_rng_init(&r, 0);
	TL_CHECK(r.s[0] == 0xe220a8397b1dcdafULL);
	/* Python reimplementation of xoshiro256** (seed 42), first three. */
	tl_stats_rng_init(&r, 42);
	TL_CHECK(tl_stats_rng_next(&r) == 0x15780b2e0c2ec716ULL);
	TL_CHECK(tl_stats_rng_next(&r) == 0x6104d9866d113a7eULL);
	TL_CHECK(tl_stats_rng_next(&r) == 0xae17533239e499a1ULL);
	/* Python: Lemire below(7), seed 42 = [0, 2, 4, 6, 6, 5, 5, 5]. */
	{
		static const uint64_t want[] = {0, 2, 4, 6, 6, 5, 5, 5};
		size_t i;

		tl_stats_rng_init(&r, 42);
		for (i = 0; i < N_OF(want); i++)
			TL_CHECK_INT(tl_stats_rng_below(&r, 7), want[i]);
	}
	/* Python: (next() >> 11) * 2**-53, seed 42 = 0.08386297105988216. */
	tl_stats_rng_init(&r, 42);
	d = tl_stats_rng_double(&r);
	TL_CHECK_NEAR(d, 0.08386297105988216, 0);
}

TL_TEST(rng_below_uniform)
{
	/* 60000 draws in [0, 6): each bin within 5 sigma of 10000. */
	unsigned bins[6] = {0};
	struct tl_rng r;
	int i;

	tl_stats_rng_init(&r, 7);
	for (i = 0; i < 60000; i++)
		bins[tl_stats_rng_below(&r, 6)]++;
	for (i = 0; i < 6; i++)
		TL_CHECK(fabs((double)bins[i] - 10000) < 5 * 91.3);
}

TL_TEST(boot_reference)
{
	struct tl_ci ci;
	struct tl_stats_boot opt;

	/* Python reimplementation: boot(d1, q=0.5, B=200, seed=7, conf=0.9). */
	opt = (struct tl_stats_boot){
		.confidence = 0.9, .resamples = 200, .seed = 7};
	TL_CHECK_INT(tl_stats_boot_median(d1, N_OF(d1), &opt, &ci), 0);
	TL_CHECK_NEAR(ci.point, 4.7, 1e-12);
	TL_CHECK_NEAR(ci.lo, 2.85, 1e-12);
	TL_CHECK_NEAR(ci.hi, 5.85, 1e-12);
	/* boot(d1, q=0.9, B=300, seed=11, conf=0.95) = 9.34, 5.36, 9.7 */
	opt = (struct tl_stats_boot){
		.confidence = 0.95, .resamples = 300, .seed = 11};
	TL_CHECK_INT(tl_stats_boot_quantile(d1, N_OF(d1), 0.9, &opt, &ci), 0);
	TL_CHECK_NEAR(ci.point, 9.34, 1e-12);
	TL_CHECK_NEAR(ci.lo, 5.36, 1e-12);
	TL_CHECK_NEAR(ci.hi, 9.7, 1e-12);
	/*
	 * boot2(d1, d2, B=250, seed=3, conf=0.95, ratio) = 1.175,
	 * 0.43547619047619057, 5.58875.
	 */
	opt = (struct tl_stats_boot){
		.confidence = 0.95, .resamples = 250, .seed = 3};
	TL_CHECK_INT(tl_stats_boot_median_ratio(d1, N_OF(d1), d2, N_OF(d2),
						&opt, &ci),
		     0);
	TL_CHECK_NEAR(ci.point, 1.175, 1e-12);
	TL_CHECK_NEAR(ci.lo, 0.43547619047619057, 1e-12);
	TL_CHECK_NEAR(ci.hi, 5.58875, 1e-12);
	/* boot2(..., seed=3, conf=0.8, difference) = 0.7, -2.4, 3.61 */
	opt.confidence = 0.8;
	TL_CHECK_INT(tl_stats_boot_median_diff(d1, N_OF(d1), d2, N_OF(d2), &opt,
					       &ci),
		     0);
	TL_CHECK_NEAR(ci.point, 0.7, 1e-12);
	TL_CHECK_NEAR(ci.lo, -2.4, 1e-12);
	TL_CHECK_NEAR(ci.hi, 3.61, 1e-12);
}

TL_TEST(boot_mde_aa)
{
	struct tl_stats_boot opt = {
		.confidence = 0.95, .resamples = 250, .seed = 3};
	struct tl_ci ci;
	double mde;

	/* Half-width of the Python ratio CI above: (5.58875 - 0.4354...)/2. */
	TL_CHECK_INT(
		tl_stats_mde_aa(d1, N_OF(d1), d2, N_OF(d2), &opt, &ci, &mde),
		0);
	TL_CHECK_NEAR(mde, 100 * (5.58875 - 0.43547619047619057) / 2, 1e-9);
	TL_CHECK_NEAR(ci.hi, 5.58875, 1e-12);
	TL_CHECK_INT(
		tl_stats_mde_aa(d1, N_OF(d1), d2, N_OF(d2), &opt, NULL, &mde),
		0);
}

static void fill_exp(struct tl_rng *r, double *x, size_t n, double scale)
{
	size_t i;

	/* Inverse CDF; 1 - u is in (0, 1], so the log is finite. */
	for (i = 0; i < n; i++)
		x[i] = -scale * log(1 - tl_stats_rng_double(r));
}

TL_TEST(boot_properties)
{
	double x[200], one = 42;
	struct tl_rng r;
	struct tl_ci c1, c2, c3;
	struct tl_stats_boot opt = {.confidence = 0.95, .seed = 1};

	tl_stats_rng_init(&r, 1234);
	fill_exp(&r, x, N_OF(x), 1.0);
	TL_CHECK_INT(tl_stats_boot_median(x, N_OF(x), &opt, &c1), 0);
	TL_CHECK(c1.lo <= c1.point && c1.point <= c1.hi);
	TL_CHECK(c1.lo < c1.hi);
	/* Same seed: the same interval, bit for bit. */
	TL_CHECK_INT(tl_stats_boot_median(x, N_OF(x), &opt, &c2), 0);
	TL_CHECK(memcmp(&c1, &c2, sizeof(c1)) == 0);
	/* Another seed: same point, other bounds. */
	opt.seed = 2;
	TL_CHECK_INT(tl_stats_boot_median(x, N_OF(x), &opt, &c3), 0);
	TL_CHECK(c3.point == c1.point);
	TL_CHECK(c3.lo != c1.lo || c3.hi != c1.hi);
	/* NULL options are the documented defaults. */
	opt = (struct tl_stats_boot){.confidence = 0.95,
				     .resamples = TL_STATS_BOOT_RESAMPLES,
				     .seed = TL_STATS_BOOT_SEED};
	TL_CHECK_INT(tl_stats_boot_median(x, N_OF(x), &opt, &c2), 0);
	TL_CHECK_INT(tl_stats_boot_median(x, N_OF(x), NULL, &c3), 0);
	TL_CHECK(memcmp(&c2, &c3, sizeof(c2)) == 0);
	/* A 99% interval contains the 80% one (same resamples). */
	opt.confidence = 0.8;
	TL_CHECK_INT(tl_stats_boot_median(x, N_OF(x), &opt, &c1), 0);
	opt.confidence = 0.99;
	TL_CHECK_INT(tl_stats_boot_median(x, N_OF(x), &opt, &c2), 0);
	TL_CHECK(c2.lo <= c1.lo && c1.hi <= c2.hi);
	/* n = 1: the interval is the point. */
	TL_CHECK_INT(tl_stats_boot_median(&one, 1, NULL, &c1), 0);
	TL_CHECK(c1.point == 42 && c1.lo == 42 && c1.hi == 42);
	TL_CHECK_INT(tl_stats_boot_median_ratio(&one, 1, &one, 1, NULL, &c1),
		     0);
	TL_CHECK(c1.point == 1 && c1.lo == 1 && c1.hi == 1);
}

/*
 * The documented procedure done naively (draw the values, sort them, type 7
 * by formula) must give the same interval as the counting resampler, here
 * on 201 values with many ties and an even-sized second sample.
 */
static double naive_q(double *v, size_t n, double q)
{
	double h = (double)(n - 1) * q;
	size_t j = (size_t)h;

	qsort(v, n, sizeof(*v), cmp_d);
	return j + 1 < n ? v[j] + (h - (double)j) * (v[j + 1] - v[j]) : v[j];
}

TL_TEST(boot_matches_naive)
{
	enum { NA = 201, NB = 100, B = 300 };
	static double a[NA], b[NB], ra[NA], rb[NB], st[B];
	struct tl_stats_boot opt = {
		.confidence = 0.9, .resamples = B, .seed = 77};
	struct tl_rng r;
	struct tl_ci ci;
	size_t i, k;
	double lo, hi;

	tl_stats_rng_init(&r, 5);
	for (i = 0; i < NA; i++)
		a[i] = (double)tl_stats_rng_below(&r, 30);
	for (i = 0; i < NB; i++)
		b[i] = 1 + (double)tl_stats_rng_below(&r, 17);
	/* Quantile 0.3 of a: draws from one stream seeded 77. */
	tl_stats_rng_init(&r, 77);
	for (k = 0; k < B; k++) {
		for (i = 0; i < NA; i++)
			ra[i] = a[tl_stats_rng_below(&r, NA)];
		st[k] = naive_q(ra, NA, 0.3);
	}
	lo = naive_q(st, B, 0.05);
	hi = naive_q(st, B, 0.95);
	TL_CHECK_INT(tl_stats_boot_quantile(a, NA, 0.3, &opt, &ci), 0);
	TL_CHECK_NEAR(ci.lo, lo, 1e-12);
	TL_CHECK_NEAR(ci.hi, hi, 1e-12);
	/* Difference of medians: a's draws then b's, per resample. */
	tl_stats_rng_init(&r, 77);
	for (k = 0; k < B; k++) {
		for (i = 0; i < NA; i++)
			ra[i] = a[tl_stats_rng_below(&r, NA)];
		for (i = 0; i < NB; i++)
			rb[i] = b[tl_stats_rng_below(&r, NB)];
		st[k] = naive_q(ra, NA, 0.5) - naive_q(rb, NB, 0.5);
	}
	lo = naive_q(st, B, 0.05);
	hi = naive_q(st, B, 0.95);
	TL_CHECK_INT(tl_stats_boot_median_diff(a, NA, b, NB, &opt, &ci), 0);
	TL_CHECK_NEAR(ci.lo, lo, 1e-12);
	TL_CHECK_NEAR(ci.hi, hi, 1e-12);
}

/*
 * Coverage: 200 samples of 41 exponential values (median ln 2); the 95%
 * percentile interval of the median should contain ln 2 in about 95% of
 * them. Binomial sd at 200 trials is 1.5%; the bounds allow the known
 * small undercoverage of percentile intervals and chance.
 */
TL_TEST(boot_coverage)
{
	enum { TRIALS = 200, N = 41 };
	double x[N], y[N];
	struct tl_stats_boot opt = {.confidence = 0.95, .resamples = 500};
	struct tl_rng r;
	struct tl_ci ci;
	int t, hit = 0, hit_ratio = 0;

	tl_stats_rng_init(&r, 2024);
	for (t = 0; t < TRIALS; t++) {
		fill_exp(&r, x, N, 1.0);
		opt.seed = (uint64_t)t;
		TL_CHECK_INT(tl_stats_boot_median(x, N, &opt, &ci), 0);
		hit += ci.lo <= M_LN2 && M_LN2 <= ci.hi;
		/* Ratio of medians: a is b's distribution scaled by 2. */
		fill_exp(&r, x, N, 2.0);
		fill_exp(&r, y, N, 1.0);
		TL_CHECK_INT(tl_stats_boot_median_ratio(x, N, y, N, &opt, &ci),
			     0);
		hit_ratio += ci.lo <= 2 && 2 <= ci.hi;
	}
	TL_CHECK(hit >= 0.88 * TRIALS && hit <= 0.995 * TRIALS);
	TL_CHECK(hit_ratio >= 0.88 * TRIALS && hit_ratio <= 0.995 * TRIALS);
}

/*
 * The order-statistic interval: the ranks by hand (n = 10, the median at
 * 95%: P(Bin(10, .5) <= 1) = 11/1024 <= .025 < P(<= 2) = 56/1024, so
 * X_(2) and X_(9)), and on 4,001 exponential values the bootstrap's
 * interval within a value's spacing of it.
 */
TL_TEST(order_ci)
{
	static double x[4001];
	struct tl_stats_boot opt = {.confidence = 0.95, .seed = 7};
	struct tl_rng r;
	struct tl_ci ci, b;
	double l, u;

	for (int i = 0; i < 10; i++)
		x[i] = 10 - i;
	tl_stats_order_ranks(10, 0.5, 0.05, &l, &u);
	TL_CHECK_NEAR(l, 2, 0);
	TL_CHECK_NEAR(u, 9, 0);
	TL_CHECK_INT(tl_stats_order_ci(x, 10, 0.5, 0.95, &ci), 0);
	TL_CHECK_NEAR(ci.point, 5.5, 0);
	TL_CHECK_NEAR(ci.lo, 2, 0);
	TL_CHECK_NEAR(ci.hi, 9, 0);
	/* Too few values for an end: it stays open. */
	TL_CHECK_INT(tl_stats_order_ci(x, 3, 0.5, 0.95, &ci), 0);
	TL_CHECK(isinf(ci.lo) && isinf(ci.hi));
	tl_stats_rng_init(&r, 11);
	fill_exp(&r, x, 4001, 1.0);
	TL_CHECK_INT(tl_stats_order_ci(x, 4001, 0.5, 0.95, &ci), 0);
	TL_CHECK_INT(tl_stats_boot_median(x, 4001, &opt, &b), 0);
	TL_CHECK_NEAR(ci.point, b.point, 1e-12);
	TL_CHECK(fabs(ci.lo - b.lo) < 0.01 && fabs(ci.hi - b.hi) < 0.01);
}

static const double mwa[] = {1.83, 0.50, 1.62, 2.48, 1.68,
			     1.88, 1.55, 3.06, 1.30};
static const double mwb[] = {0.878, 0.647, 0.598, 2.05, 1.06,
			     1.29,  1.07,  3.14,  1.28};

TL_TEST(mwu_no_ties)
{
	struct tl_mwu m;

	TL_CHECK_INT(tl_stats_mwu(mwa, 9, mwb, 9, TL_MWU_EXACT, &m), 0);
	/* scipy.stats.mannwhitneyu(a, b, method='exact'): U 58, p below. */
	TL_CHECK_NEAR(m.u, 58, 0);
	TL_CHECK_NEAR(m.p, 0.13591114767585355, 1e-12);
	TL_CHECK(m.exact);
	TL_CHECK_NEAR(m.cles, 58.0 / 81, 1e-15); /* U / (9 * 9) by hand */
	TL_CHECK_NEAR(m.rank_biserial, 2 * 58.0 / 81 - 1, 1e-15);
	/* Auto picks exact for 9 x 9 without ties. */
	TL_CHECK_INT(tl_stats_mwu(mwa, 9, mwb, 9, TL_MWU_AUTO, &m), 0);
	TL_CHECK(m.exact);
	TL_CHECK_NEAR(m.p, 0.13591114767585355, 1e-12);
	/* mannwhitneyu(a, b, method='asymptotic') = 0.1333202155896274 */
	TL_CHECK_INT(tl_stats_mwu(mwa, 9, mwb, 9, TL_MWU_ASYMPTOTIC, &m), 0);
	TL_CHECK(!m.exact);
	TL_CHECK_NEAR(m.p, 0.1333202155896274, 1e-12);
	TL_CHECK(m.z > 0);
	/* Swapping the samples: U = 81 - 58, same p, opposite effect. */
	TL_CHECK_INT(tl_stats_mwu(mwb, 9, mwa, 9, TL_MWU_EXACT, &m), 0);
	TL_CHECK_NEAR(m.u, 23, 0);
	TL_CHECK_NEAR(m.p, 0.13591114767585355, 1e-12);
	TL_CHECK(m.rank_biserial < 0);
}

TL_TEST(mwu_exact_small_and_20)
{
	static const double a3[] = {1, 2, 3}, b4[] = {4, 5, 6, 7};
	/* numpy.random.default_rng(5): round(normal(0, 1, 20), 6), then
	 * round(normal(0.8, 1, 20), 6).
	 */
	static const double xa[] = {-0.801931, -1.324359, -0.248362, 0.420445,
				    1.136047,  0.109706,  -0.552647, -0.78478,
				    0.748746,  1.634783,  0.272769,  -1.233329,
				    -0.958265, 1.600019,  0.202882,  -1.732135,
				    -0.083696, -1.163226, -0.629288, -0.488006};
	static const double xb[] = {0.086687,  1.353378,  0.736914,  0.210569,
				    1.209638,  1.629855,  -0.843023, 0.54327,
				    -0.180747, 0.626845,  -0.489419, 0.82069,
				    0.762114,  0.495662,  -0.247927, 0.40381,
				    -0.291329, -0.555209, 1.024786,  -0.30935};
	struct tl_mwu m;

	/* By hand: U = 0 is 1 of C(7,3) = 35 orderings; two-sided 2/35. */
	TL_CHECK_INT(tl_stats_mwu(a3, 3, b4, 4, TL_MWU_AUTO, &m), 0);
	TL_CHECK_NEAR(m.u, 0, 0);
	TL_CHECK_NEAR(m.p, 2.0 / 35, 1e-15);
	TL_CHECK_NEAR(m.rank_biserial, -1, 0);
	/* mannwhitneyu(xa, xb, method='exact') = U 125, 0.042984632900965054 */
	TL_CHECK_INT(tl_stats_mwu(xa, 20, xb, 20, TL_MWU_AUTO, &m), 0);
	TL_CHECK(m.exact);
	TL_CHECK_NEAR(m.u, 125, 0);
	TL_CHECK_NEAR(m.p, 0.042984632900965054, 1e-12);
	/* method='asymptotic' = 0.043880384461220855 */
	TL_CHECK_INT(tl_stats_mwu(xa, 20, xb, 20, TL_MWU_ASYMPTOTIC, &m), 0);
	TL_CHECK_NEAR(m.p, 0.043880384461220855, 1e-12);
}

TL_TEST(mwu_ties)
{
	static const double at[] = {1, 2, 2, 3, 3, 3, 4, 5, 7, 9, 9, 10};
	static const double bt[] = {2, 3, 4, 4,	 5,  6,	 6,
				    6, 8, 9, 11, 12, 13, 14};
	static const double same[] = {5, 5, 5};
	struct tl_mwu m;

	/* mannwhitneyu(at, bt, method='asymptotic'): U 50, 0.0834406864... */
	TL_CHECK_INT(tl_stats_mwu(at, N_OF(at), bt, N_OF(bt), TL_MWU_AUTO, &m),
		     0);
	TL_CHECK(!m.exact);
	TL_CHECK_NEAR(m.u, 50, 0);
	TL_CHECK_NEAR(m.p, 0.08344068646390933, 1e-12);
	TL_CHECK(m.z < 0);
	/* All equal: U = 4.5 by hand (9 ties, half each), p = 1. */
	TL_CHECK_INT(tl_stats_mwu(same, 3, same, 3, TL_MWU_AUTO, &m), 0);
	TL_CHECK_NEAR(m.u, 4.5, 0);
	TL_CHECK_NEAR(m.p, 1, 0);
	TL_CHECK_NEAR(m.cles, 0.5, 0);
}

TL_TEST(holm_bonferroni_tost)
{
	/*
	 * By hand: sorted 0.005 (x4), 0.01 (x3), 0.03 (x2), 0.04 (x1) give
	 * 4 x 0.005 = 0.02, 3 x 0.01 = 0.03, 2 x 0.03 = 0.06, then
	 * max(1 x 0.04, 0.06) = 0.06. Four p of 0.3: 4 x 0.3 = 1.2 -> 1.
	 */
	double p[] = {0.01, 0.04, 0.03, 0.005}, adj[4];
	double p2[] = {0.3, 0.5}, want2[] = {0.6, 0.6};
	double p3[] = {0.3, 0.3, 0.3, 0.3};
	struct tl_ci ci;
	size_t i;

	TL_CHECK_INT(tl_stats_holm(p, 4, adj), 0);
	TL_CHECK_NEAR(adj[0], 0.03, 1e-15);
	TL_CHECK_NEAR(adj[1], 0.06, 1e-15);
	TL_CHECK_NEAR(adj[2], 0.06, 1e-15);
	TL_CHECK_NEAR(adj[3], 0.02, 1e-15);
	/* In place; 2 * 0.3 = 0.6, then max(0.5, 0.6) = 0.6 (by hand). */
	TL_CHECK_INT(tl_stats_holm(p2, 2, p2), 0);
	for (i = 0; i < 2; i++)
		TL_CHECK_NEAR(p2[i], want2[i], 1e-15);
	TL_CHECK_INT(tl_stats_holm(p3, 4, p3), 0);
	TL_CHECK_NEAR(p3[0], 1, 0);
	TL_CHECK_NEAR(p3[3], 1, 0);
	p[1] = 1.5;
	TL_CHECK_INT(tl_stats_holm(p, 4, adj), -EINVAL);

	/* By hand: 1 - 0.05 / 5 = 0.99. */
	TL_CHECK_NEAR(tl_stats_bonferroni_level(0.95, 5), 0.99, 1e-15);
	TL_CHECK_NEAR(tl_stats_bonferroni_level(0.95, 0), 0.95, 1e-15);
	TL_CHECK_NEAR(tl_stats_tost_level(0.05), 0.90, 1e-15);
	ci = (struct tl_ci){0, -0.5, 0.5};
	TL_CHECK(tl_stats_ci_is_equivalent(&ci, 0.5));
	ci = (struct tl_ci){0, -0.6, 0.1};
	TL_CHECK(!tl_stats_ci_is_equivalent(&ci, 0.5));
	ci = (struct tl_ci){0.2, 0.1, 0.7};
	TL_CHECK(!tl_stats_ci_is_equivalent(&ci, 0.5));
}

TL_TEST(linfit)
{
	static const double x[] = {1, 2, 3, 4, 5, 6};
	static const double y[] = {2.1, 3.9, 6.2, 7.8, 10.1, 12.2};
	/* y - (intercept + slope x) from scipy's fit below. */
	static const double want_res[] = {0.1, -0.12, 0.16, -0.26, 0.02, 0.1};
	static const double flat[] = {3, 3, 3};
	static const double same_x[] = {2, 2, 2};
	struct tl_linfit f;
	double res[6];
	size_t i;

	TL_CHECK_INT(tl_stats_linfit(x, y, 6, &f, res), 0);
	/*
	 * scipy.stats.linregress(x, y): intercept -0.019999999999998685,
	 * slope 2.0199999999999996, rvalue**2 0.9982106661074996.
	 */
	TL_CHECK_NEAR(f.a, -0.02, 1e-12);
	TL_CHECK_NEAR(f.b, 2.02, 1e-12);
	TL_CHECK_NEAR(f.r2, 0.9982106661074996, 1e-12);
	for (i = 0; i < 6; i++)
		TL_CHECK_NEAR(res[i], want_res[i], 1e-12);
	/* By hand: flat y fits exactly with b = 0, R^2 defined as 1. */
	TL_CHECK_INT(tl_stats_linfit(x, flat, 3, &f, NULL), 0);
	TL_CHECK_NEAR(f.b, 0, 0);
	TL_CHECK_NEAR(f.r2, 1, 0);
	TL_CHECK_INT(tl_stats_linfit(same_x, y, 3, &f, NULL), -EDOM);
}

TL_TEST(linearity)
{
	static const double x[] = {1, 2, 4};
	static const double lin[] = {10, 20, 40};
	static const double bent[] = {10, 20, 50};
	static const double over[] = {1000, 1100, 1300};
	double w;

	TL_CHECK_INT(tl_stats_linearity(x, lin, 3, &w), 0);
	TL_CHECK_NEAR(w, 0, 1e-12);
	TL_CHECK_INT(tl_stats_is_linear(x, lin, 3, 0.01), 1);
	/*
	 * By hand for (1,10) (2,20) (4,50): without point 0 the line
	 * through (2,20) (4,50) predicts 5 at x=1, |10-5|/5 = 1.0; without
	 * point 1, 70/3 at x=2 (1/7); without point 2, 40 at x=4 (1/4).
	 */
	TL_CHECK_INT(tl_stats_linearity(x, bent, 3, &w), 0);
	TL_CHECK_NEAR(w, 1.0, 1e-12);
	TL_CHECK_INT(tl_stats_is_linear(x, bent, 3, 0.5), 0);
	TL_CHECK_INT(tl_stats_is_linear(x, bent, 3, 1.0), 1);
	/* Fixed overhead 900 + 100 per op is linear (by hand). */
	TL_CHECK_INT(tl_stats_is_linear(x, over, 3, 1e-9), 1);
	TL_CHECK_INT(tl_stats_is_linear(x, lin, 2, 0.1), -EINVAL);
}

TL_TEST(pettitt)
{
	static const double s1[] = {10.2, 9.8,	10.1, 10.0, 9.9,  10.3, 10.1,
				    9.7,  10.0, 10.2, 11.1, 11.3, 10.9, 11.4,
				    11.0, 11.2, 11.5, 10.8, 11.1, 11.3};
	static const double s2[] = {5, 3, 4, 6, 5, 4, 3, 5, 6, 4,
				    5, 3, 6, 4, 5, 4, 3, 5, 6, 4};
	static const double flat[] = {1, 1, 1, 1};
	struct tl_changepoint cp;

	/*
	 * Python, direct double sum over sgn(x_i - x_j) for i < t <= j
	 * (not the rank form used in C): s1 gives t = 10, K = 100,
	 * p = 2 exp(-6 * 100^2 / (20^3 + 20^2)) = 0.0015809806462399323.
	 */
	TL_CHECK_INT(tl_stats_pettitt(s1, N_OF(s1), &cp), 0);
	TL_CHECK_INT(cp.split, 10);
	TL_CHECK_NEAR(cp.k, 100, 1e-9);
	TL_CHECK_NEAR(cp.p, 0.0015809806462399323, 1e-12);
	/* Same Python for s2 (ties, no shift): t = 3, K = 16, p capped 1. */
	TL_CHECK_INT(tl_stats_pettitt(s2, N_OF(s2), &cp), 0);
	TL_CHECK_INT(cp.split, 3);
	TL_CHECK_NEAR(cp.k, 16, 1e-9);
	TL_CHECK_NEAR(cp.p, 1, 0);
	/* By hand: a constant series has K = 0, no split. */
	TL_CHECK_INT(tl_stats_pettitt(flat, 4, &cp), 0);
	TL_CHECK_INT(cp.split, 0);
	TL_CHECK_NEAR(cp.k, 0, 0);
}

TL_TEST_MAIN()
