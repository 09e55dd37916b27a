/*
 * stats_rank.c - rank-based statistics: the Mann-Whitney U test (exact
 * p for small samples, normal approximation with tie correction above)
 * Pettitt's change point over a series, and the order-statistic interval
 * of a quantile (stats.h).
 */
#include "base/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

/* Ranks. */

/*
 * Sorts s[0..n) and writes the midrank (1-based, ties share the mean of
 * their ranks) of each s[k].i into rank[s[k].i]. Returns the tie term
 * sum(t^3 - t) over groups of t equal values.
 */
static double midranks(struct tl__stats_vi *s, size_t n, double *rank)
{
	double ties = 0, t, mid;
	size_t k = 0, e, m;

	qsort(s, n, sizeof(*s), tl__stats_cmp_vi);
	while (k < n) {
		for (e = k + 1; e < n && s[e].v == s[k].v; e++)
			;
		/* Values k..e-1 are equal: ranks k+1..e, mean (k+1+e)/2. */
		mid = ((double)k + 1 + (double)e) / 2;
		for (m = k; m < e; m++)
			rank[s[m].i] = mid;
		t = (double)(e - k);
		ties += t * t * t - t;
		k = e;
	}
	return ties;
}

/*
 * Exact null distribution of U for sizes m and n without ties: the counts
 * are the coefficients of the Gaussian binomial [m+n choose m]_q, built as
 * prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i). After step i the array holds
 * [n+i choose i]_q, a polynomial of degree i n with non-negative integer
 * coefficients; each intermediate coefficient is bounded by C(m+n, m) in
 * absolute value, which fits int64 for m, n <= 30.
 * Sets *p to the two-sided p of the observed u: 2 min(P(U <= u), P(U >=
 * u)), capped at 1.
 */
