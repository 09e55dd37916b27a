/*
 * svctune.h - `traplab slo tune`: the article's last step, "update the
 * SLO thresholds", from what the service achieved.
 *
 * A threshold is proposed from the window's history in Prometheus with
 * the margin the error budget allows: the figure the service met for all
 * but half its error budget (the 1 - (1 - target) / 2 quantile), so a
 * service that behaves as it did burns the budget at half the rate
 *   latency     histogram_quantile(1 - budget/2) over the window, rounded
 *               up to the histogram's next bucket bound (the SLI needs a
 *               bucket at the threshold)
 *   error_rate  twice the failed share of the window (burn 0.5), two
 *               significant digits up; kept when nothing failed
 *   threshold   quantile_over_time(1 - budget/2) of the OpenSLO value
 * Targets (ratio objectives) and bounds (constraints) are decisions, not
 * measurements: they are never proposed. The change is shown as a
 * unified diff of the file and written only on request.
 */
#ifndef TL_SVCTUNE_H
#define TL_SVCTUNE_H

#include <stdio.h>

#include "analyze/svccheck.h"

/* Label values of a query's series (promql.h's tl_promql_labels_fn). */
typedef int tl_svc_labels_fn(void *ctx, const char *query, const char *label,
			     struct tl_strv *out, struct tl_buf *err);

struct tl_svc_proposal {
	const struct tl_svc_objective *obj; /* borrowed */
	int changed;	 /* a new threshold differs from the file's */
	double achieved; /* the figure at the budget's margin, or NaN */
	double proposed; /* the new threshold, in obj's unit, or NaN */
	char *text;	 /* the new scalar as the file will say it */
	char *why;	 /* one line: what was measured and why */
};

/*
 * Proposes thresholds for slo over window_s (0: the SLO period). 0 with
 * *out (n entries, one per objective; free with
 * tl_svc_proposals_free()), or a hard query error with err.
 */
int tl_svc_tune(const struct tl_svc_slo *slo, double window_s,
		tl_svc_query_fn *query, tl_svc_labels_fn *labels, void *ctx,
		struct tl_svc_proposal **out, size_t *n, struct tl_buf *err);
void tl_svc_proposals_free(struct tl_svc_proposal *p, size_t n);

/*
 * Appends text with every changed proposal's scalar replaced (quotes
 * kept) to out. 0, or -EINVAL when a position does not hold a scalar
 * (err says where).
 */
int tl_svc_tune_rewrite(const char *text, const struct tl_svc_proposal *p,
			size_t n, struct tl_buf *out, struct tl_buf *err);

/* Prints a unified diff of two texts with the same line count. */
void tl_svc_tune_diff(const char *path, const char *old_text,
		      const char *new_text, FILE *f);

#endif
