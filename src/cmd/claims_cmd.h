/*
 * claims_cmd.h - what the two files of `traplab claims` share: its options,
 * and the runs it makes (claims_run.c). Not for other commands.
 */
#ifndef TL_CLAIMS_CMD_H
#define TL_CLAIMS_CMD_H

#include <jansson.h>
#include <stddef.h>

#include "analyze/claims.h"
#include "analyze/verdict.h"
#include "base/util.h"

#define DEFAULT_CLAIMS "claims/zig-go-traps.yaml"
#define DEFAULT_HTML   "results/report.html"
#define DEFAULT_MD     "results/verdicts.md"
#define DEFAULT_JSON   "results/verdicts.json"
#define CLAIMS_RUN     "results/claims-run.json"

struct claims_args {
	const char *file, *md, *html, *json, *counters;
	const char *junit, *csv, *outdir; /* NULL: not written */
	int github;	   /* annotations on stdout, $GITHUB_STEP_SUMMARY */
	const char *chaos; /* interference kind for --chaos, or NULL */
	struct tl_strv results;
	struct tl_strv toolchains;    /* --toolchains LANG=V1,V2 specs */
	struct tl_strv only;	      /* --only ID or glob, one per entry */
	const char *const *run_tools; /* the releases of the pass that runs */
	struct tl_verdict_opts vo;
	int quick, check;
	int repeat; /* --repeat N: N passes tallied (0: one, no tally) */
};

/* Writes data to path (making its folder); 0 or -errno, said once. */
int tl__cmd_claims_write(const char *path, const char *data, size_t len);

/*
 * --repeat: N passes of the claims, tallied (flips, counts) into
 * STEM claims-repeat.json. 0 or an exit status.
 */
int tl__cmd_claims_repeat(const struct claims_args *a, const char *root,
			  const struct tl_claimset *cs,
			  const struct tl_registry *reg, const char *run_path,
			  const char *stem);

/* The last part of path. */
const char *tl__cmd_claims_base_name(const char *path);

/*
 * Runs what the claims need into out_path (under interference when not
 * NULL) and stores it in the history; 0 or an exit status.
 */
int tl__cmd_claims_run(const struct claims_args *a, const char *root,
		       const struct tl_claimset *cs,
		       const struct tl_registry *reg, const char *out_path,
		       const char *interfere);

/* One pass per --toolchains release; 0, 1 a pass failed, 2 bad spec. */
int tl__cmd_claims_toolchains(struct claims_args *a, const char *root,
			      const struct tl_claimset *cs,
			      const struct tl_registry *reg, const char *stem);

/* The claims whose verdict changes between the passes, into out. */
size_t tl__cmd_claims_tc_dependent(const struct tl_claimset *cs,
				   struct tl_verdict *const *vm,
				   const char *const *fps, size_t n,
				   size_t *out);

/* 1 when run was sampled until decided (anytime-valid intervals). */
int tl__cmd_claims_is_sequential(json_t *run);

#endif
