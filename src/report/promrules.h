/*
 * promrules.h - Prometheus rules from a service SLO: recording rules for
 * the SLIs and multi-window, multi-burn-rate alerts (`traplab slo rules`).
 *
 * The alert windows are the SRE workbook's (chapter 5, "Alerting on
 * SLOs", table 5-8) for a 30-day period, as Sloth ships them
 * (internal/alert/windows/google-30d.yaml): page when 2% of the budget
 * goes in 1h (5m short window, burn 14.4x) or 5% in 6h (30m, 6x); ticket
 * when 10% goes in 1d (2h, 3x) or in 3d (6h, 1x). For another period the
 * windows scale with it (period/30d) and the share of budget stays, so
 * the burn factors stay the same; `--window` shortens a period for tests.
 */
#ifndef TL_PROMRULES_H
#define TL_PROMRULES_H

#include "analyze/svcslo.h"
#include "base/util.h"

/* One burn-rate alert window pair, scaled to a period. */
struct tl_burn_window {
	const char *severity; /* "page" or "ticket" */
	double budget_share;  /* of the period's budget, 0.02 */
	double long_s, short_s;
	double factor; /* burn rate that spends budget_share in long_s */
};

#define TL_BURN_WINDOWS 4

/* The four window pairs for a period of period_s seconds. */
void tl_burn_windows(double period_s, struct tl_burn_window w[TL_BURN_WINDOWS]);

/*
 * Appends the rule file (YAML, `groups:`) for slo to out, with the SLO
 * period period_s (0: the file's). Thread-safe.
 */
void tl_promrules_write(const struct tl_svc_slo *slo, double period_s,
			struct tl_buf *out);

/* The alert name of objective o ("RiskDecisionApiLatency"), owned. */
char *tl_promrules_alert_base(const struct tl_svc_slo *slo,
			      const struct tl_svc_objective *o);

#endif
