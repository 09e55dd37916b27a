/*
 * verdict_seq.c - the sequential rule's looks: which claims of a case are
 * still open and which variants they read, and how many claims are still
 * in play when an experiment is sampled (the level it is sampled at).
 */
#include "analyze/verdict.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/verdict_int.h"
#include "base/confseq.h"
#include "measure/counts.h"
#include "measure/runner.h"
#include "base/banned.h"

/* The index of variant name in case cj's "variants", or -1. */
static long variant_index(json_t *cj, const char *name)
{
	json_t *vars = json_object_get(cj, "variants"), *it;
	size_t i;

	json_array_foreach(vars, i, it)
	{
		const char *n = json_string_value(json_object_get(it, "name"));

		if (n && !strcmp(n, name))
			return (long)i;
	}
	return -1;
}

/*
 * Whether a claim judged at per-claim error a has fewer values than the
 * first early look of its sequence (base/confseq.h): pairs, or each side
 * at a / 2 when the sides are not paired.
 */
static int short_of_first_look(const struct tl__verdict_job *j, double a)
{
	size_t n1;

	if (tl__verdict_sides(j->c) == 1)
		return j->s[0].n < tl_confseq_first_look(j->c->m.q, a);
	if (j->npairs)
		return j->npairs < tl_confseq_first_look(0.5, a);
	n1 = tl_confseq_first_look(0.5, a / 2);
	return j->s[0].n < n1 || j->s[1].n < n1;
}

/* Where a claim stands at a look. */
enum standing { ST_NONE, ST_DECIDED, ST_OPEN, ST_SHORT, ST_FUTILE };

/* The rounds claim j's values came from so far (0: none recorded). */
static double rounds_seen(const struct tl__verdict_job *j)
{
	const struct tl__verdict_series *s = &j->s[0];

	return s->round && s->n ? s->round[s->n - 1] + 1 : 0;
}

/*
 * Whether an open claim is out of reach: after FUTILE_MIN_ROUNDS, its
 * interval would need more than three times the case's budget of rounds
 * (tl_confseq_samples_factor: widths shrink about as 1/sqrt(n)), so
 * sampling on would end INCONCLUSIVE anyway; the verdict says how far it
 * was. Not while an end is still open (no projection: a p99's upper end
 * comes late, and with clusters every end comes at the fourth or fifth
 * process) and never in the other direction: it stops sampling, it
 * decides nothing.
 */
#define FUTILE_MIN_ROUNDS 6

static int futile(const struct tl__verdict_job *j, const struct tl_ci *ci,
		  size_t budget)
{
	double r = rounds_seen(j), f;

	if (!budget || r < FUTILE_MIN_ROUNDS || j->c->p.op == TL_PRED_NE ||
	    !isfinite(ci->lo) || !isfinite(ci->hi) ||
	    (j->c->m.kind == TL_MEASURE_RATIO && !(ci->lo > 0)))
		return 0; /* no interval yet: a ratio's open lower end is 0 */
	/* Infinite with both ends finite: the point sits on the bound. */
	f = tl_confseq_samples_factor(ci, j->c->p.lo, j->c->p.hi);
	return r * f > 3 * (double)budget;
}

/*
 * Claim c judged at per-claim error a in the runs: decided, open, open
 * and short of its first exact look, open and out of reach of the case's
 * budget of rounds (budget; 0: none), or none of those (no values yet,
 * untestable).
 */
static enum standing standing_of(const struct tl_claimset *cs,
				 const struct tl_claim *c, json_t *const *runs,
				 size_t nruns, const struct tl_verdict_opts *o,
				 double a, size_t budget)
{
	struct tl_verdict v;
	struct tl__verdict_job j;
	struct tl_ci ci;
	enum standing st = ST_NONE;

	memset(&v, 0, sizeof(v));
	memset(&j, 0, sizeof(j));
	v.kind = TL_VERDICT_INCONCLUSIVE;
	j.c = c;
	j.v = &v;
	if (tl__verdict_gather(cs, &j, runs, nruns))
		st = v.exact || tl__verdict_decide(&j, a, o, &ci) !=
					     TL_VERDICT_INCONCLUSIVE
			     ? ST_DECIDED
		     : futile(&j, &ci, budget) ? ST_FUTILE
					       : ST_OPEN;
	else if (v.kind == TL_VERDICT_UNTESTABLE &&
		 ((j.s[0].n > 0 && j.s[0].n < 3) ||
		  (j.s[1].n > 0 && j.s[1].n < 3)))
		st = ST_OPEN; /* one or two values: no interval yet */
	/* Open on a figure taken once per process: short of values. */
	if (st == ST_OPEN && short_of_first_look(&j, a))
		st = ST_SHORT;
	tl__verdict_job_release(&j);
	tl_verdict_release(&v);
	return st;
}

