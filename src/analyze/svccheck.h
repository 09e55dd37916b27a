/*
 * svccheck.h - a service SLO held to what Prometheus measured over its
 * window (`traplab slo check --prometheus URL`, chaos, tune).
 *
 * Every objective becomes a few instant PromQL queries over the window W
 * (the SLO period, or a shorter one given by the caller):
 *   latency     histogram_quantile(q, rate(*_bucket[W])) <= threshold and
 *               the share of requests within it >= target
 *   errors      failed / all requests over W <= threshold
 *   ratio       1 - bad / total over W >= target
 *   threshold   the share of evaluation steps meeting op/value >= target
 *   bound       the value (CPU utilisation, request rate) op threshold
 * and gets PASS, FAIL or NODATA, with the same rule as the run-based
 * check: a window without requests (empty result, or 0/0) is NODATA, and
 * NODATA fails the gate. The burn rate is (1 - SLI) / (1 - target) over W
 * and over its last quarter (BURNING: both above 1), as in slo.h.
 *
 * The queries go through a function pointer, so tests feed fixed answers.
 */
#ifndef TL_SVCCHECK_H
#define TL_SVCCHECK_H

#include <jansson.h>
#include <stdio.h>

#include "analyze/svcslo.h"

/* 0 with *value; -ENODATA; other -errno with err (as promql.h). */
typedef int tl_svc_query_fn(void *ctx, const char *query, double *value,
			    struct tl_buf *err);

struct tl_svc_result {
	const struct tl_svc_objective *obj; /* borrowed from the slo */
	enum tl_slo_outcome outcome;	    /* PASS, FAIL or NODATA */
	double value;			    /* the held figure, or NaN */
	double sli;	   /* share of good events over W, or NaN */
	double burn_long;  /* over W, NaN for a bound or without data */
	double burn_short; /* over the last quarter of W */
	double budget_left;
	int burning;
	char *reason; /* why FAIL or NODATA, or NULL */
	char *query;  /* the query of value, for the evidence */
};

struct tl_svc_report {
	struct tl_svc_result *r;
	size_t n;
	size_t failed, nodata;
	double window_s;
	double at; /* Unix time the check was made */
};

/*
 * Checks every objective of slo over window_s (0: the SLO period) with
 * query(ctx, ...). 0 with rep filled (release with
 * tl_svc_report_release()), or the first hard error of query (not
 * -ENODATA) with err saying which objective and query.
 */
int tl_svc_check(const struct tl_svc_slo *slo, double window_s,
		 tl_svc_query_fn *query, void *ctx, struct tl_svc_report *rep,
		 struct tl_buf *err);
void tl_svc_report_release(struct tl_svc_report *rep);

/* Whether the gate fails: an objective FAIL or NODATA. */
int tl_svc_report_violated(const struct tl_svc_report *rep);

/* Prints the table (one line per objective). */
void tl_svc_print(const struct tl_svc_slo *slo, const struct tl_svc_report *rep,
		  FILE *f);

/*
 * The report as JSON (service, slo, window, objectives with outcome,
 * figures, query and reason): the evidence an action receives. New ref.
 */
json_t *tl_svc_report_json(const struct tl_svc_slo *slo,
			   const struct tl_svc_report *rep);

#endif
