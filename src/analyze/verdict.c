/*
 * verdict.c - claims judged against measured runs.
 *
 * Key decision: the CI is recomputed from the raw samples of the results
 * JSON at the level the whole table needs (the runner's ci95 is only a
 * fallback, used as-is and said so, when samples are missing). The
 * decision at a level is monotone: a higher level widens the interval, and
 * with the same seed the bootstrap replicates are the same set, so the
 * smallest deciding alpha (the claim's p) is found by bisection.
 *
 * Invariant: every UNTESTABLE verdict has a reason; no other verdict does.
 */
#include "analyze/verdict.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/confseq.h"
#include "analyze/verdict_int.h"
#include "analyze/verdict_runs.h"
#include "base/banned.h"

static const char *const verdict_names[] = {
#define X(id, name) name,
	TL_VERDICT_KINDS(X)
#undef X
};

static const char *const adjust_names[] = {
#define X(id, name) name,
	TL_ADJUSTS(X)
#undef X
};

const char *tl_verdict_meaning(enum tl_verdict_kind k)
{
	static const char *const m[] = {
		"the whole confidence interval of the measure lies inside the "
		"claimed region",
		"the whole confidence interval lies outside the claimed region",
		"the interval straddles a bound of the claimed region at the "
		"confidence left after the family-wise correction (Holm over "
		"every numeric claim): a claim can be INCONCLUSIVE although "
		"its plain 95% interval would decide it; more samples may",
		"this machine cannot measure it (no PMU, a toolchain missing, "
		"a "
		"variant skipped); the reason says which",
	};

	return (unsigned)k < TL_VERDICT_COUNT_ ? m[k] : "?";
}

const char *tl_verdict_name(enum tl_verdict_kind k)
{
	return (unsigned)k < TL_VERDICT_COUNT_ ? verdict_names[k] : "?";
}

const char *tl_verdict_interval_name(const struct tl_verdict_opts *o)
{
	if (!o->anytime)
		return "bootstrap";
	if (o->independent)
		return "confidence sequence (anytime-valid), samples "
		       "independent";
	if (o->strict)
		return "confidence sequence (anytime-valid), each process one "
		       "unit";
	return "confidence sequence (anytime-valid), per process";
}

const char *tl_adjust_name(enum tl_adjust a)
{
	return (unsigned)a < TL_ADJUST_COUNT_ ? adjust_names[a] : "?";
}

int tl_adjust_parse(const char *s, enum tl_adjust *out)
{
	int i;

	for (i = 0; i < TL_ADJUST_COUNT_; i++)
		if (!strcmp(s, adjust_names[i])) {
			*out = (enum tl_adjust)i;
			return 0;
		}
	return -EINVAL;
}

/* The machine: reasons a claim's needs are not met, or NULL. */
/*
 * The hardware events a counter metric needs, for saying what machine
 * could test a claim this one cannot.
 */
static const char *pmu_events(const char *metric)
{
	static const struct {
		const char *metric, *events;
	} map[] = {
		{"ipc", "cycles and instructions"},
		{"cycles", "cycles"},
		{"dtlb", "dTLB-load-misses and dTLB-loads"},
		{"branch", "branches and branch-misses"},
		{"l1d", "L1-dcache-loads and L1-dcache-load-misses"},
		{"l1i", "L1-icache-load-misses"},
		{"ll_", "LLC-loads and LLC-load-misses"},
	};

	for (size_t i = 0; metric && i < TL_ARRAY_SIZE(map); i++)
		if (strstr(metric, map[i].metric))
			return map[i].events;
	return "the hardware events";
}

