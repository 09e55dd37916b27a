/*
 * stats.c - descriptive statistics, seeded bootstrap CIs, Mann-Whitney U,
 * Holm, least squares, Pettitt's change-point test (contract in stats.h).
 *
 * Key decision: no order statistic costs a full sort per call. Quantiles
 * of the data come from quickselect on a scratch copy (falling back to
 * qsort() of the remaining range after too many rounds, so a hostile order
 * cannot make it quadratic). A bootstrap resample sorts nothing: the data
 * are sorted once and each resample is a vector of counts over the sorted
 * values, walked in O(n), so 2000 resamples of 200 values take a few
 * milliseconds.
 *
 * Invariants: the caller's arrays are only read; every allocation is freed
 * before return; the only randomness is struct tl_rng, seeded explicitly.
 *
 * References: R. J. Hyndman and Y. Fan, "Sample quantiles in statistical
 * packages", The American Statistician 50(4), 1996 (type 7); D. Blackman
 * and S. Vigna, "Scrambled linear pseudorandom number generators", 2018
 * (xoshiro256**, splitmix64); D. Lemire, "Fast random integer generation
 * in an interval", ACM TOMACS 29(1), 2019; S. Holm, Scand. J. Statist.
 * 6(2), 1979; A. N. Pettitt, Applied Statistics 28(2), 1979.
 */
#include "base/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

/* 1 / Phi^-1(3/4): MAD times this estimates sigma for normal data. */
#define MAD_TO_SIGMA 1.4826022185056018

int tl_stats_cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

static void swap(double *a, size_t i, size_t j)
{
	double t = a[i];

	a[i] = a[j];
	a[j] = t;
}

/*
 * Rearranges a[0..n) so that a[k] holds the k-th smallest value, with
 * nothing larger before it and nothing smaller after it. Median-of-three
 * Hoare partitioning (Numerical Recipes' select): the outer elements of
 * each range act as sentinels, and runs of equal values split evenly.
 */
static void select_kth(double *a, size_t n, size_t k)
{
	size_t l = 0, r = n - 1, i, j, rounds = 0;
	double pivot;

	for (;;) {
		if (r <= l + 1) {
			if (r == l + 1 && a[r] < a[l])
				swap(a, l, r);
			return;
		}
		if (++rounds > 64) {
			/* Pathological input: finish the range by sorting. */
			qsort(a + l, r - l + 1, sizeof(*a),
			      tl_stats_cmp_double);
			return;
		}
		swap(a, l + (r - l) / 2, l + 1);
		if (a[l] > a[r])
			swap(a, l, r);
		if (a[l + 1] > a[r])
			swap(a, l + 1, r);
		if (a[l] > a[l + 1])
			swap(a, l, l + 1);
		i = l + 1;
		j = r;
		pivot = a[l + 1];
		for (;;) {
			do
				i++;
			while (a[i] < pivot);
			do
				j--;
			while (a[j] > pivot);
			if (j < i)
				break;
			swap(a, i, j);
		}
		a[l + 1] = a[j];
		a[j] = pivot;
		if (j >= k)
			r = j - 1;
		if (j <= k)
			l = i;
	}
}

/* Type 7 quantile of a[0..n), n >= 1, q in [0, 1]; permutes a. */
static double quantile_select(double *a, size_t n, double q)
{
	double h = (double)(n - 1) * q, f, lo, hi;
	size_t j = (size_t)h, i;

	if (j >= n - 1) {
		select_kth(a, n, n - 1);
		return a[n - 1];
	}
	f = h - (double)j;
	select_kth(a, n, j);
	lo = a[j];
	if (f == 0)
		return lo;
	/* Selection left the larger values in a[j + 1..n): take the least. */
	hi = a[j + 1];
	for (i = j + 2; i < n; i++)
		if (a[i] < hi)
			hi = a[i];
	return lo + f * (hi - lo);
}

bool tl__stats_all_finite(const double *x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return false;
	return true;
}

