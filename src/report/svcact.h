/*
 * svcact.h - the "act" step of the article's loop: on a violated service
 * SLO, run the command the SLO file names or POST the violation to its
 * webhook, with the evidence (the check's JSON: every objective's
 * outcome, figure, threshold, SLI, burn rates and PromQL).
 *
 * The command runs as `/bin/sh -c COMMAND` with a 30 s timeout and
 * TRAPLAB_SLO_SERVICE, TRAPLAB_SLO_NAME, TRAPLAB_SLO_OBJECTIVE (the failed
 * objectives, comma-separated) and TRAPLAB_SLO_EVIDENCE (a file holding
 * the JSON, removed afterwards) in its environment. The webhook gets the
 * same JSON as an application/json POST with a 10 s deadline.
 */
#ifndef TL_SVCACT_H
#define TL_SVCACT_H

#include <jansson.h>
#include <stdio.h>

#include "analyze/svcslo.h"
#include "base/util.h"

/*
 * Runs every action slo names with evidence (the report JSON). Says what
 * it did on log. 0 when each action succeeded (exit 0, 2xx), -EIO when
 * one failed (err says which and how), 0 with nothing done when the file
 * names no action. Not thread-safe (runs a child process).
 */
int tl_svc_act(const struct tl_svc_slo *slo, json_t *evidence, FILE *log,
	       struct tl_buf *err);

#endif