/* Whether claim c, judged at per-claim error a, is still open. */
static int claim_open(const struct tl_claimset *cs, const struct tl_claim *c,
		      json_t *const *runs, size_t nruns,
		      const struct tl_verdict_opts *o, double a, size_t budget)
{
	switch (standing_of(cs, c, runs, nruns, o, a, budget)) {
	case ST_OPEN:
		return TL_NEED_MORE;
	case ST_SHORT:
		return TL_NEED_SHORT;
	default:
		return 0;
	}
}

size_t tl_verdict_open(const struct tl_claimset *cs, json_t *const *runs,
		       size_t nruns, const struct tl_verdict_opts *o, size_t m,
		       const char *exp, json_t *case_json, unsigned char *need)
{
	size_t i, nopen = 0, nvar, budget;
	double a = o->alpha / (double)(m ? m : 1);
	int sd, open;

	budget = (size_t)json_integer_value(
		json_object_get(case_json, "budget_rounds"));
	nvar = json_array_size(json_object_get(case_json, "variants"));
	memset(need, 0, nvar);
	for (i = 0; i < cs->nclaims; i++) {
		const struct tl_claim *c = &cs->claims[i];
		long idx[2] = {-1, -1};
		int touches = 0;

		/*
		 * A counter figure comes from the case's counting phase, not
		 * its rounds: a variant read only through one has had its
		 * first round (hashmap's Go and Zig maps, for I1 misses).
		 */
		if (!c->m.metric || c->unresolved ||
		    strcmp(c->m.experiment, exp) ||
		    tl_counts_is_counter_metric(c->m.metric))
			continue;
		for (sd = 0; sd < tl__verdict_sides(c); sd++) {
			if (!tl__verdict_case_matches(case_json,
						      &c->m.side[sd]))
				continue;
			idx[sd] =
				variant_index(case_json, c->m.side[sd].variant);
			touches |= idx[sd] >= 0;
		}
		if (!touches)
			continue;
		open = claim_open(cs, c, runs, nruns, o, a, budget);
		nopen += open != 0;
		for (sd = 0; sd < 2; sd++)
			if (idx[sd] >= 0)
				need[idx[sd]] |=
					(unsigned char)(TL_NEED_READ | open);
	}
	return nopen;
}

/* Whether a need of c is unmet on the runs' machine (PMU, NUMA, a tool). */
static int needs_unmet(const struct tl_claimset *cs, const struct tl_claim *c,
		       json_t *const *runs, size_t nruns)
{
	for (size_t k = 0; k < c->nneeds; k++) {
		char *why = tl__verdict_unmet_need(cs, c, &c->needs[k], runs,
						   nruns);

		if (why) {
			free(why);
			return 1;
		}
	}
	return 0;
}

size_t tl_verdict_in_play(const struct tl_claimset *cs, json_t *const *runs,
			  size_t nruns, const struct tl_verdict_opts *o,
			  size_t m, const char *exp,
			  const struct tl_strv *done_exps,
			  const size_t *done_in_play)
{
	size_t i, k, out = 0;

	if (o->adjust != TL_ADJUST_HOLM)
		return m;
	for (i = 0; i < cs->nclaims; i++) {
		const struct tl_claim *c = &cs->claims[i];
		size_t at = m;

		if (!c->m.metric || c->unresolved)
			continue;
		if (needs_unmet(cs, c, runs, nruns))
			continue;
		for (k = 0; done_exps && k < done_exps->n; k++)
			if (!strcmp(done_exps->v[k], c->m.experiment))
				at = done_in_play[k];
		if (strcmp(c->m.experiment, exp) &&
		    standing_of(cs, c, runs, nruns, o,
				o->alpha / (double)(at ? at : 1),
				0) == ST_DECIDED)
			continue;
		out++;
	}
	return out ? out : 1;
}
