/*
 * evidence.h - what a verdict rests on, gathered from a saved run: the
 * samples of every side of the measure, the case and build they came
 * from, the toolchains, the claimed band placed on the samples' axis, and
 * what it would take to decide (INCONCLUSIVE) or to test (UNTESTABLE).
 *
 * Pure functions over the results JSON (docs/results-json.md): no I/O. The
 * report layer draws it (report/evidence.h); `traplab explain` prints it.
 */
#ifndef TL_EVIDENCE_H
#define TL_EVIDENCE_H

#include <jansson.h>
#include <stddef.h>

#include "analyze/claims.h"
#include "base/util.h"
#include "analyze/verdict.h"

/* One side of a measure as the run holds it. */
struct tl_evidence_side {
	char *variant; /* "c.stack" */
	char *params;  /* the case taken: "size=4096" (owned) */
	char *status;  /* "ok", "skipped", ...; NULL when not in the run */
	char *why;     /* not usable: why (owned), else NULL */
	double *x;     /* the metric's samples (owned), n of them */
	size_t n;
	double median; /* the run's median (NAN when absent) */
	char *source;  /* "time", "sim", "workload", ... */
	int exact;     /* counted or simulated: no spread */
	char *fact;    /* a fact measure: the value */
	char *build;   /* "x86-64 (cc default), 16 KB binary" or NULL */
	long long ops; /* ops per sample, 0 unknown */
};

struct tl_evidence {
	size_t nsides;
	struct tl_evidence_side side[2];
	/*
	 * The claimed region on the sides' axis: a value measure's region
	 * itself; a diff's shifted by side 1's median; a ratio's scaled by
	 * it. Open ends are +-INFINITY. has_band is 0 for facts.
	 */
	int has_band;
	double band_lo, band_hi;
	char *toolchains; /* "cc gcc 12.2.0, go go1.26.8, ..." (owned) */
	char *machine;	  /* "AMD EPYC ..., 2 CPUs, VM, no PMU" (owned) */
	char *conditions; /* the run's options: quick, counters, pin... */
};

/*
 * Gathers the evidence of claim c from runs[0..nruns) (the machine is
 * runs[0]'s). ev is initialised here; release it with
 * tl_evidence_release(). Sides the run does not hold are kept with `why`.
 */
void tl_evidence_gather(const struct tl_claim *c, json_t *const *runs,
			size_t nruns, struct tl_evidence *ev);

void tl_evidence_release(struct tl_evidence *ev);

/*
 * Appends the toolchains of a run's env to b: "cc gcc 12.2.0, go absent,
 * valgrind 3.19.0" (a value that repeats its key, as runs before the
 * compiler's family was recorded have it, "cc cc 12.2.0", is said once).
 * Appends nothing when env names none.
 */
void tl_evidence_toolchains(struct tl_buf *b, json_t *env);

/*
 * INCONCLUSIVE: about how many samples per side would likely decide the
 * verdict, from the CI's half-width and the distance of the estimate to
 * the nearest bound (half-width shrinks as 1/sqrt(n)). Returns 0 when the
 * verdict is decided, INFINITY when the estimate sits on a bound (no
 * sample count will likely decide), -1 when there is no CI.
 */
double tl_evidence_samples_to_decide(const struct tl_claim *c,
				     const struct tl_verdict *v);

/*
 * UNTESTABLE: what machine or toolchain would make the claim testable,
 * from its reason (a static string), or NULL when the reason names a
 * problem of the run rather than of the machine.
 */
const char *tl_evidence_testable_on(const char *reason);

#endif
