/*
 * verdict_ci.c - a claim's interval at a level and the three-way answer
 * on it: the bootstrap for fixed-n runs, confidence sequences
 * (base/confseq.h) for sequential ones, counted per process unless
 * --independent; paired sides; TOST for equivalence; the smallest alpha
 * that decides (the claim's p) and the oracle bound.
 */
#include "analyze/verdict.h"

#include <math.h>
#include <stdlib.h>

#include "analyze/verdict_int.h"
#include "base/confseq.h"
#include "base/banned.h"

int tl__verdict_judge_ci(const struct tl_pred *p, const struct tl_ci *ci,
			 int exact)
{
	double lo = p->lo, hi = p->hi;
	int inside, outside;

	if (exact) {
		double x = ci->point;

		switch (p->op) {
		case TL_PRED_LT:
			inside = x < hi;
			break;
		case TL_PRED_GT:
			inside = x > lo;
			break;
		case TL_PRED_NE:
			inside = x != lo;
			break;
		default:
			inside = x >= lo && x <= hi;
			break;
		}
		return inside ? TL_VERDICT_HOLDS : TL_VERDICT_REFUTED;
	}
	if (p->op == TL_PRED_NE) {
		if (ci->hi < lo || ci->lo > hi)
			return TL_VERDICT_HOLDS;
		return TL_VERDICT_INCONCLUSIVE;
	}
	inside = ci->lo >= lo && ci->hi <= hi;
	if (p->op == TL_PRED_LT && ci->hi >= hi)
		inside = 0;
	if (p->op == TL_PRED_GT && ci->lo <= lo)
		inside = 0;
	outside = ci->hi < lo || ci->lo > hi;
	if (p->op == TL_PRED_LT)
		outside = ci->lo >= hi;
	if (p->op == TL_PRED_GT)
		outside = ci->hi <= lo;
	if (inside)
		return TL_VERDICT_HOLDS;
	if (outside)
		return TL_VERDICT_REFUTED;
	return TL_VERDICT_INCONCLUSIVE;
}

/* A series' rounds when counted per process; NULL: independent. */
static const double *rounds_of(const struct tl__verdict_series *s,
			       const struct tl_verdict_opts *o)
{
	return o->independent ? NULL : s->round;
}

/* How a series' processes count (claims --strict: each one unit). */
static enum tl_confseq_units units_of(const struct tl_verdict_opts *o)
{
	return o->strict ? TL_CONFSEQ_PROCESSES : TL_CONFSEQ_DESIGN;
}

/*
 * The unpaired CS of a ratio or difference at error a: each side's own
 * sequence at a / 2, with its rounds when counted per process.
 */
static int sides_cs(const struct tl__verdict_job *j,
		    const struct tl_verdict_opts *o, double a, struct tl_ci *ci)
{
	const struct tl__verdict_series *s = j->s;
	const double *ra = rounds_of(&s[0], o), *rb = rounds_of(&s[1], o);

	if (j->c->m.kind == TL_MEASURE_RATIO)
		return tl_confseq_quantile_ratio(s[0].x, ra, s[0].n, s[1].x, rb,
						 s[1].n, 0.5, a, units_of(o),
						 ci);
	return tl_confseq_quantile_diff(s[0].x, ra, s[0].n, s[1].x, rb, s[1].n,
					0.5, a, units_of(o), ci);
}

/*
 * Paired sides counted per process: the CS of the pairs at a / 2
 * intersected with the sides' own at a / 2 (both hold together with
 * probability >= 1 - a). Pairs cancel the machine's drift, but a pair
 * joins two processes, so where processes differ more than the machine
 * drifts (a compiler's processes: design effect 4.7 on the pairs, 1.3
 * on either side) the sides decide first. Independent samples keep the
 * pairs alone at a. The point stays the pairs' median, held inside the
 * interval; two disjoint intervals (a chance of at most a) give their
 * hull.
 */
static int paired_cs(const struct tl__verdict_job *j,
		     const struct tl_verdict_opts *o, double a,
		     struct tl_ci *ci)
{
	struct tl_ci sd;
	int err;

	if (o->independent)
		return tl_confseq_quantile_rounds(j->pairs, NULL, j->npairs,
						  0.5, a, ci);
	err = tl_confseq_quantile_units(j->pairs, j->pairs + j->npairs,
					j->npairs, 0.5, a / 2, units_of(o), ci);
	if (!err)
		err = sides_cs(j, o, a / 2, &sd);
	if (err)
		return err;
	if (sd.lo > ci->hi || sd.hi < ci->lo) {
		ci->lo = fmin(ci->lo, sd.lo);
		ci->hi = fmax(ci->hi, sd.hi);
	} else {
		ci->lo = fmax(ci->lo, sd.lo);
		ci->hi = fmin(ci->hi, sd.hi);
	}
	ci->point = fmin(fmax(ci->point, ci->lo), ci->hi);
	return 0;
}

