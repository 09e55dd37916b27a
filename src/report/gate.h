/*
 * gate.h - claim verdicts as CI gate cases and CSV rows (export.h writes
 * them as JUnit, CSV, GitHub annotations and a job summary).
 *
 * A claim fails the gate when its verdict differs from the claim's
 * `expect:` (when the claim file gives one), else when it is REFUTED.
 * UNTESTABLE is "skipped" (this machine cannot decide it; the reason is
 * the message); HOLDS and INCONCLUSIVE pass unless an expectation says
 * otherwise.
 */
#ifndef TL_GATE_H
#define TL_GATE_H

#include <stddef.h>

#include "analyze/claims.h"
#include "analyze/verdict.h"
#include "report/export.h"

/*
 * Fills cases[0..cs->nclaims) from the verdicts v. Strings the cases
 * point to are kept in own (release it after the cases). Returns 0, or
 * -EINVAL when an `expect:` is not a verdict name (err: FILE:LINE:COL:
 * with a did-you-mean); the cases are filled all the same.
 */
int tl_gate_claims(const struct tl_claimset *cs, const struct tl_verdict *v,
		   struct tl_case *cases, struct tl_strv *own,
		   struct tl_buf *err);

/*
 * The verdicts as CSV with a header row: id, section, verdict, expect,
 * gate, measured (for people), value, ci_lo, ci_hi, ci_level, unit (the
 * base unit of value and the CI), claimed, quantity, samples, reason,
 * notes. Absent numbers are empty cells, never 0 or nan.
 */
void tl_gate_claims_csv(struct tl_buf *out, const struct tl_claimset *cs,
			const struct tl_verdict *v);

#endif
