/*
 * confseq.c - anytime-valid quantile confidence sequences (see confseq.h
 * for the method and the references).
 *
 * Design: the boundary is the closed-form two-sided normal mixture, so a
 * look costs one sort; no root finding, no resampling, no randomness.
 * Ranks are 1-based as in the papers; the code indexes sorted[rank - 1].
 */
#include "base/confseq.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/banned.h"

double tl_confseq_boundary(double v, double alpha, double v_opt)
{
	double l = log(1 / alpha);
	double rho = v_opt / (2 * l + log(1 + 2 * l));

	return sqrt((v + rho) * (log(1 + v / rho) + 2 * l));
}

/*
 * Howard et al. (2021), Theorem 1 with the polynomial stitching of its
 * eq. (10): s = 1.4, eta = 2, and zeta(1.4) = 3.105547277977581. The same
 * closed form as the confseq package's poly_stitching_bound, whose unit
 * test gives u(100; alpha 0.05, m 10, c 3) = 64.48755 (ours agrees).
 */
double tl_confseq_stitched(double v, double alpha, double m, double c)
{
	const double s = 1.4, eta = 2, zeta_s = 3.105547277977581;
	double k1 = (pow(eta, 0.25) + pow(eta, -0.25)) / sqrt(2);
	double k2 = (sqrt(eta) + 1) / 2;
	double l;

	if (v < m)
		v = m;
	l = s * log(log(eta * v / m)) +
	    log(zeta_s / (alpha * pow(log(eta), s)));
	return sqrt(k1 * k1 * v * l + k2 * k2 * c * c * l * l) + c * k2 * l;
}

/*
 * The two ends of the boundary on S_n = #{X_i <= Q} - n q at n, each side
 * at alpha / 2: the normal mixture (sub-Gaussian, variance n / 4) near the
 * median; far from it the stitched sub-gamma boundary with the Bernoulli
 * variance n q (1 - q) and scale (1 - q) / 3 above, q / 3 below (the
 * increments are bounded by 1 - q and q), which keeps a p99 from needing
 * n (1 - q) > sqrt(n) values in its upper tail. The family is chosen by q
 * alone (the one narrower at TL_CONFSEQ_N_OPT), never by the data, so
 * one boundary holds for the whole sequence.
 */
static void quantile_boundary(double n, double q, double alpha, double *up,
			      double *down)
{
	double vq = q * (1 - q), nopt = TL_CONFSEQ_N_OPT;
	double mix = tl_confseq_boundary(nopt / 4, alpha, nopt / 4);
	double st =
		fmax(tl_confseq_stitched(nopt * vq, alpha / 2, 1, (1 - q) / 3),
		     tl_confseq_stitched(nopt * vq, alpha / 2, 1, q / 3));

	if (mix <= st) {
		*up = *down = tl_confseq_boundary(n / 4, alpha, nopt / 4);
		return;
	}
	*up = tl_confseq_stitched(n * vq, alpha / 2, 1, (1 - q) / 3);
	*down = tl_confseq_stitched(n * vq, alpha / 2, 1, q / 3);
}

/*
 * How alpha is spent, by q alone: share[0] on the boundary at every n,
 * share[1] on the first early look, share[2] on the second. A median's
 * first look gets half: its exact interval has both ends from
 * ceil(log2(4 / alpha)) values, and most verdicts far from their bound
 * are decided there. Any other quantile's early looks rarely have both
 * ends, so the boundary keeps half.
 */
static void spend(double q, double alpha, double share[3])
{
	share[0] = q == 0.5 ? alpha / 4 : alpha / 2;
	share[1] = q == 0.5 ? alpha / 2 : alpha / 4;
	share[2] = alpha / 4;
}

size_t tl_confseq_first_look(double q, double alpha)
{
	double n;

	if (q != 0.5 || !(alpha > 0 && alpha < 1))
		return TL_CONFSEQ_LOOK_FALLBACK;
	n = ceil(log2(4 / alpha) - 1e-9);
	if (!(n <= TL_CONFSEQ_LOOK_MAX))
		return TL_CONFSEQ_LOOK_FALLBACK;
	return n < 2 ? 2 : (size_t)n;
}

