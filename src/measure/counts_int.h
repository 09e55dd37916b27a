/*
 * counts_int.h - what counts.c shares with countsim.c (private to the
 * counts module; forward declarations only, see docs/ARCHITECTURE.md).
 */
#ifndef TL_COUNTS_INT_H
#define TL_COUNTS_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/proc.h"

struct tl_counts_req;
struct tl_diff;
struct tl_diff_tol;
struct tl_strv;

/* A measurement's batches: 1, 2 and 3 times OPS. */
#define TL_COUNTS_POINTS 3

/*
 * Runs argv with the request's environment in wd (NULL: rq->workdir,
 * else wd is also its TL_WORKDIR); 0 when it exited 0, else why.
 */
int tl__counts_run_in(const struct tl_counts_req *rq, const char *wd,
		      struct tl_strv *argv, const char *const *extra_env,
		      tl_proc_spawn_fn *hook, void *hook_ctx, char *why,
		      size_t whyn);
/* BIN VARIANT OPS 1 params: one batch of ops operations, onto a. */
void tl__counts_workload_argv(const struct tl_counts_req *rq, struct tl_strv *a,
			      const char *bin, uint64_t ops);
/* Per-op value of y over x (TL_COUNTS_POINTS each) by differencing. */
int tl__counts_per_op(const double *x, const double *y,
		      const struct tl_diff_tol *tol, struct tl_diff *d);
/* Metric name of n per-op values into metrics, with how it was counted. */
void tl__counts_put(json_t *metrics, const char *name, const double *v,
		    size_t n, const char *source, const struct tl_diff *d,
		    int exact, const char *flag);

#endif