char *tl__verdict_unmet_need(const struct tl_claimset *cs,
			     const struct tl_claim *c, const struct tl_need *nd,
			     json_t *const *runs, size_t nruns)
{
	json_t *env = nruns ? json_object_get(runs[0], "env") : NULL;
	json_t *tc = json_object_get(env, "toolchains");
	const char *tool = NULL, *reason;
	const struct tl_feature *f;
	struct tl_side probe;
	json_t *v;
	char *why = NULL, *val;
	int partial = 0;

	switch (nd->kind) {
	case TL_NEED_PMU:
		if (json_is_true(json_object_get(env, "pmu")))
			return NULL;
		reason = json_string_value(json_object_get(env, "pmu_reason"));
		return xasprintf("no PMU%s%s; a machine whose PMU counts %s "
				 "(bare metal, or a VM with a virtual PMU and "
				 "perf_event_paranoid <= 2) can test it",
				 reason ? ": " : "", reason ? reason : "",
				 pmu_events(c->m.metric));
	case TL_NEED_NUMA:
		if (json_integer_value(json_object_get(env, "numa_nodes")) >= 2)
			return NULL;
		return xasprintf(
			"one NUMA node on this machine; a machine with "
			"two or more NUMA nodes (two sockets, or "
			"sub-NUMA clustering) can test it");
	case TL_NEED_CC:
		tool = "cc";
		break;
	case TL_NEED_CXX:
		tool = "cxx";
		break;
	case TL_NEED_GO:
		tool = "go";
		break;
	case TL_NEED_ZIG:
		tool = "zig";
		break;
	case TL_NEED_FEATURE:
		f = tl_claims_feature(cs, nd->feature);
		if (!f)
			return xasprintf("feature '%s' undeclared",
					 nd->feature);
		memset(&probe, 0, sizeof(probe));
		probe.variant = f->variant;
		v = tl__verdict_usable_variant(runs, nruns, f->experiment,
					       &probe, &why, &partial);
		if (!v) {
			char *r = xasprintf("feature '%s' not probed: %s",
					    f->name, why);
			free(why);
			return r;
		}
		val = tl__verdict_fact(v, f->experiment, f->variant, f->fact,
				       &why);
		if (!val) {
			char *r = xasprintf("feature '%s' not probed: %s",
					    f->name, why);
			free(why);
			return r;
		}
		if (!strcmp(val, f->eq)) {
			free(val);
			return NULL;
		}
		why = xasprintf("feature absent: %s (%s/%s %s=%s)", f->about,
				f->experiment, f->variant, f->fact, val);
		free(val);
		return why;
	default:
		return NULL;
	}
	if (json_is_string(json_object_get(tc, tool)))
		return NULL;
	return xasprintf("toolchain missing: %s", tool);
}

/* Pairing (the intervals and the answers: verdict_ci.c). */

/*
 * A ratio or difference of two variants of one case, paired round by
 * round: the t-th value of side 0 in round r with the t-th of side 1 in
 * round r (the rounds interleave the variants, so both felt the machine
 * of that moment). *out receives a / b or a - b per pair (owned; NULL
 * when none); returns the pair count, 0 when the sides cannot be paired
 * (other cases, no rounds recorded) or half their values would go
 * unpaired.
 */
static size_t pair_up(const struct tl__verdict_job *j, int same_case,
		      double **out)
{
	const struct tl__verdict_series *a = &j->s[0], *b = &j->s[1];
	size_t i = 0, k = 0, n = 0, m;
	double *p;

	*out = NULL;
	if (!same_case || !a->round || !b->round || !a->n || !b->n)
		return 0;
	m = a->n < b->n ? a->n : b->n;
	/* The pairs, then each pair's round (the same allocation). */
	p = xcalloc(2 * m, sizeof(*p));
	while (i < a->n && k < b->n) {
		if (a->round[i] < b->round[k]) {
			i++;
		} else if (a->round[i] > b->round[k]) {
			k++;
		} else {
			p[m + n] = a->round[i];
			p[n++] = j->c->m.kind == TL_MEASURE_RATIO
					 ? a->x[i] / b->x[k]
					 : a->x[i] - b->x[k];
			i++;
			k++;
		}
	}
	if (2 * n < (a->n > b->n ? a->n : b->n)) {
		free(p);
		return 0;
	}
	/* The rounds moved up to follow the n pairs. */
	memmove(p + n, p + m, n * sizeof(*p));
	*out = p;
	return n;
}

static void note(struct tl_verdict *v, const char *s)
{
	char *n = v->notes ? xasprintf("%s; %s", v->notes, s) : xstrdup(s);

	free(v->notes);
	v->notes = n;
}

/*
 * Why an undecided interval could not say how far it was: an end still
 * open, or the estimate on the bound. An open end of one variant's
 * figure in processes says what the processes were worth on that side:
 * with a process or two wholly beyond the quantile (a noisy start), the
 * design effect takes each process as little more than one value, and a
 * p99 cannot be bounded by a few dozen of them.
 */
