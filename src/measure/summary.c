/*
 * summary.c - a metric's samples into its results-JSON object.
 */
#include "measure/summary.h"

#include "base/stats.h"
#include "measure/metric.h"

#include "base/banned.h"

/*
 * From this many values on, the median's CI is the order-statistic
 * interval (exact, distribution-free, and what the bootstrap comes to for
 * many values) rather than 2000 resamples of every value: a p99 case of
 * 48,000 switch latencies spent 0.7 s of a pass resampling them.
 */
#define ORDER_CI_N 2000

/*
 * The metric object of docs/results-json.md: n, median, bootstrap CI of
 * the median (fixed seed; order statistics from ORDER_CI_N values), MAD,
 * mean, min, max, the percentiles the sample count supports, and the
 * samples themselves.
 */
static json_t *metric_object(const char *name, const double *x, size_t n,
			     const char *source, const uint64_t *seed)
{
	json_t *m = json_object(), *s = json_array();
	struct tl_stats_boot bo = {.confidence = 0.95,
				   .resamples = 2000,
				   .seed = seed ? *seed : 0};
	struct tl_ci ci;
	double v, lo, hi;

	json_object_set_new(m, "unit", json_string(tl_metric_unit(name)));
	json_object_set_new(m, "source", json_string(source));
	json_object_set_new(m, "n", json_integer((json_int_t)n));
	if (seed &&
	    (n >= ORDER_CI_N ? tl_stats_order_ci(x, n, 0.5, 0.95, &ci)
			     : tl_stats_boot_median(x, n, &bo, &ci)) == 0) {
		json_object_set_new(m, "median", json_real(ci.point));
		json_object_set_new(m, "ci95", json_pack("[ff]", ci.lo, ci.hi));
		if (n >= ORDER_CI_N)
			json_object_set_new(m, "ci95_method",
					    json_string("order statistics"));
	} else if (!seed && tl_stats_quantile(x, n, 0.5, &v) == 0) {
		json_object_set_new(m, "median", json_real(v));
	}
	if (tl_stats_mad(x, n, &v) == 0)
		json_object_set_new(m, "mad", json_real(v));
	if (tl_stats_mean(x, n, &v) == 0)
		json_object_set_new(m, "mean", json_real(v));
	if (tl_stats_minmax(x, n, &lo, &hi) == 0) {
		json_object_set_new(m, "min", json_real(lo));
		json_object_set_new(m, "max", json_real(hi));
	}
	if (n >= 10 && tl_stats_quantile(x, n, 0.9, &v) == 0)
		json_object_set_new(m, "p90", json_real(v));
	if (n >= 100 && tl_stats_quantile(x, n, 0.99, &v) == 0)
		json_object_set_new(m, "p99", json_real(v));
	if (n >= 1000 && tl_stats_quantile(x, n, 0.999, &v) == 0)
		json_object_set_new(m, "p999", json_real(v));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(s, json_real(x[i]));
	json_object_set_new(m, "samples", s);
	return m;
}

json_t *tl_summary_metric(const char *name, const double *x, size_t n,
			  const char *source, uint64_t seed)
{
	return metric_object(name, x, n, source, &seed);
}

json_t *tl_summary_metric_look(const char *name, const double *x, size_t n,
			       const char *source)
{
	return metric_object(name, x, n, source, NULL);
}