static int boot(const struct tl__verdict_job *j, double level,
		const struct tl_verdict_opts *o, struct tl_ci *ci)
{
	struct tl_stats_boot b = {level, o->resamples,
				  o->seed ? o->seed : TL_STATS_BOOT_SEED};
	const struct tl__verdict_series *a = &j->s[0], *c = &j->s[1];

	if (level >= 1)
		b.confidence = 1 - 1e-12;
	if (level <= 0) /* TOST's 1 - 2a at a = 0.5 */
		b.confidence = 1e-12;
	if (o->anytime) {
		if (j->npairs)
			return paired_cs(j, o, 1 - b.confidence, ci);
		if (j->c->m.kind != TL_MEASURE_VALUE)
			return sides_cs(j, o, 1 - b.confidence, ci);
		return tl_confseq_quantile_units(a->x, rounds_of(a, o), a->n,
						 j->c->m.q, 1 - b.confidence,
						 units_of(o), ci);
	}
	if (j->npairs)
		return tl_stats_boot_median(j->pairs, j->npairs, &b, ci);
	switch (j->c->m.kind) {
	case TL_MEASURE_RATIO:
		return tl_stats_boot_median_ratio(a->x, a->n, c->x, c->n, &b,
						  ci);
	case TL_MEASURE_DIFF:
		return tl_stats_boot_median_diff(a->x, a->n, c->x, c->n, &b,
						 ci);
	default:
		if (j->c->m.q == 0.5)
			return tl_stats_boot_median(a->x, a->n, &b, ci);
		return tl_stats_boot_quantile(a->x, a->n, j->c->m.q, &b, ci);
	}
}

int tl__verdict_decide(const struct tl__verdict_job *j, double a,
		       const struct tl_verdict_opts *o, struct tl_ci *ci)
{
	const struct tl_pred *p = &j->c->p;
	int exact = j->v->exact;
	enum tl_verdict_kind k;
	struct tl_ci tost;

	if (j->fallback_ci)
		return tl__verdict_judge_ci(p, &j->v->ci, exact);
	if (boot(j, 1 - a, o, ci))
		return TL_VERDICT_INCONCLUSIVE;
	if (p->op != TL_PRED_EQUIVALENT)
		return tl__verdict_judge_ci(p, ci, exact);
	k = tl__verdict_judge_ci(p, ci, exact);
	if (k == TL_VERDICT_REFUTED || exact)
		return k;
	if (boot(j, 1 - 2 * a, o, &tost))
		return TL_VERDICT_INCONCLUSIVE;
	if (tl__verdict_judge_ci(p, &tost, 0) == TL_VERDICT_HOLDS) {
		*ci = tost;
		return TL_VERDICT_HOLDS;
	}
	return TL_VERDICT_INCONCLUSIVE;
}

size_t tl__verdict_oracle(const struct tl__verdict_job *j,
			  const struct tl_verdict_opts *o, double a)
{
	const struct tl_claim *c = j->c;
	enum tl_confseq_kind kind =
		c->m.kind == TL_MEASURE_RATIO  ? TL_CONFSEQ_RATIO
		: c->m.kind == TL_MEASURE_DIFF ? TL_CONFSEQ_DIFF
					       : TL_CONFSEQ_VALUE;

	if (c->p.op == TL_PRED_NE || c->p.op == TL_PRED_EQUIVALENT)
		return 0;
	return tl_confseq_oracle_n(j->s[0].x, rounds_of(&j->s[0], o), j->s[0].n,
				   j->s[1].x, rounds_of(&j->s[1], o), j->s[1].n,
				   kind,
				   kind == TL_CONFSEQ_VALUE ? c->m.q : 0.5, a,
				   c->p.lo, c->p.hi, 100000);
}

double tl__verdict_smallest_alpha(const struct tl__verdict_job *j,
				  const struct tl_verdict_opts *o)
{
	double lo = -12, hi = log10(fmin(0.5, o->alpha)); /* log10 of alpha */
	struct tl_ci ci;
	int i;

	if (tl__verdict_decide(j, pow(10, lo), o, &ci) !=
	    TL_VERDICT_INCONCLUSIVE)
		return 0;
	if (tl__verdict_decide(j, pow(10, hi), o, &ci) ==
	    TL_VERDICT_INCONCLUSIVE)
		return 1;
	for (i = 0; i < 20; i++) {
		double mid = (lo + hi) / 2;

		if (tl__verdict_decide(j, pow(10, mid), o, &ci) ==
		    TL_VERDICT_INCONCLUSIVE)
			lo = mid;
		else
			hi = mid;
	}
	return pow(10, hi);
}