static int mwu_exact_p(size_t m, size_t n, double u, double *p)
{
	size_t top = m * n, i, j, k, iu = (size_t)u;
	int64_t *c, total = 0, below = 0, above = 0;
	double pp;

	c = calloc(top + 1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c[0] = 1;
	for (i = 1; i <= m; i++) {
		k = n + i;
		for (j = top; j >= k; j--)
			c[j] -= c[j - k];
		for (j = i; j <= top; j++)
			c[j] += c[j - i];
	}
	for (j = 0; j <= top; j++) {
		total += c[j];
		if (j <= iu)
			below += c[j];
		if (j >= iu)
			above += c[j];
	}
	pp = 2 * (double)(below < above ? below : above) / (double)total;
	*p = pp < 1 ? pp : 1;
	free(c);
	return 0;
}

int tl_stats_mwu(const double *a, size_t na, const double *b, size_t nb,
		 enum tl_mwu_method method, struct tl_mwu *out)
{
	size_t n = na + nb, i;
	double *rank, ties, r1 = 0, u1, u2, nn, mu, var, zabs;
	struct tl__stats_vi *s;
	struct tl_mwu res = {0};
	bool exact;
	int err = 0;

	if (na == 0 || nb == 0 || !tl__stats_all_finite(a, na) ||
	    !tl__stats_all_finite(b, nb))
		return -EINVAL;
	s = malloc(n * sizeof(*s));
	rank = malloc(n * sizeof(*rank));
	if (!s || !rank) {
		err = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < n; i++) {
		s[i].v = i < na ? a[i] : b[i - na];
		s[i].i = i;
	}
	ties = midranks(s, n, rank);
	for (i = 0; i < na; i++)
		r1 += rank[i];
	nn = (double)na * (double)nb;
	u1 = r1 - (double)na * ((double)na + 1) / 2;
	u2 = nn - u1;
	res.u = u1;
	res.cles = u1 / nn;
	res.rank_biserial = 2 * res.cles - 1;

	switch (method) {
	case TL_MWU_EXACT:
		if (ties != 0 || na > 30 || nb > 30) {
			err = -EINVAL;
			goto out_free;
		}
		exact = true;
		break;
	case TL_MWU_ASYMPTOTIC:
		exact = false;
		break;
	case TL_MWU_AUTO:
		exact = ties == 0 && na <= TL_STATS_MWU_EXACT_MAX &&
			nb <= TL_STATS_MWU_EXACT_MAX;
		break;
	default:
		err = -EINVAL;
		goto out_free;
	}

	if (exact) {
		err = mwu_exact_p(na < nb ? na : nb, na < nb ? nb : na, u1,
				  &res.p);
		if (err)
			goto out_free;
		res.exact = true;
	} else {
		mu = nn / 2;
		var = nn / 12 *
		      (((double)n + 1) - ties / ((double)n * ((double)n - 1)));
		if (!(var > 0)) {
			/* Every value equal: no evidence of any difference. */
			res.p = 1;
			res.z = 0;
		} else {
			zabs = ((u1 > u2 ? u1 : u2) - mu - 0.5) / sqrt(var);
			res.p = erfc(zabs / sqrt(2.0));
			if (res.p > 1)
				res.p = 1;
			res.z = u1 >= mu ? zabs : -zabs;
		}
	}
	*out = res;
out_free:
	free(rank);
	free(s);
	return err;
}

/* Change point. */

int tl_stats_pettitt(const double *x, size_t n, struct tl_changepoint *out)
{
	double *rank, cum = 0, u, k = 0, dn = (double)n, p;
	size_t i, split = 0;
	struct tl__stats_vi *s;
	int err = 0;

	if (n < 2 || !tl__stats_all_finite(x, n))
		return -EINVAL;
	s = malloc(n * sizeof(*s));
	rank = malloc(n * sizeof(*rank));
	if (!s || !rank) {
		err = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < n; i++) {
		s[i].v = x[i];
		s[i].i = i;
	}
	midranks(s, n, rank);
	for (i = 1; i < n; i++) {
		cum += rank[i - 1];
		/* U_t with t = i values before the split. */
		u = fabs(2 * cum - (double)i * (dn + 1));
		if (u > k) {
			k = u;
			split = i;
		}
	}
	p = 2 * exp(-6 * k * k / (dn * dn * dn + dn * dn));
	out->split = split;
	out->k = k;
	out->p = p < 1 ? p : 1;
out_free:
	free(rank);
	free(s);
	return err;
}

/* Order-statistic intervals of a quantile. */

void tl_stats_order_ranks(size_t n, double q, double a, double *l, double *u)
{
	double cdf = 0, lg = lgamma((double)n + 1);
	size_t k;

	*l = 0;
	*u = (double)n + 1;
	for (k = 0; k <= n; k++) {
		double pk =
			exp(lg - lgamma((double)k + 1) -
			    lgamma((double)(n - k) + 1) + (double)k * log(q) +
			    (double)(n - k) * log1p(-q));

		/* P(B <= k - 1) <= a / 2: rank k may be the lower end. */
		if (cdf <= a / 2)
			*l = (double)k;
		cdf += pk;
		/* P(B >= k + 1) = 1 - cdf <= a / 2: the first such k + 1. */
		if (1 - cdf <= a / 2 && *u > (double)n) {
			*u = (double)k + 1;
			break;
		}
	}
}

int tl_stats_order_ci(const double *x, size_t n, double q, double conf,
		      struct tl_ci *ci)
{
	double *s, l, u;
	int err;

	if (!n || !(q > 0 && q < 1) || !(conf > 0 && conf < 1) ||
	    !tl__stats_all_finite(x, n))
		return -EINVAL;
	err = tl_stats_quantile(x, n, q, &ci->point);
	if (err)
		return err;
	s = malloc(n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), tl_stats_cmp_double);
	tl_stats_order_ranks(n, q, 1 - conf, &l, &u);
	ci->lo = l >= 1 ? s[(size_t)l - 1] : -INFINITY;
	ci->hi = u <= (double)n ? s[(size_t)u - 1] : INFINITY;
	free(s);
	return 0;
}
