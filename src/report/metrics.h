/*
 * metrics.h - a run's metrics: reading a results JSON, walking its
 * figures, and writing them in the Prometheus text exposition format
 * (version 0.0.4, which OpenMetrics parsers also read).
 *
 * The exposition writer is ours (the C client library is unmaintained and
 * not packaged). It groups lines by family whatever order they are added
 * in, escapes label values (backslash, double quote, newline) and HELP
 * text (backslash, newline), writes +Inf/-Inf/NaN the way Prometheus spells
 * them, and rejects names that are not [a-zA-Z_:][a-zA-Z0-9_:]*.
 *
 * Naming: units are suffixes in base units (the Prometheus convention):
 * ns_per_op becomes traplab_op_duration_seconds (divided by 1e9), wall_ns
 * traplab_wall_seconds, build_s traplab_build_duration_seconds, and
 * *_bytes keeps its name. Every metric is a gauge family with a `stat`
 * label (median, ci95_lower, ci95_upper, p90, p99, p999, mean, min, max,
 * mad) and, when the metric has raw samples, a histogram family
 * ..._samples_<unit> with 1-2-5 buckets ending at le="+Inf".
 *
 * Nothing here is thread-safe; each writer belongs to one thread.
 */
#ifndef TL_METRICS_H
#define TL_METRICS_H

#include <jansson.h>
#include <stddef.h>

#include "base/util.h"

/*
 * Loads a results JSON (schema traplab.results/1). Returns 0 with *out a
 * new reference, or -errno when the file cannot be read, or -EINVAL for
 * bad JSON or a wrong schema; err receives a one-line reason
 * ("'run.json': line 3, column 7: ...").
 */
int tl_metrics_load(const char *path, json_t **out, struct tl_buf *err);
/* The same on text already in memory (path names it in messages). */
int tl_metrics_parse(const char *path, const char *text, size_t len,
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
typedef int tl_metrics_visit_fn(const struct tl_metric_ref *m, void *ctx);
int tl_metrics_walk(json_t *run, tl_metrics_visit_fn *fn, void *ctx);

/*
 * The raw samples of a metric object as a new array of n doubles (*out
 * owned by the caller; NULL and n == 0 when there are none). 0 or -EINVAL
 * when "samples" holds a non-number.
 */
int tl_metrics_samples(const json_t *metric, double **out, size_t *n);

/*
 * A named statistic of a metric object: "median", "mean", "min", "max",
 * "p90", "p99", "p999", "mad", "ci95_lower", "ci95_upper". 0, or -ENOENT
 * when the run does not carry it.
 */
int tl_metrics_stat(const json_t *metric, const char *stat, double *out);

/*
 * The Prometheus name and scale for a traplab metric name and unit:
 * ("ns_per_op", "ns") -> "op_duration_seconds", divisor 1e9
 * (dividing, not multiplying by 1e-9, keeps 12.3 ns as 1.23e-08). *out is owned
 * by the caller. The base name always ends in its unit suffix when there is
 * one.
 */
void tl_metrics_prom_name(const char *name, const char *unit, char **out,
			  char **unit_suffix, double *divisor);

/* The exposition writer. */
struct tl_label {
	const char *name, *value;
};

enum tl_expo_type {
	TL_EXPO_GAUGE,
	TL_EXPO_COUNTER,
	TL_EXPO_HISTOGRAM,
	TL_EXPO_SUMMARY,
	TL_EXPO_UNTYPED
};

struct tl_expo; /* opaque */

struct tl_expo *tl_expo_new(void);
void tl_expo_free(struct tl_expo *e);

/*
 * Adds one sample line "family+suffix{labels} value" to family (created on
 * first use with its type and help; later calls must give the same type).
 * suffix is "" or "_bucket", "_sum", "_count", "_total". Labels with a NULL
 * value are left out. Returns 0, or -EINVAL for an invalid metric or label
 * name, or a type that differs from the family's.
 */
int tl_expo_add(struct tl_expo *e, const char *family, enum tl_expo_type type,
		const char *help, const char *suffix,
		const struct tl_label *labels, size_t nlabels, double value);

/*
 * Adds a histogram of x[0..n) (already scaled) to family: cumulative
 * buckets on the 1-2-5 grid covering [min, max], then le="+Inf", _sum and
 * _count. 0 or -EINVAL as tl_expo_add().
 */
int tl_expo_histogram(struct tl_expo *e, const char *family, const char *help,
		      const struct tl_label *labels, size_t nlabels,
		      const double *x, size_t n);

/* Appends the whole exposition, family by family, to out. */
void tl_expo_write(const struct tl_expo *e, struct tl_buf *out);

/* Escapes a label value into out (backslash, double quote, newline). */
void tl_expo_escape_label(struct tl_buf *out, const char *s);
/* Formats a sample value the Prometheus way into out. */
void tl_expo_format_value(struct tl_buf *out, double v);
int tl_expo_is_metric_name(const char *s);
int tl_expo_is_label_name(const char *s);

/*
 * Adds every figure of a run to e: run info, per-variant status, every
 * metric (gauges by stat, histograms of samples), build time, binary size,
 * absent figures with their reasons. 0 or -EINVAL for a malformed run.
 */
int tl_metrics_expose_run(struct tl_expo *e, json_t *run);

/*
 * traplab metrics [--textfile DIR] [RUN.json]: prints the exposition of
 * RUN.json (default results/latest.json), with the SLO status when an SLO
 * file is given (--slo FILE); --textfile writes DIR/traplab.prom atomically
 * for node_exporter's textfile collector instead. Exit 0, or 2 on error.
 */
int cmd_metrics(int argc, char **argv);

#endif
