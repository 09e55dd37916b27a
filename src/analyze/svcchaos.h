/*
 * svcchaos.h - a chaos experiment on a service held to a service SLO,
 * and its verdict: the article's "chaos experiment -> verify recovery"
 * steps (`traplab chaos --slo FILE --target PID|CMD`).
 *
 * The experiment: one check before (the baseline), the fault on for
 * fault_s while the SLIs are sampled every interval_s over a short watch
 * window, the fault off, and sampling on until the SLO has passed
 * `streak` samples in a row (recovered) or recover_s has passed. It
 * reports whether every sample stayed within the objectives, the time
 * from the fault's end to the first sample of the passing streak (an
 * upper bound: the watch window still holds faulty requests for up to
 * its length), and per objective the burn rate over the whole experiment
 * and the share of the SLO period's error budget it spent
 * (burn x experiment length / period).
 *
 * The fault and the queries are function pointers, so tests drive it
 * without a service.
 */
#ifndef TL_SVCCHAOS_H
#define TL_SVCCHAOS_H

#include <jansson.h>
#include <stdio.h>

#include "analyze/svccheck.h"

/* Turns the fault on (on = 1) or off (on = 0); 0 or -errno with err. */
typedef int tl_svcchaos_fault_fn(void *ctx, int on, struct tl_buf *err);
/* Sleeps s seconds (tests pass a clock of their own). */
typedef void tl_svcchaos_sleep_fn(void *ctx, double s);

struct tl_svcchaos_opts {
	double fault_s;	   /* how long the fault is on */
	double recover_s;  /* how long to wait for recovery afterwards */
	double interval_s; /* between samples */
	double watch_s;	   /* the SLI window of each sample */
	int streak;	   /* passing samples in a row that mean recovered */
	tl_svc_query_fn *query;
	void *query_ctx;
	tl_svcchaos_fault_fn *fault;
	void *fault_ctx;
	tl_svcchaos_sleep_fn *sleep; /* NULL: nanosleep */
	void *sleep_ctx;
	double (*now)(void *ctx); /* NULL: the monotonic clock, seconds */
};

struct tl_svcchaos_obj {
	double burn;	      /* over the experiment, NaN for bounds */
	double budget_burned; /* share of the period's budget */
	int failed_samples;
};

struct tl_svcchaos_result {
	int baseline_ok;   /* the SLO passed before the fault */
	int stayed_within; /* every sample passed */
	int recovered;
	double recover_s;    /* NaN when it did not recover */
	double experiment_s; /* fault start to the end of watching */
	size_t samples, failed_samples;
	struct tl_svcchaos_obj *obj; /* one per objective */
	size_t nobj;
};

/*
 * Runs the experiment on slo with o, one line per sample on log. 0 with
 * res filled (release with tl_svcchaos_release()); -errno when the
 * fault could not start or a query failed hard (err says which); the
 * fault is off again whatever happens.
 */
int tl_svcchaos_run(const struct tl_svc_slo *slo,
		    const struct tl_svcchaos_opts *o, FILE *log,
		    struct tl_svcchaos_result *res, struct tl_buf *err);
void tl_svcchaos_release(struct tl_svcchaos_result *res);

/* Prints the verdict (stayed within, recovery, budget burned). */
void tl_svcchaos_print(const struct tl_svc_slo *slo,
		       const struct tl_svcchaos_result *res, FILE *f);

#endif
