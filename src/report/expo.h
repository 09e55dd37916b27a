/*
 * expo.h - a run's figures in the Prometheus text exposition format
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
#ifndef TL_EXPO_H
#define TL_EXPO_H

#include <jansson.h>
#include <stddef.h>

#include "base/util.h"

/*
 * The Prometheus name and scale for a traplab metric name and its stored
 * unit, from the table of metrics (measure/metric.h):
 * ("ns_per_op", "ns") -> "op_duration_seconds", divisor 1e9
 * (dividing, not multiplying by 1e-9, keeps 12.3 ns as 1.23e-08). *out is owned
 * by the caller. The base name always ends in its unit suffix when there is
 * one.
 */
void tl_expo_prom_name(const char *name, const char *unit, char **out,
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
int tl_expo_run(struct tl_expo *e, json_t *run);

struct tl_slo;
struct tl_slo_report;
/* Adds the report as traplab_slo_* families. 0 or -EINVAL. */
int tl_expo_slo(struct tl_expo *e, const struct tl_slo *slo,
		const struct tl_slo_report *rep);
/* Loads slo_path, checks run against it and its history, exposes it. */
int tl_expo_slo_file(struct tl_expo *e, const char *slo_path, json_t *run,
		     const char *db_path, struct tl_buf *err);

#endif