/* Type 7 quantile of sorted s[0..n) at p in [0, 1]. */
static double sorted_quantile(const double *s, size_t n, double p)
{
	double h = (double)(n - 1) * p, f = floor(h);
	size_t i = (size_t)f;

	return i + 1 < n ? s[i] + (h - f) * (s[i + 1] - s[i]) : s[n - 1];
}

static double *sorted_copy(const double *x, size_t n)
{
	double *s = xmalloc(n * sizeof(*s));

	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), tl_stats_cmp_double);
	return s;
}

/* Narrows ci to the order statistics of ranks l..u of sorted s[0..n). */
static void narrow(struct tl_ci *ci, const double *s, size_t n, double l,
		   double u)
{
	if (l >= 1 && s[(size_t)l - 1] > ci->lo)
		ci->lo = s[(size_t)l - 1];
	if (u <= (double)n && s[(size_t)u - 1] < ci->hi)
		ci->hi = s[(size_t)u - 1];
}

/* Whether x counts toward an end's event: at or below point, or below. */
static int counts(double x, double point, int upper)
{
	return upper ? x <= point : x < point;
}

/*
 * The variance of x[0..n)'s per-cluster counts toward an end (see
 * counts) around their mean, over nr - 1, over the binomial variance at
 * q; the count of clusters in *nr and the largest in *mmax. NAN with
 * fewer than two clusters.
 */
static double cluster_ratio(const double *x, const double *round, size_t n,
			    double q, double point, int upper, size_t *nr,
			    double *mmax)
{
	double num = 0, den = 0, all = 0, f;
	size_t i = 0, j;

	*nr = 0;
	*mmax = 0;
	for (j = 0; j < n; j++)
		all += counts(x[j], point, upper);
	f = all / (double)n;
	while (i < n) {
		double c = 0, m;

		for (j = i; j < n && round[j] == round[i]; j++)
			c += counts(x[j], point, upper);
		m = (double)(j - i);
		num += (c - m * f) * (c - m * f);
		den += m * q * (1 - q);
		*mmax = fmax(*mmax, m);
		(*nr)++;
		i = j;
	}
	if (*nr < 2 || !(den > 0))
		return NAN;
	return num * (double)*nr / (double)(*nr - 1) / den;
}

double tl_confseq_deff(const double *x, const double *round, size_t n, double q,
		       double point, int upper)
{
	double r, mmax;
	size_t nr;

	if (!round || !n)
		return 1;
	r = cluster_ratio(x, round, n, q, point, upper, &nr, &mmax);
	/*
	 * One process: its values are one observation of the process; two:
	 * one degree of freedom, too few to tell a process effect from none.
	 */
	if (nr < 3 || isnan(r))
		return mmax > 1 ? mmax : 1;
	/*
	 * The sample variance, raised by (nr + 2) / (nr - 1): a plug-in
	 * from nr - 1 degrees of freedom errs low as often as high, and a
	 * low one lets a decision through. 2.5x from three processes, 1.3x
	 * from ten: the least that kept test_confseq's A/A streams in
	 * processes as wide as their samples within alpha (9.7% without).
	 */
	r *= ((double)nr + 2) / ((double)nr - 1);
	return fmin(fmax(r, 1), mmax);
}

/*
 * The early look at the first n values, its ranks widened by the design
 * effect deff: the exact interval of n / deff independent values, its
 * rank distances from n q scaled back by deff (deff 1: the exact
 * interval itself).
 */
static void early_ranks(size_t n, double q, double a, double deff, double *l,
			double *u)
{
	double ne = floor((double)n / deff), le, ue;

	if (ne < 1) {
		*l = 0;
		*u = (double)n + 1;
		return;
	}
	tl_stats_order_ranks((size_t)ne, q, a, &le, &ue);
	if (deff == 1) {
		*l = le;
		*u = ue;
		return;
	}
	*l = le < 1 ? 0 : floor((double)n * q - deff * (ne * q - le));
	*u = ue > ne ? (double)n + 1
		     : ceil((double)n * q + deff * (ue - ne * q));
}

