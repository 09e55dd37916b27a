/*
 * metric.h - the one table of metrics: for each metric a results file can
 * hold, its dimension, the unit its values are stored in, which direction
 * is better, how it prints for people and its OpenMetrics name.
 *
 * Every stage reads it: the summary writes the stored "unit" from it, the
 * claim language and the SLO engine take their thresholds' dimension from
 * it, the reports print values through it and the exposition names its
 * families with it. A name the table does not list is described by one
 * fallback rule on its suffix (metric.c), written once. When a results
 * file stores a metric's unit, that unit wins over the name: readers pass
 * it to tl_metric_describe() and never derive a unit from the name alone.
 */
#ifndef TL_METRIC_H
#define TL_METRIC_H

#include "base/util.h"

/*
 * The dimensions of a quantity (claims/README.md names them), each with
 * its base unit: the unit claims, thresholds and the gate's CSV are in.
 */
#define TL_DIMS(X)                                                             \
	X(COUNT, "count", "count")                                             \
	X(TIME, "time", "ns")                                                  \
	X(BYTES, "bytes", "bytes")                                             \
	X(FRACTION, "fraction", "fraction")                                    \
	X(FACTOR, "factor", "factor")                                          \
	X(RATE, "rate", "1/s")

enum tl_dim {
#define X(id, name, base) TL_DIM_##id,
	TL_DIMS(X)
#undef X
		TL_DIM_COUNT_
};

/* "time", "bytes", ...; "?" out of range. */
const char *tl_dim_name(enum tl_dim d);

/* The base unit of d: "ns", "bytes", "fraction"; "?" out of range. */
const char *tl_dim_base_unit(enum tl_dim d);

enum tl_better {
	TL_BETTER_NONE,
	TL_BETTER_LOWER,
	TL_BETTER_HIGHER,
};

/*
 * The known metrics: X(name, dimension, stored unit, better, OpenMetrics
 * stem, OpenMetrics unit suffix, divisor). A stored value divided by the
 * divisor is in the OpenMetrics unit (ns / 1e9 = seconds). Adding a metric
 * is one line here (docs/ARCHITECTURE.md, "Add a metric").
 */
#define TL_METRICS(X)                                                          \
	X("ns_per_op", TIME, "ns", LOWER, "op_duration", "seconds", 1e9)       \
	X("wall_ns", TIME, "ns", LOWER, "wall", "seconds", 1e9)                \
	X("user_ns", TIME, "ns", LOWER, "user", "seconds", 1e9)                \
	X("sys_ns", TIME, "ns", LOWER, "sys", "seconds", 1e9)                  \
	X("build_ns", TIME, "ns", LOWER, "build", "seconds", 1e9)              \
	X("build_s", TIME, "s", LOWER, "build_duration", "seconds", 1)         \
	X("task_clock_ns_per_op", TIME, "ns", LOWER, "op_task_clock",          \
	  "seconds", 1e9)                                                      \
	X("peak_rss_bytes", BYTES, "bytes", LOWER, "peak_rss", "bytes", 1)     \
	X("rss_bytes_per_task", BYTES, "bytes", LOWER, "rss_per_task",         \
	  "bytes", 1)                                                          \
	X("rss_bytes_after_create", BYTES, "bytes", LOWER, "rss_after_create", \
	  "bytes", 1)                                                          \
	X("rss_bytes_before_create", BYTES, "bytes", LOWER,                    \
	  "rss_before_create", "bytes", 1)                                     \
	X("stack_inuse_bytes_per_task", BYTES, "bytes", LOWER,                 \
	  "stack_inuse_per_task", "bytes", 1)                                  \
	X("minor_faults", COUNT, "count", LOWER, "minor_faults", "", 1)        \
	X("major_faults", COUNT, "count", LOWER, "major_faults", "", 1)        \
	X("voluntary_ctxsw", COUNT, "count", LOWER, "voluntary_ctxsw", "", 1)  \
	X("involuntary_ctxsw", COUNT, "count", LOWER, "involuntary_ctxsw", "", \
	  1)                                                                   \
	X("allocs_per_op", COUNT, "count", LOWER, "allocs_per_op", "", 1)      \
	X("gc_cycles_per_op", COUNT, "count", LOWER, "gc_cycles_per_op", "",   \
	  1)                                                                   \
	X("cycles_per_op", COUNT, "count", LOWER, "cycles_per_op", "", 1)      \
	X("instructions_per_op", COUNT, "count", LOWER, "instructions_per_op", \
	  "", 1)                                                               \
	X("branches_per_op", COUNT, "count", LOWER, "branches_per_op", "", 1)  \
	X("branch_misses_per_op", COUNT, "count", LOWER,                       \
	  "branch_misses_per_op", "", 1)                                       \
	X("l1i_load_misses_per_op", COUNT, "count", LOWER,                     \
	  "l1i_load_misses_per_op", "", 1)                                     \
	X("l1d_load_misses_per_op", COUNT, "count", LOWER,                     \
	  "l1d_load_misses_per_op", "", 1)                                     \
	X("llc_misses_per_op", COUNT, "count", LOWER, "llc_misses_per_op", "", \
	  1)                                                                   \
	X("dtlb_load_misses_per_op", COUNT, "count", LOWER,                    \
	  "dtlb_load_misses_per_op", "", 1)                                    \
	X("data_accesses_per_op", COUNT, "count", NONE,                        \
	  "data_accesses_per_op", "", 1)                                       \
	X("syscalls_per_task", COUNT, "count", LOWER, "syscalls_per_task", "", \
	  1)                                                                   \
	X("syscalls_per_switch", COUNT, "count", LOWER, "syscalls_per_switch", \
	  "", 1)                                                               \
	X("sigprocmask_per_switch", COUNT, "count", LOWER,                     \
	  "sigprocmask_per_switch", "", 1)                                     \
	X("ipc", COUNT, "count", HIGHER, "ipc", "", 1)                         \
	X("branch_miss_ratio", FRACTION, "ratio", LOWER, "branch_miss",        \
	  "ratio", 1)                                                          \
	X("cond_branch_miss_ratio", FRACTION, "ratio", LOWER,                  \
	  "cond_branch_miss", "ratio", 1)                                      \
	X("indirect_branch_miss_ratio", FRACTION, "ratio", LOWER,              \
	  "indirect_branch_miss", "ratio", 1)                                  \
	X("l1i_miss_ratio", FRACTION, "ratio", LOWER, "l1i_miss", "ratio", 1)  \
	X("l1d_miss_ratio", FRACTION, "ratio", LOWER, "l1d_miss", "ratio", 1)  \
	X("ll_miss_ratio", FRACTION, "ratio", LOWER, "ll_miss", "ratio", 1)    \
	X("dtlb_miss_ratio", FRACTION, "ratio", LOWER, "dtlb_miss", "ratio",   \
	  1)                                                                   \
	X("error_fraction", FRACTION, "ratio", LOWER, "error", "ratio", 1)     \
	X("mb_per_s", RATE, "MB/s", HIGHER, "throughput", "bytes_per_second",  \
	  1e-6)

