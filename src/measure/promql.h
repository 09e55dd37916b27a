/*
 * promql.h - instant PromQL queries against a Prometheus server: the SLIs
 * of a service SLO are measured there (`slo check --prometheus`, chaos).
 *
 * One query is one GET /api/v1/query; the answer's first sample is the
 * value. An empty vector, and NaN (0/0 when a window saw no requests),
 * are "no data" (-ENODATA), which the SLO engine turns into NODATA.
 */
#ifndef TL_PROMQL_H
#define TL_PROMQL_H

#include "base/util.h"

struct tl_promql {
	char *url;	 /* base URL, e.g. http://127.0.0.1:9090 (owned) */
	long timeout_ms; /* per query */
	double at;	 /* evaluation time (Unix s); 0: the server's now */
};

/* Fills p for base url (trailing slashes removed). */
void tl_promql_init(struct tl_promql *p, const char *url);
void tl_promql_release(struct tl_promql *p);

/*
 * Evaluates query and returns the first sample in *value. 0; -ENODATA
 * for an empty result or NaN; -EPROTO when Prometheus refused the query
 * (its error message in err); other -errno from tl_http_do() (err says
 * what). Thread-safe for distinct p.
 */
int tl_promql_scalar(struct tl_promql *p, const char *query, double *value,
		     struct tl_buf *err);

/*
 * Evaluates query (an instant vector) and appends the value of label in
 * each of its series to out (e.g. the `le` bounds of a histogram).
 * 0 (possibly none), or tl_promql_scalar()'s errors.
 */
int tl_promql_label_values(struct tl_promql *p, const char *query,
			   const char *label, struct tl_strv *out,
			   struct tl_buf *err);
int tl_promql_labels_fn(void *ctx, const char *query, const char *label,
			struct tl_strv *out, struct tl_buf *err);

/*
 * The query function the SLO engine calls (ctx is a struct tl_promql),
 * with tl_promql_scalar()'s contract.
 */
int tl_promql_fn(void *ctx, const char *query, double *value,
		 struct tl_buf *err);

#endif