/* A finite copy of x in fresh heap memory, or NULL with *err set. */
static double *dup_finite(const double *x, size_t n, int *err)
{
	double *c;

	if (n == 0 || !tl__stats_all_finite(x, n)) {
		*err = -EINVAL;
		return NULL;
	}
	c = malloc(n * sizeof(*c));
	if (!c) {
		*err = -ENOMEM;
		return NULL;
	}
	memcpy(c, x, n * sizeof(*c));
	return c;
}

int tl_stats_quantile(const double *x, size_t n, double q, double *out)
{
	double *c;
	int err;

	if (!(q >= 0 && q <= 1))
		return -EINVAL;
	c = dup_finite(x, n, &err);
	if (!c)
		return err;
	*out = quantile_select(c, n, q);
	free(c);
	return 0;
}

int tl_stats_median(const double *x, size_t n, double *out)
{
	return tl_stats_quantile(x, n, 0.5, out);
}

/* Mean with one correction pass, which removes most rounding error. */
static double mean_of(const double *x, size_t n)
{
	double s = 0, m, c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += x[i];
	m = s / (double)n;
	for (i = 0; i < n; i++)
		c += x[i] - m;
	return m + c / (double)n;
}

int tl_stats_mean(const double *x, size_t n, double *out)
{
	if (n == 0 || !tl__stats_all_finite(x, n))
		return -EINVAL;
	*out = mean_of(x, n);
	return 0;
}

static double stddev_of(const double *x, size_t n)
{
	double m = mean_of(x, n), ss = 0, d;
	size_t i;

	for (i = 0; i < n; i++) {
		d = x[i] - m;
		ss += d * d;
	}
	return sqrt(ss / (double)(n - 1));
}

int tl_stats_stddev(const double *x, size_t n, double *out)
{
	if (n < 2 || !tl__stats_all_finite(x, n))
		return -EINVAL;
	*out = stddev_of(x, n);
	return 0;
}

int tl_stats_cv(const double *x, size_t n, double *out)
{
	double m;

	if (n < 2 || !tl__stats_all_finite(x, n))
		return -EINVAL;
	m = mean_of(x, n);
	if (m == 0)
		return -EDOM;
	*out = stddev_of(x, n) / m;
	return 0;
}

int tl_stats_mad(const double *x, size_t n, double *out)
{
	double *c, med;
	size_t i;
	int err;

	c = dup_finite(x, n, &err);
	if (!c)
		return err;
	med = quantile_select(c, n, 0.5);
	for (i = 0; i < n; i++)
		c[i] = fabs(c[i] - med);
	*out = quantile_select(c, n, 0.5);
	free(c);
	return 0;
}

int tl_stats_mad_sigma(const double *x, size_t n, double *out)
{
	double mad;
	int err = tl_stats_mad(x, n, &mad);

	if (err)
		return err;
	*out = MAD_TO_SIGMA * mad;
	return 0;
}

int tl_stats_minmax(const double *x, size_t n, double *min, double *max)
{
	double lo, hi;
	size_t i;

	if (n == 0 || !tl__stats_all_finite(x, n))
		return -EINVAL;
	lo = hi = x[0];
	for (i = 1; i < n; i++) {
		if (x[i] < lo)
			lo = x[i];
		if (x[i] > hi)
			hi = x[i];
	}
	if (min)
		*min = lo;
	if (max)
		*max = hi;
	return 0;
}

