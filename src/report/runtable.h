/*
 * runtable.h - a run's results as terminal tables, printed as the run
 * goes: one table per case (status, time with its 95% CI, peak RSS, the
 * A/A noise floor), the counting phase's figures under it, and the run's
 * noise floor at the end.
 *
 *     alloc size=64  (262144 ops/sample)
 *       variant                status              ns/op  95% CI ...
 *       c.glibc                ok                13.2 ns  [13.1 ns, 13.4 ns]
 *
 * Reads only the results JSON (docs/results-json.md); writes to stdout.
 * Not thread-safe (stdout).
 */
#ifndef TL_RUNTABLE_H
#define TL_RUNTABLE_H

#include <jansson.h>

/* The tables of one case: exp is the experiment's object, cs the case's. */
void tl_runtable_print_case(const json_t *exp, const json_t *cs);

/* The run's A/A noise floor line, when the results have one. */
void tl_runtable_print_noise(const json_t *results);

#endif
