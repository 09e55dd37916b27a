/*
 * verdict.h - from a claim set and one or more results JSON documents
 * (docs/results-json.md), the verdict of every claim: HOLDS, REFUTED,
 * INCONCLUSIVE or UNTESTABLE with the reason.
 *
 * Pure functions: no I/O, no clock, no global state. The same claims and
 * the same results give the same verdicts bit for bit (seeded bootstrap).
 *
 * Rules (claims/README.md has the long form):
 * - A numeric claim is judged on the bootstrap CI of its measure,
 *   recomputed from the raw samples at the family-adjusted level: HOLDS
 *   when the CI lies inside the claimed region, REFUTED when it lies wholly
 *   outside, INCONCLUSIVE otherwise.
 * - `equivalent` claims use TOST: HOLDS only when the (1 - 2 alpha') CI
 *   lies inside center +- margin; REFUTED when the (1 - alpha') CI lies
 *   wholly outside it. Finding no difference is never enough.
 * - The numeric claims that reach a CI form one family of m tests. Holm
 *   (default): each claim's p is the smallest alpha' at which its CI
 *   decides; the Holm-adjusted p must be <= alpha. Bonferroni: every CI at
 *   1 - alpha / m. Facts are not sampled and are outside the family.
 * - A figure from simulated counters (source "sim") is marked so.
 */
#ifndef TL_VERDICT_H
#define TL_VERDICT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/claims.h"
#include "base/stats.h"

#define TL_VERDICT_KINDS(X)                                                    \
	X(HOLDS, "HOLDS")                                                      \
	X(REFUTED, "REFUTED")                                                  \
	X(INCONCLUSIVE, "INCONCLUSIVE")                                        \
	X(UNTESTABLE, "UNTESTABLE")

enum tl_verdict_kind {
#define X(id, name) TL_VERDICT_##id,
	TL_VERDICT_KINDS(X)
#undef X
		TL_VERDICT_COUNT_
};

#define TL_ADJUSTS(X)                                                          \
	X(HOLM, "holm")                                                        \
	X(BONFERRONI, "bonferroni")                                            \
	X(NONE, "none")

enum tl_adjust {
#define X(id, name) TL_ADJUST_##id,
	TL_ADJUSTS(X)
#undef X
		TL_ADJUST_COUNT_
};

struct tl_verdict_opts {
	double alpha; /* family-wise error rate, 0.05 */
	enum tl_adjust adjust;
	size_t resamples; /* bootstrap resamples, 0 = stats default */
	uint64_t seed;	  /* 0 = TL_STATS_BOOT_SEED */
	/*
	 * Anytime-valid intervals (confidence sequences, base/confseq.h)
	 * instead of the bootstrap: required when the samples were drawn
	 * until the verdict was decided (sequential sampling), since a
	 * fixed-n interval looked at after every batch errs far more often
	 * than alpha.
	 */
	int anytime;
	/*
	 * Anytime intervals that take every sample as independent
	 * (claims --independent). By default a workload process's values
	 * count as the cluster they are (base/confseq.h: the design
	 * effect), which stays valid when processes differ (a host
	 * neighbour, a memory layout); counted independent, the A/A
	 * streams of test_confseq erred in 66% instead of 1%.
	 */
	int independent;
	/*
	 * Each process one unit (claims --strict, base/confseq.h
	 * TL_CONFSEQ_PROCESSES): intervals that hold whatever the
	 * processes' differences, for 1.3 to 4 times the processes.
	 */
	int strict;
};

#define TL_VERDICT_OPTS_INIT                                                   \
	{                                                                      \
		0.05, TL_ADJUST_HOLM, 0, 0, 0, 0, 0                            \
	}

struct tl_verdict {
	enum tl_verdict_kind kind;
	char *reason; /* UNTESTABLE: why (one line); NULL otherwise */
	char *notes;  /* caveats ("rests on simulated counters"), or NULL */
	int has_ci;   /* ci and level are set */
	struct tl_ci ci;
	double level;  /* confidence of ci after adjustment */
	double p;      /* smallest alpha at which the CI decides (1: never) */
	double p_adj;  /* after Holm or Bonferroni */
	int in_family; /* counted among the m adjusted tests */
	int exact;     /* no sampling noise (simulated or counted) */
	int simulated; /* rests on simulated counters */
	size_t n[2];   /* samples behind each side */
	char *fact;    /* a fact claim: the measured value */
	char *source;  /* metric source ("time", "sim", ...) */
	/*
	 * INCONCLUSIVE with an interval: about how many times the samples
	 * would decide it (base/confseq.h tl_confseq_samples_factor; INFINITY
	 * when the point sits on the bound). 0 otherwise.
	 */
	double more_factor;
	/*
	 * Anytime runs: the oracle bound, the fewest samples per side a
	 * fixed-n interval at alpha / m would have decided with at the noise
	 * of these samples (base/confseq.h tl_confseq_oracle_n); 0 when none
	 * would, or when not computed.
	 */
	size_t oracle_n;
};