static char *open_note(const struct tl__verdict_job *j,
		       const struct tl_verdict_opts *o)
{
	const struct tl__verdict_series *s = &j->s[0];
	const struct tl_ci *ci = &j->v->ci;
	int upper = !isfinite(ci->hi);
	double deff, procs;

	if (isfinite(ci->lo) && isfinite(ci->hi))
		return xstrdup("undecided where sampling stopped: the "
			       "estimate sits on the bound");
	if (tl__verdict_sides(j->c) != 1 || !s->round || !s->n ||
	    o->independent || !isfinite(ci->point))
		return xasprintf("undecided where sampling stopped: its %s "
				 "end is still open",
				 upper ? "upper" : "lower");
	deff = tl_confseq_deff(s->x, s->round, s->n, j->c->m.q, ci->point,
			       upper);
	procs = 1;
	for (size_t i = 1; i < s->n; i++)
		procs += s->round[i] != s->round[i - 1];
	return xasprintf("undecided where sampling stopped: its %s end is "
			 "still open; the processes differ on that side "
			 "(design effect %.0f), so %zu values from %.0f "
			 "processes count as about %.0f",
			 upper ? "upper" : "lower", deff, s->n, procs,
			 (double)s->n / deff);
}

/*
 * Under claims --independent, a decided verdict whose samples came from
 * processes: judged again with the per-process interval (the default,
 * base/confseq.h) at the same level; when that interval has both ends
 * and would not decide it so, the verdict says so, since it then rests
 * on counting a process's samples as independent observations
 * (defer-zig-free-time, whose two variants run one function, was
 * REFUTED so once).
 */
static void per_process_check(const struct tl__verdict_job *j,
			      const struct tl_verdict_opts *o)
{
	struct tl_verdict_opts pp = *o;
	struct tl_verdict *v = j->v;
	struct tl_ci ci;
	enum tl_verdict_kind k;
	char *msg;

	if (v->exact || j->fallback_ci ||
	    (v->kind != TL_VERDICT_HOLDS && v->kind != TL_VERDICT_REFUTED) ||
	    (!j->npairs && !j->s[0].round))
		return;
	pp.independent = 0;
	k = tl__verdict_decide(j, 1 - v->level, &pp, &ci);
	/*
	 * An open end means too few processes to judge per process at all
	 * (two or three, as most cases run): no news about this claim.
	 */
	if (k == v->kind || !isfinite(ci.lo) || !isfinite(ci.hi))
		return;
	msg = xasprintf("counted per process (a process's samples as one "
			"cluster, as without --independent) the interval is "
			"[%.4g, %.4g] and the verdict %s: this one rests on "
			"a process's samples being independent",
			ci.lo, ci.hi, tl_verdict_name(k));
	note(v, msg);
	free(msg);
}

/* Whether a build workload says its program does not build. */
static int does_not_build(json_t *var)
{
	const char *b = json_string_value(
		json_object_get(json_object_get(var, "facts"), "builds"));

	return b && !strcmp(b, "false");
}

static void untestable(struct tl_verdict *v, char *why)
{
	v->kind = TL_VERDICT_UNTESTABLE;
	free(v->reason);
	v->reason = why;
}

/*
 * A fact claim: eq/ne on one fact compares strings; any other predicate,
 * or a ratio or difference of facts, compares numbers, which are exact.
 */
static void judge_facts(const struct tl_claim *c, struct tl_verdict *v,
			char *const *fv)
{
	double x[2] = {0, 0};
	size_t k, nsides = c->m.kind == TL_MEASURE_RATIO ||
					   c->m.kind == TL_MEASURE_DIFF
				   ? 2
				   : 1;
	char *end;

	v->p = 0;
	v->p_adj = 0;
	if (c->p.text) {
		int eq = !strcmp(fv[0], c->p.text);

		if (c->p.op == TL_PRED_NE)
			eq = !eq;
		v->fact = xstrdup(fv[0]);
		v->kind = eq ? TL_VERDICT_HOLDS : TL_VERDICT_REFUTED;
		return;
	}
	for (k = 0; k < nsides; k++) {
		x[k] = strtod(fv[k], &end);
		if (end == fv[k] || *end || !isfinite(x[k])) {
			untestable(v, xasprintf("fact %s = '%s' is not a "
						"number",
						c->m.fact, fv[k]));
			return;
		}
	}
	if (c->m.kind == TL_MEASURE_RATIO) {
		if (!(x[1] != 0)) {
			untestable(v, xasprintf("ratio over a zero %s",
						c->m.fact));
			return;
		}
		x[0] /= x[1];
	} else if (c->m.kind == TL_MEASURE_DIFF) {
		x[0] -= x[1];
	}
	v->exact = 1;
	v->has_ci = 1;
	v->level = 1;
	v->ci.point = v->ci.lo = v->ci.hi = x[0];
	v->kind = tl__verdict_judge_ci(&c->p, &v->ci, 1);
	v->source = xstrdup("fact");
}

