/*
 * run_int.h - what the files of the run engine share (runner.c the
 * engine, runsched.c the sampling schedule, runproc.c one process,
 * runcount.c the counting phase, runjson.c a variant's results JSON,
 * prebuild.c the builds). Not a contract for anything outside measure/run*.
 *
 * One struct ctx lives for one tl_run_experiments call; one struct vrun
 * per variant lives for one case. Nothing here is thread-safe except
 * what the file says (prebuild and the simulated counts run on threads
 * that touch only their own job).
 */
#ifndef TL_RUN_INT_H
#define TL_RUN_INT_H

#include <jansson.h>
#include <stdint.h>
#include <sys/resource.h>

#include "machine/env.h"
#include "base/proc.h"
#include "measure/proto.h"
#include "measure/registry.h"
#include "measure/build.h"
#include "base/util.h"
#include "base/vec.h"

/* runner.h's; declared here so that runner.c and this header form no cycle. */
struct tl_run_opts;

struct named {
	char *name;
	struct tl_dvec d;
	struct tl_dvec round; /* the round of each of d's values */
};

/* The rusage figures kept per process, as an X-macro. */
#define RU_METRICS(X)                                                          \
	X(peak_rss_bytes, (double)ru->ru_maxrss * 1024.0)                      \
	X(minor_faults, (double)ru->ru_minflt)                                 \
	X(major_faults, (double)ru->ru_majflt)                                 \
	X(voluntary_ctxsw, (double)ru->ru_nvcsw)                               \
	X(involuntary_ctxsw, (double)ru->ru_nivcsw)                            \
	X(user_ns, (double)ru->ru_utime.tv_sec * 1e9 +                         \
			   (double)ru->ru_utime.tv_usec * 1e3)                 \
	X(sys_ns, (double)ru->ru_stime.tv_sec * 1e9 +                          \
			  (double)ru->ru_stime.tv_usec * 1e3)

enum ru_id {
#define X(name, expr) RU_##name,
	RU_METRICS(X)
#undef X
		RU_N
};

/* One variant within one case. */
struct vrun {
	const struct tl_variant *v;
	const struct tl_build_result *build; /* borrowed from the experiment */
	struct tl_dvec nsop;	 /* per sample, all rounds (loop kind) */
	struct tl_dvec wall;	 /* per process (process kind) */
	struct tl_dvec ru[RU_N]; /* per process */
	struct tl_dvec round_of; /* round index of each nsop sample */
	struct named *wm;	 /* workload metrics */
	size_t nwm, cap_wm;
	struct tl_strv fact_names, fact_vals;
	struct tl_strv errors;
	int nok, nfail;
	char *fail_status; /* status word of the first failure */
	char *fail_reason;
	double est_nsop;  /* from calibration */
	uint64_t ops;	  /* OPS per sample in the timed rounds */
	int facts_only;	  /* a probe: facts, no samples */
	int probe_cached; /* its facts came from .cache/probes */
	json_t *counted;  /* metrics from the counting phase */
	json_t *absent;	  /* metric -> reason */
};

struct ctx {
	const struct tl_run_opts *o;
	struct tl_env env;
	struct tl_registry reg;
	uint64_t seed;
	double target_ns; /* minimum sample duration */
	int is_tty;
	int step, nsteps;
	const char *cur_exp;		   /* the experiment being run */
	const struct tl_experiment *cur_e; /* the same */
	struct tl_build_result **pre;	   /* prebuilt[exp][variant], or NULL */
	unsigned nproc; /* processes started, for unique work folders */
	char *workroot;
	json_t *root;
	json_t *exps;
	struct tl_dvec mdes;
	int case_budget;     /* sequential: the last case's budget in rounds */
	int parallel_rounds; /* the case's rounds set up side by side */
	int looking; /* building a case for a look: no bootstrap, no A/A */
};