const char *tl_verdict_name(enum tl_verdict_kind k);
/*
 * How the intervals of a table judged with o were drawn (the verdicts
 * JSON's "interval", the reports' method): the bootstrap, or a
 * confidence sequence per process, on samples taken as independent, or
 * with each process one unit.
 */
const char *tl_verdict_interval_name(const struct tl_verdict_opts *o);
/* What the verdict means, in one sentence (legends, help). */
const char *tl_verdict_meaning(enum tl_verdict_kind k);
const char *tl_adjust_name(enum tl_adjust a);
/* 0, or -EINVAL for an unknown name. */
int tl_adjust_parse(const char *s, enum tl_adjust *out);

/*
 * Judges every claim of cs against runs[0..nruns) (a measure is looked up
 * in each run in turn; the first run holding its case wins; the machine is
 * runs[0]'s "env"). out has cs->nclaims entries, initialised here; release
 * each with tl_verdict_release(). Returns the number of numeric claims in
 * the family (m). Borrows everything.
 */
size_t tl_verdict_eval(const struct tl_claimset *cs, json_t *const *runs,
		       size_t nruns, const struct tl_verdict_opts *o,
		       struct tl_verdict *out);

void tl_verdict_release(struct tl_verdict *v);

/*
 * The sequential stop rule. Judges, in runs[0..nruns), every numeric
 * claim one of whose sides reads case cs of experiment exp (a case object
 * of that experiment in the runs), each at the per-claim error alpha / m,
 * m the claims in play (tl_verdict_in_play, fixed for the experiment, so
 * the final Holm pass decides at least what this rule saw decided).
 * need[i] is a set of bits for variant i of the case's "variants" array
 * (measure/runner.h): TL_NEED_MORE when a still-open claim that has
 * values enough reads it, TL_NEED_SHORT when an open claim reads it with
 * fewer values than the first exact look of its sequence at alpha / m
 * (tl_confseq_first_look; past the sampler's minimum, a figure taken
 * once per process: its rounds may go past their budget to reach the
 * first exact look, and need only one short process each when no other
 * claim is open on it), TL_NEED_READ when any claim reads it, decided or
 * not (a claim with too few values for an interval is neither open nor
 * decided); 0 when no claim reads it. A claim out of reach of
 * case_json's "budget_rounds" (its interval would need more than three
 * times those rounds) is not open. need has that many entries, set to 0
 * here. Returns the number of open claims on the case. Borrows all.
 */
size_t tl_verdict_open(const struct tl_claimset *cs, json_t *const *runs,
		       size_t nruns, const struct tl_verdict_opts *o, size_t m,
		       const char *exp, json_t *case_json, unsigned char *need);

/*
 * The claims still in play when experiment exp is sampled, the count the
 * sequential rule divides alpha by: of the m numeric claims of the table,
 * less those a machine need leaves untestable (no PMU, one NUMA node: the
 * final pass leaves them out of Holm's family) and those of other
 * experiments the runs already decide, each at the level its experiment
 * was sampled at (alpha over done_in_play[k] for done_exps->v[k], alpha /
 * m for an experiment not listed; done_exps may be NULL). Holm's
 * step-down, which the final pass applies, then grants each claim still
 * in play about alpha over this count: the decided ones come first in its
 * order, each within its level (alpha recycled, as in a sequential Holm
 * procedure). The experiment's own claims are not counted, so the level a
 * claim is sampled at does not depend on its own values; a claim left
 * undecided whose p falls between decided ones can still stop Holm's
 * step-down in the final pass (INCONCLUSIVE there), never make it decide
 * more than alpha allows. With another adjustment than Holm, m itself.
 * At least 1. Borrows all.
 */
size_t tl_verdict_in_play(const struct tl_claimset *cs, json_t *const *runs,
			  size_t nruns, const struct tl_verdict_opts *o,
			  size_t m, const char *exp,
			  const struct tl_strv *done_exps,
			  const size_t *done_in_play);

/*
 * The numeric claims of cs that reach an interval (the m the sequential
 * rule divides alpha by): those with a metric and no unresolved name.
 */
size_t tl_verdict_family_size(const struct tl_claimset *cs);

/* "12.3 ns [11.9, 12.8]" or the fact, or "-". */
void tl_verdict_fmt_measured(struct tl_buf *b, const struct tl_claim *c,
			     const struct tl_verdict *v);

/* Counts per kind into counts[TL_VERDICT_COUNT_]. */
void tl_verdict_count(const struct tl_verdict *v, size_t n, size_t *counts);

/*
 * The verdicts as a JSON document (schema "traplab.verdicts/1"); a new
 * reference owned by the caller. env may be NULL.
 */
json_t *tl_verdict_json(const struct tl_claimset *cs,
			const struct tl_verdict *v, const struct tl_strv *runs,
			const struct tl_verdict_opts *o, size_t m, json_t *env);

/*
 * The variant object of the runs that side s of a measure of experiment
 * exp is judged on (the first run holding the case; the last matching
 * case), and its case in *case_out (may be NULL). NULL with *why (owned)
 * when the runs do not hold it. Borrowed from runs.
 */
json_t *tl_verdict_side(json_t *const *runs, size_t nruns, const char *exp,
			const struct tl_side *s, json_t **case_out, char **why);

#endif