/*
 * Where an early look falls when values come in clusters: the end of the
 * first cluster (a run of equal labels in round[0..n)) by which there
 * are at least want values in at least k clusters, so that the look sees
 * whole processes and enough of them to judge how much they differ. The
 * place depends on the design alone (how many values a round gives), not
 * on the values. n + 1 when the values so far do not reach it.
 */
static size_t cluster_prefix(const double *round, size_t n, size_t want,
			     size_t k)
{
	size_t i, clusters = 0;

	for (i = 1; i <= n; i++) {
		if (i < n && round[i] == round[i - 1])
			continue;
		clusters++;
		if (i >= want && clusters >= k)
			return i;
	}
	return n + 1;
}

/* The largest cluster of round[0..n) (a run of equal labels). */
static double largest_cluster(const double *round, size_t n)
{
	double m = 1;
	size_t i = 0, j;

	while (i < n) {
		for (j = i; j < n && round[j] == round[i]; j++)
			;
		m = fmax(m, (double)(j - i));
		i = j;
	}
	return m;
}

int tl_confseq_quantile_units(const double *x, const double *round, size_t n,
			      double q, double alpha,
			      enum tl_confseq_units units, struct tl_ci *ci)
{
	struct tl_ci mix;
	double *s, up, down, point, l, share[3], dlo, dhi;
	size_t i, early[2];
	int err, looks = 1;

	if (!n || !(q > 0 && q < 1) || !(alpha > 0 && alpha < 1))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return -EINVAL;
	err = tl_stats_quantile(x, n, q, &point);
	if (err)
		return err;
	ci->point = point;
	ci->lo = -INFINITY;
	ci->hi = INFINITY;
	/*
	 * Every look: the boundary at its share (see spend), on n / deff
	 * values' worth of rank deviation, scaled back by deff, each end
	 * with the design effect of its own event (below point for the
	 * lower end, at or below it for the upper): a quantile on a tie (a
	 * p99 of 12.5 ns in 1800 values of 12.5) moves no process's count
	 * at or below it, however the tie's share varies.
	 */
	spend(q, alpha, share);
	if (!round || units == TL_CONFSEQ_DESIGN) {
		dlo = tl_confseq_deff(x, round, n, q, point, 0);
		dhi = tl_confseq_deff(x, round, n, q, point, 1);
	} else {
		/*
		 * Each process one unit: its share of values on an end's side
		 * is a bounded increment whatever the processes' differences,
		 * so the boundary holds on the processes' count (the largest
		 * one's values each), with all of alpha; the exact early looks
		 * hold for 0/1 counts only and are not taken.
		 */
		dlo = dhi = largest_cluster(round, n);
		share[0] = alpha;
		looks = 0;
	}
	s = sorted_copy(x, n);
	quantile_boundary((double)n / dlo, q, share[0], &up, &down);
	l = ceil((double)n * q - dlo * down);
	quantile_boundary((double)n / dhi, q, share[0], &up, &down);
	narrow(ci, s, n, l, floor((double)n * q + dhi * up) + 1);
	free(s);
	mix = *ci;
	/*
	 * The early looks, on the values they saw, at their shares; with
	 * clusters, at whole processes and with the design effect of the
	 * values seen by then, so a look once taken stays as it was.
	 */
	early[0] =
		tl_confseq_first_look(q, round ? TL_CONFSEQ_LOOK_ALPHA : alpha);
	early[1] = early[0] + TL_CONFSEQ_LOOK_GAP;
	if (round) {
		early[0] = cluster_prefix(round, n, early[0],
					  TL_CONFSEQ_LOOK_PROCS);
		early[1] = cluster_prefix(round, n, early[1],
					  TL_CONFSEQ_LOOK_PROCS + 1);
	}
	for (i = 0; looks && i < 2 && n >= early[i]; i++) {
		double pt, u, unused;

		s = sorted_copy(x, early[i]);
		pt = sorted_quantile(s, early[i], q);
		if (round) {
			dlo = tl_confseq_deff(x, round, early[i], q, pt, 0);
			dhi = tl_confseq_deff(x, round, early[i], q, pt, 1);
		}
		early_ranks(early[i], q, share[1 + i], dlo, &l, &u);
		if (dhi != dlo)
			early_ranks(early[i], q, share[1 + i], dhi, &unused,
				    &u);
		narrow(ci, s, early[i], l, u);
		free(s);
	}
	/*
	 * Pieces that leave out the sample quantile mean the stream drifted
	 * between the early looks and now: the mixture alone (a wider
	 * interval, so still valid) is the honest answer.
	 */
	if (ci->lo > point || ci->hi < point)
		*ci = mix;
	return 0;
}

