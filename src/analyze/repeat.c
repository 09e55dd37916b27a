/*
 * repeat.c - the tally of `traplab claims --repeat N` (see repeat.h).
 *
 * A flip is what the stability target forbids: HOLDS in one pass and
 * REFUTED in another, or a decided verdict in one and UNTESTABLE in
 * another. INCONCLUSIVE beside a decided verdict is not a flip (an
 * anytime-valid rule may stop at its budget one time and decide the next),
 * but it is counted and shown.
 */
#include "analyze/repeat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

void tl_repeat_init(struct tl_repeat *r, size_t nclaims)
{
	memset(r, 0, sizeof(*r));
	r->nclaims = nclaims;
	r->kinds = xcalloc(nclaims * TL_VERDICT_COUNT_ + 1, sizeof(size_t));
}

void tl_repeat_release(struct tl_repeat *r)
{
	for (size_t i = 0; i < r->npasses * r->nclaims; i++)
		free(r->cell[i].notes);
	free(r->cell);
	free(r->kinds);
	free(r->spent);
	free(r->oracle);
	free(r->wall_s);
	memset(r, 0, sizeof(*r));
}

void tl_repeat_add(struct tl_repeat *r, const struct tl_verdict *v,
		   double wall_s)
{
	size_t i, p = r->npasses;

	if (p == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 8;
		r->spent = xrealloc(r->spent,
				    r->cap * (r->nclaims + 1) * sizeof(double));
		r->oracle = xrealloc(r->oracle, r->cap * (r->nclaims + 1) *
							sizeof(double));
		r->wall_s = xrealloc(r->wall_s, r->cap * sizeof(double));
		r->cell = xrealloc(r->cell, r->cap * (r->nclaims + 1) *
						    sizeof(*r->cell));
	}
	for (i = 0; i < r->nclaims; i++) {
		const struct tl_verdict *x = &v[i];
		size_t sides = x->n[1] ? 2 : 1;

		r->kinds[i * TL_VERDICT_COUNT_ + x->kind]++;
		r->spent[p * r->nclaims + i] =
			x->has_ci && !x->exact ? (double)(x->n[0] + x->n[1])
					       : NAN;
		r->oracle[p * r->nclaims + i] =
			x->oracle_n ? (double)(x->oracle_n * sides) : NAN;
		r->cell[p * r->nclaims + i] = (struct tl_repeat_cell){
			.kind = x->kind,
			.has_ci = x->has_ci,
			.ci = x->ci,
			.notes = x->notes    ? xstrdup(x->notes)
				 : x->reason ? xstrdup(x->reason)
					     : NULL,
		};
	}
	r->wall_s[p] = wall_s;
	r->npasses++;
}

static int flipped(const size_t *k)
{
	int decided = k[TL_VERDICT_HOLDS] || k[TL_VERDICT_REFUTED];

	return (k[TL_VERDICT_HOLDS] && k[TL_VERDICT_REFUTED]) ||
	       (decided && k[TL_VERDICT_UNTESTABLE]);
}

size_t tl_repeat_odd(const struct tl_repeat *r, size_t pass, size_t *out)
{
	size_t i, n = 0;

	if (pass >= r->npasses)
		return 0;
	for (i = 0; i < r->nclaims; i++) {
		const size_t *k = &r->kinds[i * TL_VERDICT_COUNT_];
		size_t p, mode = TL_VERDICT_COUNT_, best = 0;

		/* the most frequent, ties to the one that came first */
		for (p = 0; p < r->npasses; p++) {
			size_t kind = r->cell[p * r->nclaims + i].kind;

			if (k[kind] > best) {
				best = k[kind];
				mode = kind;
			}
		}
		if (r->cell[pass * r->nclaims + i].kind != mode)
			out[n++] = i;
	}
	return n;
}

size_t tl_repeat_flips(const struct tl_repeat *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nclaims; i++)
		n += flipped(&r->kinds[i * TL_VERDICT_COUNT_]) != 0;
	return n;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of the finite values of x[0..n) taken every stride (NAN: none). */
static double median(const double *x, size_t n, size_t stride)
{
	double *y = xcalloc(n + 1, sizeof(*y)), med = NAN;
	size_t p, k = 0;

	for (p = 0; p < n; p++)
		if (isfinite(x[p * stride]))
			y[k++] = x[p * stride];
	if (k) {
		qsort(y, k, sizeof(*y), cmp_dbl);
		med = k % 2 ? y[k / 2] : (y[k / 2 - 1] + y[k / 2]) / 2;
	}
	free(y);
	return med;
}

/* Median over the passes of claim i's figure in m. */
static double col_median(const double *m, const struct tl_repeat *r, size_t i)
{
	return median(m + i, r->npasses, r->nclaims);
}