/* One metric as the stages see it. */
struct tl_metric {
	const char *name;      /* the results-JSON key (borrowed) */
	enum tl_dim dim;       /* what it measures */
	const char *unit;      /* the unit its values are in: "ns", "bytes" */
	enum tl_better better; /* which direction is better */
	int known;	       /* 1: a table row; 0: the fallback rule */
	char om_name[128];     /* OpenMetrics stem, without traplab_ */
	const char *om_unit;   /* OpenMetrics unit suffix, "" for none */
	double om_divisor;     /* stored value / om_divisor is in om_unit */
};

/*
 * Describes metric name. stored_unit is the "unit" its results file holds
 * (NULL or "" when the file has none): when it differs from the table's,
 * it wins, and dim, unit and the OpenMetrics unit and divisor follow it;
 * "count" (older writers' catch-all) defers to the name. A stored unit
 * this module does not know is kept as it is, unscaled. Never fails; a
 * name nobody knows is a count.
 */
void tl_metric_describe(const char *name, const char *stored_unit,
			struct tl_metric *out);

/* The dimension of name (stored_unit as above). */
enum tl_dim tl_metric_dim(const char *name, const char *stored_unit);

/* The unit a new results file stores for name: "ns", "bytes", "count". */
const char *tl_metric_unit(const char *name);

/*
 * A unit's dimension and its factor to the dimension's base unit (ns,
 * bytes, a 0..1 fraction, a count, per second): "ms" is TIME, 1e6. Knows
 * the stored units and the units people write in thresholds (ns us µs
 * ms s B KB KiB MB MiB GB GiB % x ratio count MB/s 1/s). 0, or -ENOENT.
 */
int tl_metric_unit_find(const char *unit, enum tl_dim *dim, double *factor);

/*
 * The i-th unit people may write in a threshold, with its dimension and
 * factor to the base unit; NULL past the end (for help texts).
 */
const char *tl_metric_unit_at(size_t i, enum tl_dim *dim, double *factor);

/*
 * The factor from m->unit to its dimension's base unit (s: 1e9 to ns);
 * 1 for a unit this module does not know.
 */
double tl_metric_base_factor(const struct tl_metric *m);

/* A stored value of m (in m->unit) for people, as tl_metric_fmt_value. */
void tl_metric_fmt(struct tl_buf *b, double v, const struct tl_metric *m);

/*
 * v (in the base unit of dim) for people: "12.3 ns", "1.5 MB", "12%",
 * "3x"; never an exponent. Appends to b.
 */
void tl_metric_fmt_value(struct tl_buf *b, double v, enum tl_dim dim);

#endif
