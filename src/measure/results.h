/*
 * results.h - a run's results JSON (schema traplab.results/1): loading it,
 * walking its figures, reading a metric's samples and statistics.
 *
 * Nothing here keeps state; a loaded run is a jansson tree the caller owns.
 */
#ifndef TL_RESULTS_H
#define TL_RESULTS_H

#include <jansson.h>
#include <stddef.h>

#include "base/util.h"

/*
 * Loads a results JSON (schema traplab.results/1). Returns 0 with *out a
 * new reference, or -errno when the file cannot be read, or -EINVAL for
 * bad JSON or a wrong schema; err receives a one-line reason
 * ("'run.json': line 3, column 7: ...").
 */
int tl_results_load(const char *path, json_t **out, struct tl_buf *err);
/* The same on text already in memory (path names it in messages). */
int tl_results_parse(const char *path, const char *text, size_t len,
		     json_t **out, struct tl_buf *err);

/*
 * One metric of one variant of one case, as a walker sees it. Every
 * pointer is borrowed from the run and valid during the callback only.
 * params is canonical: "k=v,k2=v2" with keys sorted ("" without params).
 */
struct tl_metric_ref {
	const char *experiment, *variant, *lang, *status, *params;
	const char *name;   /* "ns_per_op" */
	const char *unit;   /* "ns", "bytes", "count", ... ("" if absent) */
	const char *source; /* "time", "rusage", ... ("" if absent) */
	json_t *metric;	    /* the metric object, NULL for variant-only calls */
	json_t *variant_obj;
};

/*
 * Calls fn once per variant with name and metric NULL (status, build,
 * absent figures), then once per metric of that variant, in file order. A
 * non-zero return from fn stops the walk and is returned.
 */
typedef int tl_results_visit_fn(const struct tl_metric_ref *m, void *ctx);
int tl_results_walk(json_t *run, tl_results_visit_fn *fn, void *ctx);

/*
 * The raw samples of a metric object as a new array of n doubles (*out
 * owned by the caller; NULL and n == 0 when there are none). 0 or -EINVAL
 * when "samples" holds a non-number.
 */
int tl_results_samples(const json_t *metric, double **out, size_t *n);

/*
 * A named statistic of a metric object: "median", "mean", "min", "max",
 * "p90", "p99", "p999", "mad", "ci95_lower", "ci95_upper". 0, or -ENOENT
 * when the run does not carry it.
 */
int tl_results_stat(const json_t *metric, const char *stat, double *out);

#endif
