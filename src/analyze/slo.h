/*
 * slo.h - service-level objectives on traplab's own measurements: the
 * SLO file, evaluation of one run, error budgets and burn rates over a
 * window of runs (`traplab slo check` is src/cmd/slo.c).
 *
 * The file (format: slo/README.md) is an OpenSLO-v1-shaped subset:
 * kind: SLO, spec.timeWindow (a count of runs or a duration), spec.
 * budgetingMethod: Occurrences (each run is one event), and objectives with
 * op/value/target, each on a metric of an experiment's variant (a statistic
 * under a threshold, or the ratio of two variants' medians).
 *
 * One run's outcome uses the confidence interval, not one number: PASS when
 * the whole CI meets the threshold, FAIL when none of it does, INCONCLUSIVE
 * otherwise (NODATA when the run did not measure it). Over the window, the
 * SLI is good / (good + bad) runs (inconclusive runs are not evidence either
 * way), the error budget is 1 - target, the burn rate is (bad / (good +
 * bad)) / budget, and the objective is VIOLATED when the burn rate over the
 * whole window exceeds 1 (the SLI fell under target). A short window (the
 * last quarter of the runs, at least one) is also shown, as in the SRE
 * workbook's multi-window burn-rate alerts: burning fast in both means the
 * budget is going now, not only in the past.
 *
 * Nothing here keeps global state; a struct tl_slo is read-only once
 * loaded and may be shared between threads.
 */
#ifndef TL_SLO_H
#define TL_SLO_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "base/util.h"

#define TL_SLO_DEFAULT_FILE "slo/default.yaml"

enum tl_slo_op { TL_SLO_LT, TL_SLO_LTE, TL_SLO_GT, TL_SLO_GTE };

enum tl_slo_outcome {
	TL_SLO_PASS,
	TL_SLO_FAIL,
	TL_SLO_INCONCLUSIVE,
	TL_SLO_NODATA
};

struct tl_slo_objective {
	char *name;	  /* displayName, or "experiment/variant metric" */
	char *experiment; /* "alloc" */
	char *variant;	  /* "c.arena" */
	char *ratio_to;	  /* NULL, or the denominator variant */
	char *metric;	  /* "ns_per_op", "build_s", "binary_bytes", ... */
	char *stat;	  /* "median", "p99", ... */
	char *params;	  /* canonical "k=v,..." or NULL for every case */
	enum tl_slo_op op;
	double value;  /* threshold in the metric's unit (or a ratio) */
	double target; /* in (0, 1] */
	int line, col; /* position of the objective in the file */
	int exp_line, exp_col, var_line, var_col, ratio_line, ratio_col;
	int allow_nodata; /* allowNoData: true; NODATA does not fail the gate */
};

struct tl_slo {
	char *path, *name, *description;
	size_t window_runs; /* > 0: the last N runs */
	double window_s;    /* > 0: runs started within the last N seconds */
	struct tl_slo_objective *obj;
	size_t nobj;
};

/*
 * Loads an SLO file (text of length len, or the file at path when text is
 * NULL). Every problem is a diagnostic at file:line:column; returns 0, or
 * -EINVAL (diagnostics in d; slo holds nothing), or -errno when the file
 * cannot be read.
 */
int tl_slo_load(struct tl_slo *slo, const char *path, const char *text,
		size_t len, struct tl_diag *d);
void tl_slo_release(struct tl_slo *slo);

struct tl_registry;
/*
 * Checks that every objective names an experiment and variants that exist:
 * in the registry reg (may be NULL) or in run (may be NULL; synthetic
 * results name their own). Each unknown name is a diagnostic at its
 * file:line:column; returns their count.
 */
int tl_slo_check_names(const struct tl_slo *slo, const struct tl_registry *reg,
		       json_t *run, struct tl_diag *d);

/*
 * Parses a threshold such as "150ms", "2.5", "64MiB", "99.5%" into the
 * unit of metric (ns for ns_per_*, *_ns; s for *_s; bytes for *_bytes;
 * "%" divides by 100). 0, or -EINVAL with a message in err for an unknown
 * or mismatched unit.
 */
int tl_slo_parse_value(const char *s, const char *metric, double *out,
		       struct tl_buf *err);

/* Error budget and burn rate over a window. */
struct tl_slo_budget {
	size_t runs; /* runs in the window, with data */
	size_t good, bad, inconclusive;
	double sli;	    /* good / (good + bad), NaN if none */
	double burn_long;   /* burn rate over the whole window */
	double burn_short;  /* over the last quarter of it */
	size_t short_runs;  /* runs in the short window */
	double budget_left; /* 1 - burn_long (may go negative) */
	int violated;	    /* burn_long > 1 */
	int burning;	    /* burn_short > 1 and burn_long > 1 */
};

/*
 * Budget of outcomes seq[0..n) (oldest first, the current run last) with
 * target. NODATA entries are skipped; the window is what is given (the
 * caller cuts it). Burn rates are 0 with no bad run, +Inf when the budget
 * is 0 (target 1) and a run was bad, NaN when no run gave evidence.
 */
void tl_slo_budget(const enum tl_slo_outcome *seq, size_t n, double target,
		   struct tl_slo_budget *b);

/* One objective on one case of the current run, with its budget. */
struct tl_slo_result {
	const struct tl_slo_objective *obj; /* borrowed from the slo */
	char *params;			    /* the case ("" without params) */
	enum tl_slo_outcome now;
	double value, lo, hi; /* measured, CI bounds (NaN when none) */
	char *unit;	      /* of value ("ns", "bytes", "ratio", "") */
	char *reason;	      /* why FAIL/NODATA/INCONCLUSIVE, or NULL */
	struct tl_slo_budget budget;
};

struct tl_slo_report {
	struct tl_slo_result *r;
	size_t n;
	size_t violated, failed_now;
	size_t nodata; /* NODATA now, in objectives without allowNoData */
};

/*
 * Evaluates every objective of slo on run, with past[0..npast) the earlier
 * runs of the window (oldest first; the caller picks them, e.g. from the
 * history). Fills rep (release with tl_slo_report_release()).
 */
void tl_slo_check(const struct tl_slo *slo, json_t *run, json_t *const *past,
		  size_t npast, struct tl_slo_report *rep);
void tl_slo_report_release(struct tl_slo_report *rep);

/*
 * Evaluates one objective on one run: calls fn for each case it matches.
 * Used by tl_slo_check() and by `traplab claims --chaos`.
 */
typedef void tl_slo_case_fn(const char *params, enum tl_slo_outcome out,
			    double value, double lo, double hi,
			    const char *unit, const char *reason, void *ctx);
void tl_slo_eval(const struct tl_slo_objective *o, json_t *run,
		 tl_slo_case_fn *fn, void *ctx);

const char *tl_slo_outcome_name(enum tl_slo_outcome o);
const char *tl_slo_op_name(enum tl_slo_op op);

/*
 * The past runs of run's window from the history at db_path (same machine
 * fingerprint, stored before run; run itself excluded). Missing history is
 * no error (zero runs). *past is an owned array of new references; free
 * with tl_slo_past_free(). 0 or -errno with err.
 */
int tl_slo_load_past(const struct tl_slo *slo, const char *db_path, json_t *run,
		     json_t ***past, size_t *npast, struct tl_buf *err);
void tl_slo_past_free(json_t **past, size_t n);

#endif
