/*
 * summary.h - one metric's samples into the metric object of the results
 * JSON (docs/results-json.md): unit (from the table of metrics,
 * measure/metric.h), source, n,
 * median with its bootstrap 95% CI (fixed seed), MAD, mean, min, max, the
 * percentiles the sample count supports, and the samples themselves.
 */
#ifndef TL_SUMMARY_H
#define TL_SUMMARY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* A new metric object; x is borrowed. */
json_t *tl_summary_metric(const char *name, const double *x, size_t n,
			  const char *source, uint64_t seed);

/*
 * The same object without the bootstrap CI of the median (the plain
 * median stands in): for the sequential rule's looks, which read the
 * samples and would otherwise resample thousands of them every round.
 */
json_t *tl_summary_metric_look(const char *name, const double *x, size_t n,
			       const char *source);

#endif
