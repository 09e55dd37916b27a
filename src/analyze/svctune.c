/*
 * svctune.c - thresholds proposed from what a service achieved
 * (svctune.h).
 *
 * Sample output of `traplab slo tune --prometheus URL FILE`:
 *   latency: p99.975 over 30d was 21.3 ms; next bucket bound 25 ms
 *   error_rate: no failed request in the window; kept
 *   --- a/slo/service-slo.yaml
 *   +++ b/slo/service-slo.yaml
 *   @@ -11 +11 @@
 *   -    p99: "150ms"
 *   +    p99: "25ms"
 */
#include "analyze/svctune.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/stats.h"

#include "base/banned.h"

/* v rounded up (down when !up) to two significant digits. */
static double round2(double v, int up)
{
	double e = pow(10, floor(log10(v)) - 1);

	return (up ? ceil(v / e - 1e-9) : floor(v / e + 1e-9)) * e;
}

/* The smallest finite bucket bound >= v, or NaN. */
static int next_bound(tl_svc_labels_fn *labels, void *ctx, const char *b,
		      double v, double *out, struct tl_buf *err)
{
	struct tl_strv les = TL_STRV_INIT;
	char *q = xasprintf("count by (le) (%s)", b);
	double *xs;
	size_t i, n = 0;
	int rc = labels(ctx, q, "le", &les, err);

	*out = NAN;
	free(q);
	if (rc)
		goto out;
	xs = xcalloc(les.n + 1, sizeof(*xs));
	for (i = 0; i < les.n; i++) {
		double x = strtod(les.v[i], NULL);

		if (isfinite(x))
			xs[n++] = x;
	}
	qsort(xs, n, sizeof(*xs), tl_stats_cmp_double);
	for (i = 0; i < n; i++)
		if (xs[i] >= v - 1e-12) {
			*out = xs[i];
			break;
		}
	free(xs);
out:
	tl_strv_release(&les);
	return rc;
}

static char *fmt_seconds(double s)
{
	return s < 1 ? xasprintf("%gms", s * 1e3) : xasprintf("%gs", s);
}

static int tune_latency(const struct tl_svc_objective *o, double w,
			double margin_q, tl_svc_query_fn *query,
			tl_svc_labels_fn *labels, void *ctx,
			struct tl_svc_proposal *p, struct tl_buf *err)
{
	char win[32], *q;
	int rc;

	tl_svc_fmt_duration(w, win, sizeof(win));
	q = xasprintf("histogram_quantile(%.10g, sum by (le) (rate(%s[%s])))",
		      margin_q, o->buckets, win);
	rc = query(ctx, q, &p->achieved, err);
	free(q);
	if (rc == -ENODATA) {
		p->why = xstrdup("no requests in the window; kept");
		return 0;
	}
	if (rc)
		return rc;
	rc = next_bound(labels, ctx, o->buckets, p->achieved, &p->proposed,
			err);
	if (rc)
		return rc;
	if (isnan(p->proposed)) {
		p->why = xasprintf("p%.6g over %s was %.3g s, past the largest "
				   "bucket; kept",
				   100 * margin_q, win, p->achieved);
		return 0;
	}
	p->text = fmt_seconds(p->proposed);
	p->why = xasprintf("p%.6g over %s was %.3g ms; next bucket bound %s",
			   100 * margin_q, win, 1e3 * p->achieved, p->text);
	return 0;
}

static int tune_errors(const struct tl_svc_objective *o, double w,
		       tl_svc_query_fn *query, void *ctx,
		       struct tl_svc_proposal *p, struct tl_buf *err)
{
	struct tl_buf q = TL_BUF_INIT;
	char win[32];
	int rc;

	tl_svc_fmt_duration(w, win, sizeof(win));
	tl_svc_error_ratio(o, w, w, &q);
	rc = query(ctx, tl_buf_str(&q), &p->achieved, err);
	tl_buf_release(&q);
	if (rc == -ENODATA) {
		p->why = xstrdup("no requests in the window; kept");
		return 0;
	}
	if (rc)
		return rc;
	if (!(p->achieved > 0) || 2 * p->achieved >= 1) {
		p->why = p->achieved > 0
				 ? xasprintf("%.3g%% failed over %s, too many "
					     "to double; kept",
					     100 * p->achieved, win)
				 : xasprintf("no failed request over %s; kept",
					     win);
		return 0;
	}
	p->proposed = round2(2 * p->achieved, 1);
	p->text = xasprintf("%g%%", 100 * p->proposed);
	p->why = xasprintf("%.3g%% of requests failed over %s; twice that "
			   "burns half the budget",
			   100 * p->achieved, win);
	return 0;
}

static int tune_threshold(const struct tl_svc_objective *o, double w,
			  double margin_q, tl_svc_query_fn *query, void *ctx,
			  struct tl_svc_proposal *p, struct tl_buf *err)
{
	int up = o->op == TL_SLO_LT || o->op == TL_SLO_LTE;
	struct tl_buf q = TL_BUF_INIT;
	char win[32];
	int rc;

	tl_svc_fmt_duration(w, win, sizeof(win));
	tl_buf_printf(&q, "quantile_over_time(%.10g, (",
		      up ? margin_q : 1 - margin_q);
	tl_svc_render(o->value, fmax(w / 8640, fmin(w / 4, 60)), &q);
	tl_buf_printf(&q, ")[%s:])", win);
	rc = query(ctx, tl_buf_str(&q), &p->achieved, err);
	tl_buf_release(&q);
	if (rc == -ENODATA) {
		p->why = xstrdup("no data in the window; kept");
		return 0;
	}
	if (rc)
		return rc;
	if (!(p->achieved > 0)) {
		p->why = xstrdup("the value was not positive; kept");
		return 0;
	}
	p->proposed = round2(p->achieved, up);
	p->text = xasprintf("%g", p->proposed);
	p->why = xasprintf("the value's %s %.6g%% over %s was %.4g",
			   up ? "top" : "bottom", 100 * (1 - margin_q), win,
			   p->achieved);
	return 0;
}

