/*
 * runner.h - build, run and summarise experiments into a results JSON.
 *
 * For each experiment: build every variant (cached), then for each case
 * (one combination of param values) size one shared iteration count per
 * sample from the measured clock resolution, and run rounds in which every
 * variant runs once, in an order that follows a balanced Latin square
 * (AB BA BA AB ...), so drift and warm-up hit all variants alike. Warm-up
 * samples are discarded. A variant that crashes, hangs, exits non-zero or
 * prints garbage is recorded with its reason and the run goes on. After
 * timing, a counting phase (--counters) runs each variant at three sizes
 * and differences the counts (two-point differencing with a third point
 * to check linearity).
 *
 * The results file is rewritten (atomically) after every experiment, so an
 * interrupted run keeps what it had measured.
 */
#ifndef TL_RUNNER_H
#define TL_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "measure/build.h"

enum tl_counters_mode {
	TL_COUNTERS_OFF,   /* rusage only */
	TL_COUNTERS_AUTO,  /* pmu where there is one, else sw + sim */
	TL_COUNTERS_PMU,   /* perf_event_open hardware + software events */
	TL_COUNTERS_SIM,   /* valgrind cachegrind */
	TL_COUNTERS_SWONLY /* software events only */
};

int tl_counters_mode_parse(const char *s, enum tl_counters_mode *out);
const char *tl_counters_mode_name(enum tl_counters_mode m);

struct tl_run_opts {
	const char *root; /* project root */
	int quick;	  /* the params' quick values, fewer rounds */
	enum tl_counters_mode counters;
	enum tl_target target;
	int pin_cpu;   /* -1: none */
	int rounds;    /* 0: 3 quick, 5 full */
	int samples;   /* per process after warm-up; 0: 3 quick, 5 full */
	int warmup;    /* samples discarded per process; -1: 1 */
	uint64_t seed; /* bootstrap seed; 0: the default */
	/* "KEY=V1,V2" or "EXP/KEY=V1,V2" overrides, NULL-ended */
	const char *const *params;
	const char *const *variants; /* fnmatch patterns, NULL-ended */
	/* With counters on: only these "EXP/VARIANT" patterns are counted;
	 * NULL counts every variant. */
	const char *const *count_only;
	const char *interfere;	/* chaos kind or NULL */
	const char *history_db; /* NULL: no history */
	int verbose;
};

/* Fills o with the defaults. */
void tl_run_opts_init(struct tl_run_opts *o, const char *root);

/*
 * Runs the experiments named (all when n == 0) and writes the results to
 * out_json_path (and results/latest.json beside it). Prints a progress
 * line on stderr and the summary table on stdout. Returns 0 when the run
 * completed (even with failed variants), 1 when an experiment name is
 * unknown, nothing could be run or the history refused the run, -errno on
 * an internal error.
 */
int tl_run_experiments(const struct tl_run_opts *opts, const char *const *names,
		       size_t n, const char *out_json_path);

/* The `traplab run` subcommand. */
int cmd_run(int argc, char **argv);

#endif
