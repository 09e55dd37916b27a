/*
 * counts.h - the counting phase: per-operation event counts of a variant.
 *
 * Counts include the process's start-up and teardown, which dwarf a
 * nanosecond operation. So every count is taken at three sizes (the same
 * OPS per batch, 1x, 2x and 3x the batches) and the per-operation figure
 * is the slope of the count against the number of operations (least
 * squares through the three points; with exact counts this is two-point
 * differencing, and the third point checks linearity). A workload whose
 * counts are not linear in the operations is flagged, not divided.
 *
 * Sources: "pmu" (hardware events through perf_event_open), "sw" (kernel
 * software events: page faults, context switches, task clock) and "sim"
 * (valgrind cachegrind: instructions, I1/D1/LL misses, branch
 * mispredicts; deterministic, so the three points are exact).
 */
#ifndef TL_COUNTS_H
#define TL_COUNTS_H

#include <jansson.h>
#include <stdint.h>

#include "measure/build.h"
#include "machine/env.h"
#include "measure/registry.h"

/* What the counting phase measures (`--counters`). */
enum tl_counters_mode {
	TL_COUNTERS_OFF,   /* rusage only */
	TL_COUNTERS_AUTO,  /* pmu where there is one, else sw + sim */
	TL_COUNTERS_PMU,   /* perf_event_open hardware + software events */
	TL_COUNTERS_SIM,   /* valgrind cachegrind */
	TL_COUNTERS_SWONLY /* software events only */
};

/* "off" "auto" "pmu" "sim" "sw" to the mode; -EINVAL for anything else. */
int tl_counters_mode_parse(const char *s, enum tl_counters_mode *out);
/* The mode's name, "?" when out of range. */
const char *tl_counters_mode_name(enum tl_counters_mode m);

struct tl_counts_req {
	const char *root;
	enum tl_counters_mode mode;
	const struct tl_env *env;
	const struct tl_experiment *exp;
	const struct tl_variant *variant;
	const char *bin; /* the timing build (used for pmu and sw) */
	uint64_t ops;	 /* OPS per batch, as in the timing phase */
	const struct tl_strv *params; /* the case's KEY=VALUE */
	const struct tl_strv *wenv;   /* the workload environment */
	const char *workdir;	      /* scratch folder (cwd) */
	double timeout_s;
	const struct tl_build_opts *build_opts; /* for the sim rebuild */
};

/*
 * Measures what rq->mode asks for and adds one metric object per figure
 * to metrics (docs/results-json.md shape, with source pmu/sw/sim) and
 * one reason per figure that could not be measured to absent. Never
 * fails: everything that goes wrong becomes an absent reason.
 *
 * _perf: perf_event_open counts (pmu, sw); run one process at a time, like
 * the timing phase, since they see the rest of the machine.
 * _sim: cachegrind counts (mode sim, or auto without a PMU); deterministic,
 * so it may run concurrently with other _sim calls (thread-safe, given
 * distinct rq->workdir, metrics and absent).
 */
void tl_counts_measure_perf(const struct tl_counts_req *rq, json_t *metrics,
			    json_t *absent);
/* Whether counters mode m simulates on this machine (sim, or auto without
 * a PMU). */
int tl_counts_sim_on(enum tl_counters_mode m, const struct tl_env *env);
void tl_counts_measure_sim(const struct tl_counts_req *rq, json_t *metrics,
			   json_t *absent);

/*
 * Whether claim metric m is a counter's (instructions_per_op, ipc, a miss
 * ratio...): counted in a case's counting phase, never from its timed
 * rounds.
 */
int tl_counts_is_counter_metric(const char *m);

/*
 * Whether cachegrind, the stand-in where there is no PMU, can produce
 * counter metric m: it models neither cycles (ipc) nor TLBs. Counting a
 * variant for such a metric on a machine without a PMU ran valgrind six
 * times per channels case for nothing (19 s of a first pass).
 */
int tl_counts_simulatable(const char *m);

/*
 * Whether counter metric m is a kernel software event's (page_faults_per_op,
 * context_switches_per_op...): counted by perf_event_open even where there
 * is no PMU, and never by the simulator.
 */
int tl_counts_is_sw_metric(const char *m);

#endif