int tl_svc_tune(const struct tl_svc_slo *slo, double window_s,
		tl_svc_query_fn *query, tl_svc_labels_fn *labels, void *ctx,
		struct tl_svc_proposal **out, size_t *n, struct tl_buf *err)
{
	struct tl_svc_proposal *ps = xcalloc(slo->nobj + 1, sizeof(*ps));
	double w = window_s > 0 ? window_s : slo->window_s;
	size_t i;
	int rc = 0;

	for (i = 0; i < slo->nobj && !rc; i++) {
		const struct tl_svc_objective *o = &slo->obj[i];
		struct tl_svc_proposal *p = &ps[i];
		double margin_q = 1 - (1 - o->target) / 2;

		p->obj = o;
		p->achieved = p->proposed = NAN;
		if (o->kind == TL_SVC_LATENCY && o->buckets)
			rc = tune_latency(o, w, margin_q, query, labels, ctx, p,
					  err);
		else if (o->kind == TL_SVC_ERRORS)
			rc = tune_errors(o, w, query, ctx, p, err);
		else if (o->kind == TL_SVC_THRESHOLD)
			rc = tune_threshold(o, w, margin_q, query, ctx, p, err);
		else
			p->why = xstrdup(o->kind == TL_SVC_BOUND
						 ? "a bound (a decision, not "
						   "a measurement); kept"
						 : "a target (a decision, not "
						   "a measurement); kept");
		p->changed = p->text && o->val_line > 0 &&
			     fabs(p->proposed - o->threshold) >
				     1e-9 * fmax(1, fabs(o->threshold));
	}
	if (rc) {
		tl_svc_proposals_free(ps, slo->nobj);
		return rc;
	}
	*out = ps;
	*n = slo->nobj;
	return 0;
}

void tl_svc_proposals_free(struct tl_svc_proposal *p, size_t n)
{
	size_t i;

	for (i = 0; p && i < n; i++) {
		free(p[i].text);
		free(p[i].why);
	}
	free(p);
}

/* Byte offset of line:col (1-based) in text, or -1. */
static long offset_of(const char *text, int line, int col)
{
	const char *p = text;
	int l;

	for (l = 1; l < line; l++) {
		p = strchr(p, '\n');
		if (!p)
			return -1;
		p++;
	}
	if ((size_t)(col - 1) > strcspn(p, "\n"))
		return -1;
	return (long)(p - text) + col - 1;
}

/* Length of the scalar at s and where its content starts/ends. */
static int scalar_span(const char *s, size_t *a, size_t *b)
{
	if (*s == '"' || *s == '\'') {
		const char *e = strchr(s + 1, *s);

		if (!e || memchr(s, '\n', (size_t)(e - s)))
			return -EINVAL;
		*a = 1;
		*b = (size_t)(e - s);
		return 0;
	}
	*a = 0;
	*b = strcspn(s, "\n,}]#");
	while (*b && s[*b - 1] == ' ')
		(*b)--;
	return *b ? 0 : -EINVAL;
}

struct edit {
	long at;
	size_t a, b;
	const char *text;
};

static int cmp_edit(const void *x, const void *y)
{
	long a = ((const struct edit *)x)->at, b = ((const struct edit *)y)->at;

	return (a > b) - (a < b);
}

int tl_svc_tune_rewrite(const char *text, const struct tl_svc_proposal *p,
			size_t n, struct tl_buf *out, struct tl_buf *err)
{
	struct edit *ed = xcalloc(n + 1, sizeof(*ed));
	size_t i, ne = 0;
	long pos = 0;
	int rc = 0;

	for (i = 0; i < n; i++) {
		struct edit *e = &ed[ne];

		if (!p[i].changed)
			continue;
		e->at = offset_of(text, p[i].obj->val_line, p[i].obj->val_col);
		if (e->at < 0 || scalar_span(text + e->at, &e->a, &e->b)) {
			tl_buf_printf(err,
				      "line %d column %d: no scalar to "
				      "rewrite",
				      p[i].obj->val_line, p[i].obj->val_col);
			rc = -EINVAL;
			goto out;
		}
		e->text = p[i].text;
		ne++;
	}
	qsort(ed, ne, sizeof(*ed), cmp_edit);
	for (i = 0; i < ne; i++) {
		tl_buf_append(out, text + pos,
			      (size_t)(ed[i].at - pos) + ed[i].a);
		tl_buf_puts(out, ed[i].text);
		pos = ed[i].at + (long)ed[i].b;
	}
	tl_buf_puts(out, text + pos);
out:
	free(ed);
	return rc;
}

void tl_svc_tune_diff(const char *path, const char *old_text,
		      const char *new_text, FILE *f)
{
	const char *a = old_text, *b = new_text;
	int line = 1, header = 0;

	while (*a || *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || memcmp(a, b, la)) {
			/* git's a/ b/ prefixes only for relative paths. */
			if (!header++)
				fprintf(f, "--- %s%s\n+++ %s%s\n",
					*path == '/' ? "" : "a/", path,
					*path == '/' ? "" : "b/", path);
			fprintf(f, "@@ -%d +%d @@\n-%.*s\n+%.*s\n", line, line,
				(int)la, a, (int)lb, b);
		}
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
		line++;
	}
}