/* PRNG: splitmix64 seeds xoshiro256**, both from Vigna's reference code. */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void tl_stats_rng_init(struct tl_rng *r, uint64_t seed)
{
	int i;

	/* splitmix64 never yields four zero words, so the state is valid. */
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t tl_stats_rng_next(struct tl_rng *r)
{
	uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t tl_stats_rng_below(struct tl_rng *r, uint64_t n)
{
	unsigned __int128 m = (unsigned __int128)tl_stats_rng_next(r) * n;
	uint64_t low = (uint64_t)m, threshold;

	/* Reject the few low words that would make some results likelier. */
	if (low < n) {
		threshold = -n % n;
		while (low < threshold) {
			m = (unsigned __int128)tl_stats_rng_next(r) * n;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

double tl_stats_rng_double(struct tl_rng *r)
{
	return (double)(tl_stats_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Ordering with ties broken by index (used by the bootstrap and ranks). */

/* By value, then by original index so qsort's order is deterministic. */
int tl__stats_cmp_vi(const void *pa, const void *pb)
{
	const struct tl__stats_vi *a = pa, *b = pb;

	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

/*
 * Bootstrap.
 *
 * A resample is n draws x[idx] with idx = tl_stats_rng_below(n). Its order
 * statistics do not need the values moved at all: with x sorted once and
 * pos[i] the sorted position of x[i], counting cnt[pos[idx]]++ and walking
 * the cumulative counts finds the j-th smallest resampled value in O(n)
 * with predictable branches. This gives exactly the statistic quickselect
 * gives on the drawn values (the same multiset), about five times faster:
 * quickselect on 200 values is bound by mispredicted comparisons.
 */
struct resampler {
	const double *x; /* borrowed data, read-only */
	size_t n;
	double *sorted; /* x in ascending order */
	size_t *pos;	/* pos[i]: index of x[i] in sorted */
	size_t *cnt;	/* per-resample multiplicity of each sorted slot */
};

static int resampler_init(struct resampler *rs, const double *x, size_t n)
{
	struct tl__stats_vi *s;
	size_t k;

	rs->x = x;
	rs->n = n;
	rs->sorted = malloc(n * sizeof(*rs->sorted));
	rs->pos = malloc(n * sizeof(*rs->pos));
	rs->cnt = malloc(n * sizeof(*rs->cnt));
	s = malloc(n * sizeof(*s));
	if (!rs->sorted || !rs->pos || !rs->cnt || !s) {
		free(s);
		free(rs->cnt);
		free(rs->pos);
		free(rs->sorted);
		return -ENOMEM;
	}
	for (k = 0; k < n; k++) {
		s[k].v = x[k];
		s[k].i = k;
	}
	qsort(s, n, sizeof(*s), tl__stats_cmp_vi);
	for (k = 0; k < n; k++) {
		rs->sorted[k] = s[k].v;
		rs->pos[s[k].i] = k;
	}
	free(s);
	return 0;
}

static void resampler_release(struct resampler *rs)
{
	free(rs->cnt);
	free(rs->pos);
	free(rs->sorted);
}

/* Type 7 quantile q of the data itself (no resampling). */
static double resampler_point(const struct resampler *rs, double q)
{
	double h = (double)(rs->n - 1) * q;
	size_t j = (size_t)h;

	if (j >= rs->n - 1)
		return rs->sorted[rs->n - 1];
	return rs->sorted[j] +
	       (h - (double)j) * (rs->sorted[j + 1] - rs->sorted[j]);
}

/* Type 7 quantile q of one resample drawn from r. */
static double resample_quantile(struct resampler *rs, struct tl_rng *r,
				double q)
{
	const double *v = rs->sorted;
	size_t n = rs->n, *cnt = rs->cnt, i, p = 0, cum;
	double h = (double)(n - 1) * q, f, lo;
	size_t j = (size_t)h;

	memset(cnt, 0, n * sizeof(*cnt));
	for (i = 0; i < n; i++)
		cnt[rs->pos[tl_stats_rng_below(r, n)]]++;
	if (j > n - 1)
		j = n - 1;
	f = h - (double)j;
	/* The counts sum to n, so both walks stop inside the array. */
	for (cum = cnt[0]; cum <= j; cum += cnt[++p])
		;
	lo = v[p];
	if (f == 0)
		return lo;
	for (; cum <= j + 1; cum += cnt[++p])
		;
	return lo + f * (v[p] - lo);
}

static int boot_opts(const struct tl_stats_boot *opt, double *conf,
		     size_t *resamples, uint64_t *seed)
{
	*conf = opt ? opt->confidence : 0.95;
	*resamples = opt && opt->resamples ? opt->resamples
					   : TL_STATS_BOOT_RESAMPLES;
	*seed = opt ? opt->seed : TL_STATS_BOOT_SEED;
#ifdef TL_FUZZ
	/*
	 * Fuzz builds hunt crashes, not intervals: 2000 resamples per figure
	 * held the run-JSON fuzzer to some 200 inputs a second.
	 */
	if (*resamples > 50)
		*resamples = 50;
#endif
	if (!(*conf > 0 && *conf < 1))
		return -EINVAL;
	return 0;
}

/* Percentile interval from the resampled statistics (permutes st). */
static void percentile_ci(double *st, size_t b, double conf, struct tl_ci *ci)
{
	double alpha = 1 - conf;

	ci->lo = quantile_select(st, b, alpha / 2);
	ci->hi = quantile_select(st, b, 1 - alpha / 2);
	/* Rounding in the interpolation must not put point outside. */
	if (ci->lo > ci->point)
		ci->lo = ci->point;
	if (ci->hi < ci->point)
		ci->hi = ci->point;
}

int tl_stats_boot_quantile(const double *x, size_t n, double q,
			   const struct tl_stats_boot *opt, struct tl_ci *ci)
{
	struct resampler rs;
	struct tl_rng r;
	struct tl_ci out;
	size_t resamples, i;
	uint64_t seed;
	double conf, *st;
	int err;

	if (n == 0 || !(q >= 0 && q <= 1) || !tl__stats_all_finite(x, n))
		return -EINVAL;
	err = boot_opts(opt, &conf, &resamples, &seed);
	if (err)
		return err;
	st = malloc(resamples * sizeof(*st));
	if (!st)
		return -ENOMEM;
	err = resampler_init(&rs, x, n);
	if (err)
		goto err_free_st;
	out.point = resampler_point(&rs, q);
	tl_stats_rng_init(&r, seed);
	for (i = 0; i < resamples; i++)
		st[i] = resample_quantile(&rs, &r, q);
	percentile_ci(st, resamples, conf, &out);
	*ci = out;
	resampler_release(&rs);
err_free_st:
	free(st);
	return err;
}

int tl_stats_boot_median(const double *x, size_t n,
			 const struct tl_stats_boot *opt, struct tl_ci *ci)
{
	return tl_stats_boot_quantile(x, n, 0.5, opt, ci);
}

enum two_stat { RATIO, DIFF };

static double combine(enum two_stat kind, double ma, double mb)
{
	return kind == RATIO ? ma / mb : ma - mb;
}

static int boot_two(const double *a, size_t na, const double *b, size_t nb,
		    enum two_stat kind, const struct tl_stats_boot *opt,
		    struct tl_ci *ci)
{
	struct resampler ra, rb;
	struct tl_rng r;
	struct tl_ci out;
	size_t resamples, i;
	uint64_t seed;
	double conf, *st, ma, mb;
	int err;

	if (na == 0 || nb == 0 || !tl__stats_all_finite(a, na) ||
	    !tl__stats_all_finite(b, nb))
		return -EINVAL;
	if (kind == RATIO)
		for (i = 0; i < nb; i++)
			if (!(b[i] > 0))
				return -EDOM;
	err = boot_opts(opt, &conf, &resamples, &seed);
	if (err)
		return err;
	st = malloc(resamples * sizeof(*st));
	if (!st)
		return -ENOMEM;
	err = resampler_init(&ra, a, na);
	if (err)
		goto err_free_st;
	err = resampler_init(&rb, b, nb);
	if (err)
		goto err_release_a;
	out.point = combine(kind, resampler_point(&ra, 0.5),
			    resampler_point(&rb, 0.5));
	tl_stats_rng_init(&r, seed);
	for (i = 0; i < resamples; i++) {
		ma = resample_quantile(&ra, &r, 0.5);
		mb = resample_quantile(&rb, &r, 0.5);
		st[i] = combine(kind, ma, mb);
	}
	percentile_ci(st, resamples, conf, &out);
	*ci = out;
	resampler_release(&rb);
err_release_a:
	resampler_release(&ra);
err_free_st:
	free(st);
	return err;
}

int tl_stats_boot_median_ratio(const double *a, size_t na, const double *b,
			       size_t nb, const struct tl_stats_boot *opt,
			       struct tl_ci *ci)
{
	return boot_two(a, na, b, nb, RATIO, opt, ci);
}

int tl_stats_boot_median_diff(const double *a, size_t na, const double *b,
			      size_t nb, const struct tl_stats_boot *opt,
			      struct tl_ci *ci)
{
	return boot_two(a, na, b, nb, DIFF, opt, ci);
}

int tl_stats_mde_aa(const double *a, size_t na, const double *b, size_t nb,
		    const struct tl_stats_boot *opt, struct tl_ci *ci,
		    double *mde_pct)
{
	struct tl_ci c;
	int err = boot_two(a, na, b, nb, RATIO, opt, &c);

	if (err)
		return err;
	if (ci)
		*ci = c;
	*mde_pct = 100 * (c.hi - c.lo) / 2;
	return 0;
}

/* Multiple comparisons. */

int tl_stats_holm(const double *p, size_t m, double *adj)
{
	struct tl__stats_vi *s;
	double run = 0, v;
	size_t k;

	for (k = 0; k < m; k++)
		if (!(p[k] >= 0 && p[k] <= 1))
			return -EINVAL;
	if (m == 0)
		return 0;
	s = malloc(m * sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (k = 0; k < m; k++) {
		s[k].v = p[k];
		s[k].i = k;
	}
	qsort(s, m, sizeof(*s), tl__stats_cmp_vi);
	/* Step down: the k-th smallest p times m - k, kept monotone. */
	for (k = 0; k < m; k++) {
		v = (double)(m - k) * s[k].v;
		if (v > 1)
			v = 1;
		if (v > run)
			run = v;
		adj[s[k].i] = run;
	}
	free(s);
	return 0;
}

double tl_stats_bonferroni_level(double confidence, size_t m)
{
	return 1 - (1 - confidence) / (double)(m ? m : 1);
}

double tl_stats_tost_level(double alpha)
{
	return 1 - 2 * alpha;
}

bool tl_stats_ci_is_equivalent(const struct tl_ci *ci, double margin)
{
	return ci->lo >= -margin && ci->hi <= margin;
}

/* Least squares. */

/* Fit over all points except index skip (skip >= n: use all). */
static int fit_skip(const double *x, const double *y, size_t n, size_t skip,
		    double *a, double *b)
{
	double sx = 0, sy = 0, xm, ym, sxx = 0, sxy = 0, cnt = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i == skip)
			continue;
		sx += x[i];
		sy += y[i];
		cnt++;
	}
	xm = sx / cnt;
	ym = sy / cnt;
	for (i = 0; i < n; i++) {
		if (i == skip)
			continue;
		sxx += (x[i] - xm) * (x[i] - xm);
		sxy += (x[i] - xm) * (y[i] - ym);
	}
	if (!(sxx > 0))
		return -EDOM;
	*b = sxy / sxx;
	*a = ym - *b * xm;
	return 0;
}

int tl_stats_linfit(const double *x, const double *y, size_t n,
		    struct tl_linfit *fit, double *resid)
{
	double a, b, ym, ssr = 0, sst = 0, e;
	size_t i;
	int err;

	if (n < 2 || !tl__stats_all_finite(x, n) || !tl__stats_all_finite(y, n))
		return -EINVAL;
	err = fit_skip(x, y, n, n, &a, &b);
	if (err)
		return err;
	ym = mean_of(y, n);
	for (i = 0; i < n; i++) {
		e = y[i] - (a + b * x[i]);
		ssr += e * e;
		sst += (y[i] - ym) * (y[i] - ym);
		if (resid)
			resid[i] = e;
	}
	fit->a = a;
	fit->b = b;
	fit->r2 = sst > 0 ? 1 - ssr / sst : 1;
	return 0;
}

int tl_stats_linearity(const double *x, const double *y, size_t n,
		       double *worst_rel)
{
	double a, b, yhat, d, worst = 0;
	size_t i;
	int err;

	if (n < 3 || !tl__stats_all_finite(x, n) || !tl__stats_all_finite(y, n))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		err = fit_skip(x, y, n, i, &a, &b);
		if (err)
			return err;
		yhat = a + b * x[i];
		if (yhat != 0)
			d = fabs(y[i] - yhat) / fabs(yhat);
		else
			d = y[i] == 0 ? 0 : INFINITY;
		if (d > worst)
			worst = d;
	}
	*worst_rel = worst;
	return 0;
}

int tl_stats_is_linear(const double *x, const double *y, size_t n, double tol)
{
	double worst;
	int err = tl_stats_linearity(x, y, n, &worst);

	if (err)
		return err;
	return worst <= tol;
}