/* runner.c: the progress line on stderr (a TTY: one line rewritten). */
void tl__run_progress(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tl__run_progress_done(struct ctx *c);

/* runproc.c: one process. */

/* The environment every workload gets, plus the variant's own. */
void tl__run_workload_env(struct ctx *c, const struct tl_variant *v,
			  const char *workdir, struct tl_strv *env);
/*
 * Runs one workload process: argv is complete. With parse, its stdout is
 * parsed into *p (caller releases); *pr is the caller's to release.
 * Returns 0 when the process ran and produced valid protocol output,
 * else records the failure on vr and returns -1.
 */
int tl__run_process(struct ctx *c, struct vrun *vr, struct tl_strv *argv,
		    int parse, struct tl_proto *p, struct tl_proc_result *pr,
		    double timeout_s);
/*
 * Starts a process-kind workload `starts` times back to back from one
 * launcher (argv complete; cold: evicted before each start): each
 * start's end, wall time and rusage are in pr->starts (caller releases
 * pr); a start that failed is recorded on vr. Returns 0 when the batch
 * ran, 1 when batches are not possible here (no launcher: start them one
 * by one), -1 when the batch failed (recorded on vr).
 */
int tl__run_starts(struct ctx *c, struct vrun *vr, struct tl_strv *argv,
		   int starts, int cold, struct tl_proc_result *pr,
		   double timeout_s);
/*
 * One process of a round whose processes set up side by side
 * (parallel_setup): argv complete; out: ret as tl__run_process's, p and
 * pr the caller's to release.
 */
struct tl__gated {
	struct vrun *vr;
	struct tl_strv argv;
	double timeout_s;
	struct tl_proto p;
	struct tl_proc_result pr;
	int ret;
};
/*
 * Runs the n processes at once up to their gate (tlw_gate: their untimed
 * set-up done), then lets them through one at a time in order, each to
 * its end, so that no timed batch runs beside anything of the round's.
 * A process that ends with samples without having waited is a failure
 * (recorded). Returns 0, or -errno when no gate could be made (nothing
 * ran: the caller runs them one by one).
 */
int tl__run_gated(struct ctx *c, struct tl__gated *g, size_t n);
/* Records a failed process: status word, reason and stderr's last lines. */
void tl__run_record_failure(struct vrun *vr, const char *status,
			    const char *reason, const char *stderr_tail);
/*
 * Adds a value of workload metric name (created on first use) from round
 * r: a process's values share its round, so that the verdicts count them
 * as one cluster, as they do its ns/op samples.
 */
void tl__run_wm_push(struct vrun *vr, const char *name, double value, int r);
void tl__run_keep_rusage(struct vrun *vr, const struct rusage *ru);
/* The variant's timeout, else the experiment's. */
double tl__run_timeout(const struct tl_experiment *e,
		       const struct tl_variant *v);
/* BIN VARIANT OPS SAMPLES params... */
void tl__run_loop_argv(struct tl_strv *argv, const struct vrun *vr,
		       uint64_t ops, int samples,
		       const struct tl_strv *cparams);
/* Adds the facts p reported that vr does not have yet. */
void tl__run_add_facts(struct vrun *vr, const struct tl_proto *p);

/*
 * runsched.c: sizes and runs the timed rounds of one case over its nv
 * variants; says the rounds and samples per round (and the loop kind's
 * shared OPS) it used.
 */
void tl__run_loop_case(struct ctx *c, const struct tl_experiment *e,
		       struct vrun *vrs, size_t nv,
		       const struct tl_strv *cparams, const char *label,
		       uint64_t *ops_out, int *rounds_out, int *spr_out);
void tl__run_process_case(struct ctx *c, const struct tl_experiment *e,
			  struct vrun *vrs, size_t nv,
			  const struct tl_strv *cparams, const char *label,
			  int cold, int *rounds_out, int *spr_out);

/*
 * runner.c: the sequential rule (c->o->more) on the case so far; fills
 * need[0..nv) and returns the number of open claims.
 */
size_t tl__run_more(struct ctx *c, struct vrun *vrs, size_t nv,
		    const struct tl_strv *cparams, unsigned char *need);

/* runcount.c: whether the run counts v (--counters, count_only). */
int tl__run_wants_counts(struct ctx *c, const struct tl_experiment *e,
			 const struct tl_variant *v);
/* runcount.c: the counting phase of one case (counted into vrs[i]). */
void tl__run_count_case(struct ctx *c, const struct tl_experiment *e,
			struct vrun *vrs, const struct tl_build_result *builds,
			const struct tl_strv *cparams, const char *label,
			uint64_t ops, const struct tl_build_opts *bo);

/* runjson.c: a variant's results JSON (new reference); frees a vrun. */
json_t *tl__run_variant_json(struct ctx *c, const struct tl_experiment *e,
			     struct vrun *vr);
void tl__run_vrun_release(struct vrun *vr);

/* prebuild.c: NULL when the variant is to be built, else why not. */
const char *tl__run_skip_reason(struct ctx *c, const struct tl_experiment *e,
				const struct tl_variant *v);
/* Builds every variant of todo into c->pre, on up to 4 threads. */
void tl__run_prebuild(struct ctx *c, const struct tl_experiment **todo,
		      size_t ntodo);

#endif