/* The pairs of j's two sides when they are one case's variants, noted. */
static void pairing(struct tl__verdict_job *j, json_t *const *runs,
		    size_t nruns)
{
	json_t *cs[2] = {NULL, NULL};

	for (int k = 0; k < 2; k++) {
		char *why = NULL;

		tl__verdict_find_variant(runs, nruns, j->c->m.experiment,
					 &j->c->m.side[k], &cs[k], &why);
		free(why);
	}
	j->npairs = pair_up(j, cs[0] && cs[0] == cs[1], &j->pairs);
	if (j->npairs) {
		char *msg = xasprintf("interval on %zu pairs taken round by "
				      "round (both variants of one case: the "
				      "machine's drift cancels)",
				      j->npairs);

		note(j->v, msg);
		free(msg);
	}
}

void tl__verdict_job_release(struct tl__verdict_job *j)
{
	FREE_AND_NULL(j->s[0].x);
	FREE_AND_NULL(j->s[1].x);
	FREE_AND_NULL(j->pairs);
	j->npairs = 0;
}

/* Gathers the data of one claim; 1 when it can be judged numerically. */
int tl__verdict_gather(const struct tl_claimset *cs, struct tl__verdict_job *j,
		       json_t *const *runs, size_t nruns)
{
	const struct tl_claim *c = j->c;
	struct tl_verdict *v = j->v;
	char *why = NULL, *fv[2] = {NULL, NULL};
	size_t k, nsides;
	int partial = 0;

	for (k = 0; k < c->nneeds; k++) {
		why = tl__verdict_unmet_need(cs, c, &c->needs[k], runs, nruns);
		if (why) {
			untestable(v, why);
			return 0;
		}
	}
	if (c->unresolved) {
		untestable(v, xstrdup(c->unresolved));
		return 0;
	}
	nsides = c->m.kind == TL_MEASURE_RATIO || c->m.kind == TL_MEASURE_DIFF
			 ? 2
			 : 1;
	for (k = 0; k < nsides; k++) {
		json_t *var = tl__verdict_usable_variant(
			runs, nruns, c->m.experiment, &c->m.side[k], &why,
			&partial);

		if (!var) {
			untestable(v, why);
			return 0;
		}
		if (c->m.fact) {
			fv[k] = tl__verdict_fact(var, c->m.experiment,
						 c->m.side[k].variant,
						 c->m.fact, &why);
			if (!fv[k]) {
				untestable(v, why);
				goto out_facts;
			}
			if (!strncmp(fv[k], "absent:", 7)) {
				untestable(v, xasprintf("fact %s absent: %s",
							c->m.fact, fv[k] + 7));
				goto out_facts;
			}
			continue;
		}
		if (tl__verdict_series(var, c->m.experiment, &c->m.side[k],
				       c->m.metric, &j->s[k], &why)) {
			if (does_not_build(var)) {
				/*
				 * A claim about a figure of a program that
				 * does not build (its build time) is false,
				 * not untestable: we checked, and there is
				 * no such build.
				 */
				v->kind = TL_VERDICT_REFUTED;
				note(v, why);
				free(why);
				return 0;
			}
			untestable(v, why);
			return 0;
		}
		v->n[k] = j->s[k].n;
		if (j->s[k].source) {
			if (!v->source)
				v->source = xstrdup(j->s[k].source);
			if (!strcmp(j->s[k].source, "sim"))
				v->simulated = 1;
		}
		if (j->s[k].flag)
			note(v, j->s[k].flag);
	}
	if (nsides == 2 && !c->m.fact)
		pairing(j, runs, nruns);
	if (partial)
		note(v, "some rounds of a variant failed (status partial)");
	if (v->simulated)
		note(v, "rests on simulated counters (cachegrind), not "
			"hardware");
	if (c->m.fact) {
		judge_facts(c, v, fv);
		goto out_facts;
	}
	/* Exact: counted or simulated figures with no spread at all. */
	v->exact = 1;
	for (k = 0; k < nsides; k++) {
		const struct tl__verdict_series *s = &j->s[k];
		size_t i;

		if (!s->exact) {
			for (i = 1; i < s->n; i++)
				if (s->x[i] != s->x[0])
					v->exact = 0;
			if (s->n < 3 && !(s->n >= 1 && s->source &&
					  !strcmp(s->source, "sim")))
				v->exact = 0;
		}
	}
	for (k = 0; k < nsides; k++) {
		if (!j->s[k].n) {
			/* No raw samples: fall back to the recorded CI. */
			if (nsides > 1 || !j->s[k].has_ci95 || c->m.q != 0.5) {
				untestable(v, xasprintf("%s has no samples to "
							"compute a CI from",
							c->m.metric));
				return 0;
			}
			j->fallback_ci = 1;
			v->exact = 0;
			v->has_ci = 1;
			v->ci.point = j->s[k].median;
			v->ci.lo = j->s[k].ci95_lo;
			v->ci.hi = j->s[k].ci95_hi;
			v->level = 0.95;
			note(v, "no raw samples: the run's 95% CI is used, "
				"not widened for the table");
		}
	}
	if (c->m.kind == TL_MEASURE_RATIO) {
		size_t i;

		for (i = 0; i < j->s[1].n; i++)
			if (!(j->s[1].x[i] > 0)) {
				untestable(v, xasprintf("ratio over a "
							"non-positive %s",
							c->m.metric));
				return 0;
			}
	}
	if (!v->exact && !j->fallback_ci)
		for (k = 0; k < nsides; k++)
			if (j->s[k].n < 3) {
				untestable(v,
					   xasprintf("%zu sample(s) of %s: "
						     "too few for a CI",
						     j->s[k].n, c->m.metric));
				return 0;
			}
	return 1;

out_facts:
	free(fv[0]);
	free(fv[1]);
	return 0;
}

