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
 * The engine returns the results; the command decides where they go
 * (src/cmd/run.c writes the file after every case, stores the run).
 */
#ifndef TL_RUNNER_H
#define TL_RUNNER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "measure/build.h"
#include "measure/counts.h"

/* A variant's reason when --variant left it out (a skip, not a failure). */
#define TL_RUN_NOT_SELECTED "not selected by --variant"

/*
 * Called after every case with the results so far (borrowed, valid during
 * the call) and the experiment's and the case's objects inside them: the
 * caller prints the case, and writes the file so that an interrupted run
 * keeps what it had measured.
 */
typedef void tl_run_case_fn(const json_t *results, const json_t *exp,
			    const json_t *cs, void *arg);

/*
 * Sequential sampling: asked after each round of a case from its second
 * round on, with the results so far (the case in progress appended to
 * experiment exp's "cases" for the call). Sets need[i] to a set of
 * tl_run_need bits for each variant i of the case's "variants" (need has
 * one entry per variant, zeroed by the callee; 0: no undecided claim
 * reads it) and returns how many claims are open; 0 ends the case.
 */
enum tl_run_need {
	TL_NEED_MORE = 1,  /* an undecided claim with values enough reads it */
	TL_NEED_SHORT = 2, /* one short of its first exact look does */
	TL_NEED_READ = 4,  /* a claim reads it, decided or not */
};

typedef size_t tl_run_more_fn(json_t *results, const char *exp, json_t *cs,
			      unsigned char *need, void *arg);

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
	const char *interfere; /* chaos kind or NULL */
	/* "LANG=VERSION" releases to use instead of the defaults (the
	 * toolchain axis; tl_toolchains_select), NULL-ended or NULL. */
	const char *const *toolchains;
	int verbose;
	tl_run_case_fn *on_case; /* NULL: nothing after a case */
	void *on_case_arg;
	/*
	 * NULL: every case runs its fixed rounds. Else a case runs at least
	 * two rounds (the A/A split), then rounds of only the variants
	 * more() still needs, up to a budget of 8x (quick) or 12x the fixed
	 * rounds of a loop case, 2x or 3x of a process case, and for a variant
	 * short of values (TL_NEED_SHORT) up to TL_RUN_SEQ_MIN_SAMPLES rounds,
	 * one short process each when nothing else is open on it; a variant no
	 * claim reads (a feature's probe) runs in the first round only.
	 * "rounds" in the case JSON says what was spent, "budget_rounds" the
	 * limit.
	 */
	tl_run_more_fn *more;
	void *more_arg;
};

/*
 * The values a claim's first exact look needs at most in a table of some
 * 40 claims (base/confseq.h: 13 at alpha / 40; fewer when fewer claims
 * are in play): a variant short of values may run that many rounds past
 * its budget, and a round is lean only with that many timing samples in
 * hand.
 */
#define TL_RUN_SEQ_MIN_SAMPLES 14

/* Fills o with the defaults. */
void tl_run_opts_init(struct tl_run_opts *o, const char *root);

/*
 * Runs the experiments named (all when n == 0) and returns the results
 * document (docs/results-json.md) in *results: a new reference the caller
 * owns, NULL when nothing ran. Prints a progress line on stderr; the
 * engine neither prints results nor writes or stores them (opts->on_case
 * and the caller do). Returns 0 when the run completed (even with failed
 * variants), 2 when an experiment name, a variant pattern or a param key
 * names nothing (tl_select_check; printed with a did-you-mean, nothing
 * run), 1 when nothing could be run, -errno on an internal error.
 */
int tl_run_experiments(const struct tl_run_opts *opts, const char *const *names,
		       size_t n, json_t **results);

#endif