int tl_confseq_quantile_rounds(const double *x, const double *round, size_t n,
			       double q, double alpha, struct tl_ci *ci)
{
	return tl_confseq_quantile_units(x, round, n, q, alpha,
					 TL_CONFSEQ_DESIGN, ci);
}

int tl_confseq_quantile(const double *x, size_t n, double q, double alpha,
			struct tl_ci *ci)
{
	return tl_confseq_quantile_rounds(x, NULL, n, q, alpha, ci);
}

/*
 * The interval of a ratio or difference (kind) from its sides' ca and cb.
 * A ratio clamps b's interval to [max(lo, 0), hi]: a denominator that
 * may come near 0 leaves the ratio unbounded on that side (IEEE: x / +0
 * is +-inf and x / inf is 0, so no NaN arises). A difference's end is
 * -inf or inf when either side's is open.
 */
static void combine(enum tl_confseq_kind kind, const struct tl_ci *ca,
		    const struct tl_ci *cb, struct tl_ci *ci)
{
	double blo = cb->lo > 0 ? cb->lo : 0;

	if (kind == TL_CONFSEQ_DIFF) {
		ci->point = ca->point - cb->point;
		ci->lo = ca->lo - cb->hi;
		ci->hi = ca->hi - cb->lo;
		return;
	}
	ci->point = ca->point / cb->point;
	ci->lo = ca->lo >= 0 ? ca->lo / cb->hi : ca->lo / blo;
	ci->hi = ca->hi <= 0 ? ca->hi / cb->hi : ca->hi / blo;
}

int tl_confseq_quantile_ratio(const double *a, const double *ra, size_t na,
			      const double *b, const double *rb, size_t nb,
			      double q, double alpha,
			      enum tl_confseq_units units, struct tl_ci *ci)
{
	struct tl_ci ca, cb;
	size_t i;
	int err;

	for (i = 0; i < nb; i++)
		if (!(b[i] > 0))
			return -EDOM;
	err = tl_confseq_quantile_units(a, ra, na, q, alpha / 2, units, &ca);
	if (!err)
		err = tl_confseq_quantile_units(b, rb, nb, q, alpha / 2, units,
						&cb);
	if (err)
		return err;
	combine(TL_CONFSEQ_RATIO, &ca, &cb, ci);
	return 0;
}

int tl_confseq_quantile_diff(const double *a, const double *ra, size_t na,
			     const double *b, const double *rb, size_t nb,
			     double q, double alpha,
			     enum tl_confseq_units units, struct tl_ci *ci)
{
	struct tl_ci ca, cb;
	int err;

	err = tl_confseq_quantile_units(a, ra, na, q, alpha / 2, units, &ca);
	if (!err)
		err = tl_confseq_quantile_units(b, rb, nb, q, alpha / 2, units,
						&cb);
	if (err)
		return err;
	combine(TL_CONFSEQ_DIFF, &ca, &cb, ci);
	return 0;
}

enum tl_confseq_state tl_confseq_against(const struct tl_ci *ci, double lo,
					 double hi)
{
	if (ci->lo >= lo && ci->hi <= hi)
		return TL_CONFSEQ_INSIDE;
	if (ci->hi < lo || ci->lo > hi)
		return TL_CONFSEQ_OUTSIDE;
	return TL_CONFSEQ_OPEN;
}

/* (half / room)^2, the sample multiplier one end needs; inf if no room. */
static double need(double half, double room)
{
	if (!(room > 0) || isinf(half))
		return INFINITY;
	return half > room ? (half / room) * (half / room) : 1;
}