size_t tl_verdict_eval(const struct tl_claimset *cs, json_t *const *runs,
		       size_t nruns, const struct tl_verdict_opts *o,
		       struct tl_verdict *out)
{
	struct tl_verdict_opts def = TL_VERDICT_OPTS_INIT, wide;
	struct tl__verdict_job *jobs = xcalloc(cs->nclaims + 1, sizeof(*jobs));
	size_t *fam = xcalloc(cs->nclaims + 1, sizeof(*fam));
	double *p = xcalloc(cs->nclaims + 1, sizeof(*p));
	size_t i, k, m = 0;

	if (!o)
		o = &def;
	for (i = 0; i < cs->nclaims; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].kind = TL_VERDICT_INCONCLUSIVE;
		out[i].p = 1;
		out[i].p_adj = 1;
		jobs[i].c = &cs->claims[i];
		jobs[i].v = &out[i];
		if (tl__verdict_gather(cs, &jobs[i], runs, nruns)) {
			fam[m++] = i;
			out[i].in_family = 1;
		}
	}
	/*
	 * The widest interval asked for sits at alpha / (2 m) in each tail;
	 * the bootstrap resolves a tail only with some 10 resamples beyond
	 * it, so the default count grows with the table.
	 */
	if (!o->resamples) {
		double want = ceil(20.0 * (double)(m ? m : 1) / o->alpha);

		wide = *o;
		wide.resamples = (size_t)fmin(
			50000, fmax(TL_STATS_BOOT_RESAMPLES, want));
		o = &wide;
	}
	for (k = 0; k < m; k++)
		p[k] = tl__verdict_smallest_alpha(&jobs[fam[k]], o);
	if (o->adjust == TL_ADJUST_HOLM) {
		double *adj = xcalloc(m + 1, sizeof(*adj));
		size_t *order = xcalloc(m + 1, sizeof(*order));

		tl_stats_holm(p, m, adj);
		/* The rank of each p gives its Holm level alpha / (m - r). */
		for (k = 0; k < m; k++) {
			size_t r = 0, q;

			for (q = 0; q < m; q++)
				if (p[q] < p[k] || (p[q] == p[k] && q < k))
					r++;
			order[k] = r;
		}
		for (k = 0; k < m; k++) {
			struct tl__verdict_job *j = &jobs[fam[k]];
			double a = o->alpha / (double)(m - order[k]);

			j->v->p = p[k];
			j->v->p_adj = adj[k];
			j->v->kind = tl__verdict_decide(j, a, o, &j->v->ci);
			if (adj[k] > o->alpha &&
			    j->v->kind != TL_VERDICT_INCONCLUSIVE) {
				j->v->kind = TL_VERDICT_INCONCLUSIVE;
				note(j->v, "Holm step-down stopped before "
					   "this claim");
			}
			j->v->level = 1 - a;
		}
		free(adj);
		free(order);
	} else {
		double a =
			o->adjust == TL_ADJUST_BONFERRONI
				? 1 - tl_stats_bonferroni_level(1 - o->alpha, m)
				: o->alpha;

		for (k = 0; k < m; k++) {
			struct tl__verdict_job *j = &jobs[fam[k]];

			j->v->p = p[k];
			j->v->p_adj = o->adjust == TL_ADJUST_BONFERRONI
					      ? fmin(1, p[k] * (double)m)
					      : p[k];
			j->v->kind = tl__verdict_decide(j, a, o, &j->v->ci);
			j->v->level = 1 - a;
		}
	}
	for (k = 0; k < m; k++) {
		struct tl_verdict *v = jobs[fam[k]].v;
		const struct tl_pred *pr = &cs->claims[fam[k]].p;

		if (o->anytime && o->independent)
			per_process_check(&jobs[fam[k]], o);
		if (v->kind == TL_VERDICT_INCONCLUSIVE && pr->op != TL_PRED_NE)
			v->more_factor = tl_confseq_samples_factor(
				&v->ci, pr->lo, pr->hi);
		if (o->anytime && !v->exact && !jobs[fam[k]].fallback_ci)
			v->oracle_n = tl__verdict_oracle(&jobs[fam[k]], o,
							 o->alpha / (double)m);
		if (o->anytime && v->more_factor > 1 &&
		    isfinite(v->more_factor)) {
			char *n = xasprintf(
				"undecided where sampling stopped (its budget, "
				"or out of reach of it): about %.0fx the "
				"samples would decide it",
				ceil(v->more_factor));

			note(v, n);
			free(n);
		} else if (o->anytime && isinf(v->more_factor)) {
			char *n = open_note(&jobs[fam[k]], o);

			note(v, n);
			free(n);
		}
		if (jobs[fam[k]].fallback_ci)
			v->level = 0.95;
		v->has_ci = 1;
		if (v->kind == TL_VERDICT_HOLDS &&
		    cs->claims[fam[k]].p.op == TL_PRED_EQUIVALENT &&
		    !v->exact && !jobs[fam[k]].fallback_ci)
			v->level = 1 - 2 * (1 - v->level);
	}
	for (i = 0; i < cs->nclaims; i++)
		tl__verdict_job_release(&jobs[i]);
	free(jobs);
	free(fam);
	free(p);
	return m;
}

int tl__verdict_sides(const struct tl_claim *c)
{
	return c->m.kind == TL_MEASURE_RATIO || c->m.kind == TL_MEASURE_DIFF
		       ? 2
		       : 1;
}

size_t tl_verdict_family_size(const struct tl_claimset *cs)
{
	size_t i, m = 0;

	for (i = 0; i < cs->nclaims; i++)
		if (cs->claims[i].m.metric && !cs->claims[i].unresolved)
			m++;
	return m;
}

void tl_verdict_release(struct tl_verdict *v)
{
	if (!v)
		return;
	FREE_AND_NULL(v->reason);
	FREE_AND_NULL(v->notes);
	FREE_AND_NULL(v->fact);
	FREE_AND_NULL(v->source);
}

void tl_verdict_count(const struct tl_verdict *v, size_t n, size_t *counts)
{
	size_t i;

	memset(counts, 0, TL_VERDICT_COUNT_ * sizeof(*counts));
	for (i = 0; i < n; i++)
		counts[v[i].kind]++;
}

json_t *tl_verdict_side(json_t *const *runs, size_t nruns, const char *exp,
			const struct tl_side *s, json_t **case_out, char **why)
{
	return tl__verdict_find_variant(runs, nruns, exp, s, case_out, why);
}
