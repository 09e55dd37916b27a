/*
 * svcslo.h - service SLOs: objectives on a running service whose SLIs
 * come from Prometheus, read from either of two schemas into one model.
 *
 *   - the article's service-slo.yaml (chapter 5) as written: `service`,
 *     `slo.latency.p99` + `budget`, `slo.error_rate`, `slo.constraints`
 *     (resource-bound cpu, flow-control request rate), plus optional
 *     traplab keys (`window`, `prometheus`, `action`);
 *   - OpenSLO v1 `kind: SLO` with an inline `indicator` whose spec is a
 *     Prometheus `ratioMetric` (good or bad over total) or
 *     `thresholdMetric` (a value held to op/value).
 *
 * Both become struct tl_svc_slo: a list of objectives, each with PromQL
 * templates in which `{{.window}}` (Sloth's placeholder) stands for the
 * range of a rate. The run-based objectives of slo.h (budgets on
 * traplab's own runs) are a different file shape and stay there;
 * tl_svc_slo_load() says which one a file is (format: slo/README.md).
 *
 * Meaning of the article's latency block: `p99: 150ms` is the quantile
 * held under the threshold, and `budget: 99.95%` is the share of requests
 * that must be answered within it (the event SLI the burn-rate alerts
 * watch); without `budget` the share is the quantile itself (p99: 99%).
 * `error_rate: 0.02%` is the largest share of failed requests (target
 * 99.98%). Constraints are bounds (no error budget): CPU utilisation of
 * the service and its request rate.
 *
 * A loaded struct tl_svc_slo is read-only and may be shared by threads.
 */
#ifndef TL_SVCSLO_H
#define TL_SVCSLO_H

#include <stddef.h>

#include "analyze/slo.h"
#include "base/util.h"
#include "base/yamlx.h"

enum tl_svc_kind {
	TL_SVC_LATENCY,	  /* a histogram quantile under a threshold */
	TL_SVC_ERRORS,	  /* the share of failed requests under a bound */
	TL_SVC_RATIO,	  /* OpenSLO ratioMetric: bad / total events */
	TL_SVC_THRESHOLD, /* OpenSLO thresholdMetric: value op threshold */
	TL_SVC_BOUND,	  /* a constraint: value op threshold, no budget */
};

struct tl_svc_objective {
	char *name; /* label slo_name: "latency", "error_rate", "cpu" */
	char *display;
	enum tl_svc_kind kind;
	/*
	 * PromQL templates ({{.window}} = the range). bad and total are
	 * event rates (LATENCY, ERRORS, RATIO); value is the figure held to
	 * the threshold (LATENCY: the quantile, THRESHOLD, BOUND).
	 */
	char *bad, *total, *value;
	enum tl_slo_op op;
	double threshold;      /* in unit */
	double quantile;       /* LATENCY: 0.99 */
	double target;	       /* share of good events; NaN for BOUND */
	const char *unit;      /* "s", "ratio", "req/s", "" (static) */
	char *enforcement;     /* article constraints: who enforces it */
	char *buckets;	       /* LATENCY: the *_bucket selector, for tune */
	int line, col;	       /* position of the objective in the file */
	int val_line, val_col; /* of the threshold's scalar (0: none) */
};

struct tl_svc_slo {
	char *path, *service, *name;
	const char *schema; /* "service-slo.yaml" or "openslo/v1" (static) */
	double window_s;    /* the SLO period */
	char *action_command, *action_webhook; /* NULL when not named */
	struct tl_svc_objective *obj;
	size_t nobj;
};

/*
 * Loads path (or text of length len named path). Returns 0 (slo filled),
 * 1 when the file is a run-based SLO of slo.h (nothing filled, no
 * diagnostic), -EINVAL with diagnostics at file:line:column, or -errno
 * when the file cannot be read.
 */
int tl_svc_slo_load(struct tl_svc_slo *slo, const char *path, const char *text,
		    size_t len, struct tl_diag *d);
void tl_svc_slo_release(struct tl_svc_slo *slo);

/*
 * Durations. tl_svc_parse_duration() reads "30d", "1h30m", "500ms" (units
 * ms s m h d w y, as Prometheus); 0 or -EINVAL. tl_svc_fmt_duration()
 * writes seconds (rounded to ms) in Prometheus syntax, largest units
 * first ("1h", "1m30s", "250ms").
 */
int tl_svc_parse_duration(const char *s, double *seconds);
void tl_svc_fmt_duration(double seconds, char *buf, size_t len);

/*
 * Appends tpl to out with every {{.window}} replaced by window_s in
 * Prometheus syntax.
 */
void tl_svc_render(const char *tpl, double window_s, struct tl_buf *out);

/*
 * The error-ratio expression of o over window_s (bad share of events;
 * for THRESHOLD the share of evaluation steps that missed the threshold,
 * with the value's own range inner_s), appended to out. 0, or -EINVAL
 * for a BOUND (it has no error ratio).
 */
int tl_svc_error_ratio(const struct tl_svc_objective *o, double window_s,
		       double inner_s, struct tl_buf *out);

const char *tl_svc_kind_name(enum tl_svc_kind k);

/*
 * Internal to the two readers (svcslo.c: the article's shape and these
 * helpers; openslo.c: OpenSLO v1). Not for callers outside src/analyze/.
 */
struct tl__svc_loader {
	struct tl_yaml *y;
	struct tl_diag *d;
	struct tl_svc_slo *slo;
	int errors;
	/* Conventions for the article's file (overridable). */
	const char *histogram, *selector, *failed, *cpu;
	double cores;
};

/* A diagnostic at n, counted as an error. */
void tl__svc_lerr(struct tl__svc_loader *l, const yaml_node_t *n,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Scalars and maps of m by key (NULL when absent or wrong, counted). */
const char *tl__svc_opt_str(struct tl__svc_loader *l, yaml_node_t *m,
			    const char *key);
const char *tl__svc_req_str(struct tl__svc_loader *l, yaml_node_t *m,
			    const char *key, const char *what);
yaml_node_t *tl__svc_opt_map(struct tl__svc_loader *l, yaml_node_t *m,
			     const char *key);
/* A share in (0, 1] at key: 0, -ENOENT when absent, -EINVAL (counted). */
int tl__svc_fraction(struct tl__svc_loader *l, yaml_node_t *m, const char *key,
		     double *out);
/* A new objective of kind at node at (owned by l->slo). */
struct tl_svc_objective *tl__svc_add_obj(struct tl__svc_loader *l,
					 const char *name,
					 enum tl_svc_kind kind,
					 yaml_node_t *at);
/* The window duration scalar n into l->slo->window_s. */
void tl__svc_load_window(struct tl__svc_loader *l, yaml_node_t *n);
/* OpenSLO v1 kind: SLO with an inline indicator (openslo.c). */
void tl__svc_load_openslo(struct tl__svc_loader *l, yaml_node_t *root,
			  yaml_node_t *spec);

#endif
