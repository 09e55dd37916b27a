/*
 * compare.c - run-to-run and run-to-baseline comparison of every metric.
 *
 * Figures are matched by "experiment, params, variant, metric". Against a
 * window, raw samples of all baseline runs are pooled for the tests, and
 * the spread of the per-run medians widens the threshold: samples within a
 * run vary less than runs do on a shared VM, and pooling alone would call
 * that drift a regression.
 *
 * Sample output of `traplab compare A B`:
 *   figure                        A median   B median   change  ratio CI95
 *   alloc size=64 c.arena ns_per_op  2.085      3.392   +62.7%  [1.57, 1.66]
 *     p_holm 1.2e-08  threshold 3.1%  REGRESSION
 */
#include "analyze/compare.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure/results.h"
#include "base/stats.h"
#include "base/vec.h"

#include "base/banned.h"

const char *tl_compare_verdict_name(enum tl_compare_verdict v)
{
	static const char *const names[] = {
		"same",	   "REGRESSION", "improvement", "untested",
		"unclear", "missing",	 "new"};

	return names[v];
}

/* One figure of one side: pooled samples and per-run medians. */
struct fig {
	char *key, *experiment, *params, *variant, *metric, *unit;
	double *x, *meds;
	size_t n, cap, nmeds;
};

struct side {
	struct fig *f;
	size_t n;
};

static struct fig *fig_get(struct side *s, const struct tl_metric_ref *r)
{
	char *key = xasprintf("%s\t%s\t%s\t%s", r->experiment, r->params,
			      r->variant, r->name);
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->f[i].key, key)) {
			free(key);
			return &s->f[i];
		}
	s->f = xrealloc(s->f, (s->n + 1) * sizeof(*s->f));
	memset(&s->f[s->n], 0, sizeof(s->f[0]));
	s->f[s->n].key = key;
	s->f[s->n].experiment = xstrdup(r->experiment);
	s->f[s->n].params = xstrdup(r->params);
	s->f[s->n].variant = xstrdup(r->variant);
	s->f[s->n].metric = xstrdup(r->name);
	s->f[s->n].unit = xstrdup(r->unit);
	return &s->f[s->n++];
}

static int gather(const struct tl_metric_ref *r, void *arg)
{
	struct side *s = arg;
	struct fig *f;
	double *x, med;
	size_t n;

	if (!r->name || tl_results_samples(r->metric, &x, &n) || !n) {
		return 0;
	}
	f = fig_get(s, r);
	TL_VEC_RESERVE(f->x, f->cap, f->n + n);
	memcpy(f->x + f->n, x, n * sizeof(*x));
	f->n += n;
	if (!tl_stats_median(x, n, &med)) {
		f->meds = xrealloc(f->meds, (f->nmeds + 1) * sizeof(*f->meds));
		f->meds[f->nmeds++] = med;
	}
	free(x);
	return 0;
}

static void side_release(struct side *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->f[i].key);
		free(s->f[i].experiment);
		free(s->f[i].params);
		free(s->f[i].variant);
		free(s->f[i].metric);
		free(s->f[i].unit);
		free(s->f[i].x);
		free(s->f[i].meds);
	}
	free(s->f);
}

/* A figure on one side only: listed, with the other side absent. */
static void add_lone(struct tl_compare *out, const struct fig *f,
		     enum tl_compare_verdict v)
{
	struct tl_compare_row *r = &out->rows[out->n++];
	double med = NAN;

	r->experiment = xstrdup(f->experiment);
	r->params = xstrdup(f->params);
	r->variant = xstrdup(f->variant);
	r->metric = xstrdup(f->metric);
	r->unit = xstrdup(f->unit);
	tl_stats_median(f->x, f->n, &med);
	r->median_a = v == TL_CMP_MISSING ? med : NAN;
	r->median_b = v == TL_CMP_NEW ? med : NAN;
	r->na = v == TL_CMP_MISSING ? f->n : 0;
	r->nb = v == TL_CMP_NEW ? f->n : 0;
	r->ratio = r->ratio_lo = r->ratio_hi = NAN;
	r->p = r->p_holm = NAN;
	r->verdict = v;
	out->missing += v == TL_CMP_MISSING;
}

/*
 * Rows of one experiment and case together, in their first order
 * (insertion sort: stable, and n is a few hundred).
 */
static void group_rows(struct tl_compare *c)
{
	size_t i, j, k;

	for (i = 1; i < c->n; i++) {
		struct tl_compare_row r = c->rows[i];

		for (j = i; j > 0; j--) {
			const struct tl_compare_row *p = &c->rows[j - 1];

			if (!strcmp(p->experiment, r.experiment) &&
			    !strcmp(p->params, r.params))
				break;
		}
		if (j == 0 || j == i)
			continue;
		/* Move r to just after the last row of its group. */
		for (k = i; k > j; k--)
			c->rows[k] = c->rows[k - 1];
		c->rows[j] = r;
	}
}

