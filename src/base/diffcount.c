/*
 * diffcount.c - two-point differencing with a residual check.
 *
 * The line goes through the first two points exactly (it is the two-point
 * estimate the design asks for, not a least-squares fit), so a caller with
 * two points gets the same figure as with three; the third point only
 * judges it.
 */
#include "base/diffcount.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/banned.h"

int tl_diff_fit(const double *x, const double *y, size_t n,
		const struct tl_diff_tol *tol, struct tl_diff *d)
{
	double slope;
	size_t k;

	memset(d, 0, sizeof(*d));
	d->linear = -1;
	if (n < 2)
		return -EINVAL;
	for (k = 0; k < n; k++)
		if (!isfinite(x[k]) || !isfinite(y[k]))
			return -EINVAL;
	if (x[1] == x[0])
		return -EINVAL;
	slope = (y[1] - y[0]) / (x[1] - x[0]);
	d->per_unit = slope;
	d->fixed = y[0] - slope * x[0];
	d->nchecked = (int)(n - 2);
	if (n > 2)
		d->linear = 1;
	for (k = 2; k < n; k++) {
		double span = fabs(slope * (x[k] - x[0]));
		double res = fabs(y[k] - (y[0] + slope * (x[k] - x[0])));
		double rel = span > 0 ? res / span : (res > 0 ? INFINITY : 0);

		if (res > d->max_residual || k == 2) {
			d->max_residual = res;
			d->max_rel_dev = rel;
		}
		if (res > tol->rel * span + tol->abs && d->linear == 1) {
			d->linear = 0;
			snprintf(d->reason, sizeof(d->reason),
				 "not linear: at %g the total is off the line "
				 "by %.4g (%.3g%% of the change; tolerance "
				 "%.3g%% + %g)",
				 x[k], y[k] - (y[0] + slope * (x[k] - x[0])),
				 100 * rel, 100 * tol->rel, tol->abs);
		}
	}
	if (tol->nonneg && slope < 0) {
		d->linear = 0;
		snprintf(d->reason, sizeof(d->reason),
			 "negative per-unit value %.4g: the difference is "
			 "below the noise",
			 slope);
	}
	return 0;
}

int tl_diff_spread(const double *v, size_t n, double *rel)
{
	double lo, hi, sum = 0, mean;
	size_t k;

	if (n < 2)
		return -EINVAL;
	lo = hi = v[0];
	for (k = 0; k < n; k++) {
		if (!isfinite(v[k]))
			return -EINVAL;
		lo = v[k] < lo ? v[k] : lo;
		hi = v[k] > hi ? v[k] : hi;
		sum += v[k];
	}
	mean = sum / (double)n;
	if (hi == lo) {
		*rel = 0;
		return 0;
	}
	if (mean == 0)
		return -EINVAL;
	*rel = (hi - lo) / fabs(mean);
	return 0;
}