double tl_confseq_samples_factor(const struct tl_ci *ci, double lo, double hi)
{
	double p = ci->point, f = 1;

	if (tl_confseq_against(ci, lo, hi) != TL_CONFSEQ_OPEN)
		return 1;
	if (p >= lo && p <= hi) {
		/* Inside: both ends must come inside. */
		if (ci->lo < lo)
			f = need(p - ci->lo, p - lo);
		if (ci->hi > hi)
			f = fmax(f, need(ci->hi - p, hi - p));
		return f;
	}
	/* Outside: the far end must cross the nearer bound. */
	if (p < lo)
		return need(ci->hi - p, lo - p);
	return need(p - ci->lo, p - hi);
}

/*
 * The fixed-n exact interval at n' values drawn from the distribution of
 * sorted s (its order statistic of rank k sits near the k / (n' + 1)
 * quantile).
 */
static void fixed_at(const double *s, size_t n, size_t np, double q, double a,
		     struct tl_ci *ci)
{
	double l, u;

	tl_stats_order_ranks(np, q, a, &l, &u);
	ci->point = sorted_quantile(s, n, q);
	ci->lo = l >= 1 ? sorted_quantile(s, n, l / ((double)np + 1))
			: -INFINITY;
	ci->hi = u <= (double)np ? sorted_quantile(s, n, u / ((double)np + 1))
				 : INFINITY;
}

/*
 * What the oracle knows of a side: its sorted values, and with rounds,
 * the design effect of each end (d[0] the lower, d[1] the upper; of the
 * values measured, not raised: the oracle knows the noise) and the
 * values a process gives. Without rounds both are 1.
 */
struct oside {
	double *s, q, d[2], per;
	size_t n;
};

static void oside_init(struct oside *o, const double *x, const double *round,
		       size_t n, double q)
{
	double point = 0, mmax, r;
	size_t nr = 1;

	o->s = sorted_copy(x, n);
	o->n = n;
	o->q = q;
	o->d[0] = o->d[1] = 1;
	o->per = 1;
	if (!round)
		return;
	point = sorted_quantile(o->s, n, q);
	for (int upper = 0; upper < 2; upper++) {
		r = cluster_ratio(x, round, n, q, point, upper, &nr, &mmax);
		o->d[upper] = isnan(r) ? mmax : fmin(fmax(r, 1), mmax);
	}
	o->per = (double)n / (double)nr;
}

/*
 * The fixed-n interval of side o at k of its units (values, or
 * processes with rounds) at error a: each end from the values it is
 * worth, k * per / its design effect (at least 1).
 */
static void oside_at(const struct oside *o, size_t k, double a,
		     struct tl_ci *ci)
{
	struct tl_ci c;

	for (int upper = 0; upper < 2; upper++) {
		double e = floor((double)k * o->per / o->d[upper]);

		fixed_at(o->s, o->n, e < 1 ? 1 : (size_t)e, o->q, a, &c);
		if (upper)
			ci->hi = c.hi;
		else
			*ci = c;
	}
}

size_t tl_confseq_oracle_n(const double *a, const double *ra, size_t na,
			   const double *b, const double *rb, size_t nb,
			   enum tl_confseq_kind kind, double q, double alpha,
			   double lo, double hi, size_t max)
{
	double side = kind == TL_CONFSEQ_VALUE ? alpha : alpha / 2;
	struct oside oa, ob = {0};
	size_t k, found = 0;

	if (!na || (kind != TL_CONFSEQ_VALUE && !nb))
		return 0;
	oside_init(&oa, a, ra, na, q);
	if (kind != TL_CONFSEQ_VALUE)
		oside_init(&ob, b, rb, nb, 0.5);
	/* In clusters, k counts whole processes; their values decide. */
	for (k = ra ? 1 : 2; k <= max && !found;
	     k = k < 64 ? k + 1 : k + k / 16) {
		struct tl_ci ca, cb, ci;

		oside_at(&oa, k, side, &ca);
		ci = ca;
		if (ob.s) {
			oside_at(&ob, k, side, &cb);
			combine(kind, &ca, &cb, &ci);
		}
		if (tl_confseq_against(&ci, lo, hi) != TL_CONFSEQ_OPEN)
			found = ra ? (size_t)ceil((double)k * oa.per) : k;
	}
	free(oa.s);
	free(ob.s);
	return found;
}