static int higher_is_better(const char *metric)
{
	return strstr(metric, "per_s") || strstr(metric, "per_sec") ||
	       strstr(metric, "throughput");
}

int tl_compare_runs(json_t *const *a, size_t na, json_t *b, double alpha,
		    struct tl_compare *out)
{
	struct side sa = {0}, sb = {0};
	json_t *mde;
	double noise = 0, *p;
	size_t i, j, k;

	memset(out, 0, sizeof(*out));
	out->alpha = alpha;
	if (!na)
		return -EINVAL;
	for (i = 0; i < na; i++)
		tl_results_walk(a[i], gather, &sa);
	tl_results_walk(b, gather, &sb);
	mde = json_object_get(json_object_get(b, "noise"), "aa_mde_pct");
	if (json_is_number(mde))
		noise = json_number_value(mde) / 100;
	out->rows = xcalloc(sb.n + sa.n + 1, sizeof(*out->rows));
	for (j = 0; j < sb.n; j++) {
		struct fig *fb = &sb.f[j], *fa = NULL;
		struct tl_compare_row *r;
		struct tl_mwu mw;
		struct tl_ci ci;
		double spread = 0, mm;

		for (i = 0; i < sa.n && !fa; i++)
			if (!strcmp(sa.f[i].key, fb->key))
				fa = &sa.f[i];
		if (!fa) {
			add_lone(out, fb, TL_CMP_NEW);
			continue;
		}
		r = &out->rows[out->n++];
		r->experiment = xstrdup(fb->experiment);
		r->params = xstrdup(fb->params);
		r->variant = xstrdup(fb->variant);
		r->metric = xstrdup(fb->metric);
		r->unit = xstrdup(fb->unit);
		r->na = fa->n;
		r->nb = fb->n;
		r->p = r->p_holm = NAN;
		r->ratio_lo = r->ratio_hi = NAN;
		tl_stats_median(fa->x, fa->n, &r->median_a);
		tl_stats_median(fb->x, fb->n, &r->median_b);
		r->ratio = r->median_a > 0 ? r->median_b / r->median_a : NAN;
		if (fa->nmeds > 1 &&
		    !tl_stats_median(fa->meds, fa->nmeds, &mm) && mm > 0)
			for (k = 0; k < fa->nmeds; k++)
				spread = fmax(spread,
					      fabs(fa->meds[k] / mm - 1));
		r->threshold = fmax(noise, spread);
		r->margin = fmax(r->threshold, TL_COMPARE_MARGIN);
		r->verdict = TL_CMP_UNTESTED;
		if (fa->n < 2 || fb->n < 2)
			continue;
		if (!tl_stats_boot_median_ratio(fb->x, fb->n, fa->x, fa->n,
						NULL, &ci)) {
			r->ratio_lo = ci.lo;
			r->ratio_hi = ci.hi;
		}
		if (!tl_stats_mwu(fa->x, fa->n, fb->x, fb->n, TL_MWU_AUTO, &mw))
			r->p = mw.p;
	}
	/* Holm over the figures that were tested. */
	p = xcalloc(out->n + 1, sizeof(*p));
	for (i = 0; i < out->n; i++)
		p[i] = isnan(out->rows[i].p) ? 1 : out->rows[i].p;
	if (out->n && !tl_stats_holm(p, out->n, p)) {
		for (i = 0; i < out->n; i++) {
			struct tl_compare_row *r = &out->rows[i];
			int worse_up = !higher_is_better(r->metric);

			if (isnan(r->p) || isnan(r->ratio_lo))
				continue;
			r->p_holm = p[i];
			r->verdict =
				r->ratio_lo >= 1 - r->margin &&
						r->ratio_hi <= 1 + r->margin
					? TL_CMP_SAME
					: TL_CMP_UNCLEAR;
			if (r->p_holm >= alpha)
				continue;
			if (r->ratio_lo > 1 + r->threshold)
				r->verdict = worse_up ? TL_CMP_REGRESSION
						      : TL_CMP_IMPROVEMENT;
			else if (r->ratio_hi < 1 - r->threshold)
				r->verdict = worse_up ? TL_CMP_IMPROVEMENT
						      : TL_CMP_REGRESSION;
			out->regressions += r->verdict == TL_CMP_REGRESSION;
			out->improvements += r->verdict == TL_CMP_IMPROVEMENT;
		}
	}
	free(p);
	/* Every figure of A is listed: those B lacks as missing. */
	for (i = 0; i < sa.n; i++) {
		for (j = 0; j < sb.n; j++)
			if (!strcmp(sa.f[i].key, sb.f[j].key))
				break;
		if (j == sb.n)
			add_lone(out, &sa.f[i], TL_CMP_MISSING);
	}
	side_release(&sa);
	side_release(&sb);
	group_rows(out);
	return 0;
}

void tl_compare_release(struct tl_compare *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->rows[i].experiment);
		free(c->rows[i].params);
		free(c->rows[i].variant);
		free(c->rows[i].metric);
		free(c->rows[i].unit);
	}
	free(c->rows);
	memset(c, 0, sizeof(*c));
}