void tl_repeat_table(struct tl_buf *b, const struct tl_claimset *cs,
		     const struct tl_repeat *r)
{
	double total_spent = 0, total_oracle = 0, wmin = INFINITY, wmax = 0;
	double *ratio = xcalloc(r->nclaims + 1, sizeof(*ratio));
	size_t i, k, p, nratio = 0, within = 0;

	tl_buf_printf(b, "\n%zu passes: how often each verdict came out\n",
		      r->npasses);
	tl_buf_printf(b, "%-30s %4s %4s %4s %4s  %-4s %8s %8s %6s\n", "id",
		      "HOLD", "REF", "INC", "UNT", "flip", "samples", "oracle",
		      "ratio");
	for (i = 0; i < r->nclaims; i++) {
		const size_t *kd = &r->kinds[i * TL_VERDICT_COUNT_];
		double s = col_median(r->spent, r, i);
		double o = col_median(r->oracle, r, i);

		tl_buf_printf(b, "%-30.30s", cs->claims[i].id);
		for (k = 0; k < TL_VERDICT_COUNT_; k++)
			tl_buf_printf(b, " %4zu", kd[k]);
		tl_buf_printf(b, "  %-4s", flipped(kd) ? "YES" : "-");
		if (isfinite(s))
			tl_buf_printf(b, " %8.0f", s);
		else
			tl_buf_printf(b, " %8s", "-");
		if (isfinite(o))
			tl_buf_printf(b, " %8.0f", o);
		else
			tl_buf_printf(b, " %8s", "-");
		if (isfinite(s) && isfinite(o) && o > 0) {
			tl_buf_printf(b, " %5.1fx", s / o);
			total_spent += s;
			total_oracle += o;
			ratio[nratio++] = s / o;
			within += s / o <= 2;
		}
		tl_buf_puts(b, "\n");
	}
	for (p = 0; p < r->npasses; p++) {
		wmin = fmin(wmin, r->wall_s[p]);
		wmax = fmax(wmax, r->wall_s[p]);
	}
	tl_buf_printf(b,
		      "%zu of %zu claims flip; wall per pass median %.1f s "
		      "[%.1f, %.1f]; samples spent %.0f vs oracle %.0f "
		      "(%.1fx) where an oracle exists\n",
		      tl_repeat_flips(r), r->nclaims,
		      median(r->wall_s, r->npasses, 1), r->npasses ? wmin : 0,
		      wmax, total_spent, total_oracle,
		      total_oracle > 0 ? total_spent / total_oracle : 0);
	if (nratio)
		tl_buf_printf(b,
			      "per claim: spent / oracle median %.1fx, %zu of "
			      "%zu within 2x\n",
			      median(ratio, nratio, 1), within, nratio);
	tl_buf_puts(b, "samples: median per pass over both sides; oracle: the "
		       "fewest a fixed-n interval would have decided with at "
		       "the noise measured, in whole processes (per pass, "
		       "median)\n");
	free(ratio);
}

static json_t *num(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

/* Claim i's verdict, interval and notes in every pass. */
static json_t *passes_json(const struct tl_repeat *r, size_t i)
{
	json_t *a = json_array();

	for (size_t p = 0; p < r->npasses; p++) {
		const struct tl_repeat_cell *c = &r->cell[p * r->nclaims + i];
		json_t *o = json_object();

		json_object_set_new(o, "verdict",
				    json_string(tl_verdict_name(c->kind)));
		if (c->has_ci) {
			json_object_set_new(o, "point", num(c->ci.point));
			json_object_set_new(o, "lo", num(c->ci.lo));
			json_object_set_new(o, "hi", num(c->ci.hi));
		}
		if (c->notes)
			json_object_set_new(o, "notes", json_string(c->notes));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *tl_repeat_json(const struct tl_claimset *cs, const struct tl_repeat *r)
{
	json_t *root = json_object(), *arr = json_array(), *w = json_array();
	size_t i, k, p;

	json_object_set_new(root, "schema", json_string("traplab.repeat/1"));
	json_object_set_new(root, "passes",
			    json_integer((json_int_t)r->npasses));
	json_object_set_new(root, "flips",
			    json_integer((json_int_t)tl_repeat_flips(r)));
	for (p = 0; p < r->npasses; p++)
		json_array_append_new(w, json_real(r->wall_s[p]));
	json_object_set_new(root, "wall_s", w);
	for (i = 0; i < r->nclaims; i++) {
		const size_t *kd = &r->kinds[i * TL_VERDICT_COUNT_];
		json_t *it = json_object(), *counts = json_object();

		json_object_set_new(it, "id", json_string(cs->claims[i].id));
		for (k = 0; k < TL_VERDICT_COUNT_; k++)
			json_object_set_new(counts, tl_verdict_name(k),
					    json_integer((json_int_t)kd[k]));
		json_object_set_new(it, "verdicts", counts);
		json_object_set_new(it, "flip", json_boolean(flipped(kd)));
		json_object_set_new(it, "samples_median",
				    num(col_median(r->spent, r, i)));
		json_object_set_new(it, "oracle_median",
				    num(col_median(r->oracle, r, i)));
		json_object_set_new(it, "passes", passes_json(r, i));
		json_array_append_new(arr, it);
	}
	json_object_set_new(root, "claims", arr);
	return root;
}
