/*
 * counts.c - per-operation counts by differencing (see counts.h).
 *
 * Each measurement runs one batch of 1, 2 and 3 times the timing phase's
 * OPS (the batch count stays fixed, so the per-batch cost of reading the
 * clock and printing a line cancels with start-up). The per-operation
 * figure is (c2 - c1) / (N2 - N1); the third point checks linearity with
 * the tolerances of diffcount.h, and a figure past them is flagged
 * "non_linear". Hardware and software counts are repeated (they move run
 * to run) and summarised with a bootstrap CI over the repetitions; the
 * simulation (countsim.c) is exact for C and Zig, and repeated and
 * checked for Go (tl_sim_policy).
 */
#include "measure/counts.h"
#include "measure/counts_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine/counters.h"
#include "base/diffcount.h"
#include "base/os.h"
#include "base/proc.h"
#include "machine/sim.h"
#include "base/stats.h"
#include "measure/summary.h"

#include "base/banned.h"

#define POINTS	 TL_COUNTS_POINTS
#define PMU_REPS 3

static const char *const counters_mode_names[] = {"off", "auto", "pmu", "sim",
						  "sw"};

int tl_counters_mode_parse(const char *s, enum tl_counters_mode *out)
{
	for (int i = 0; i < 5; i++)
		if (strcmp(s, counters_mode_names[i]) == 0) {
			*out = (enum tl_counters_mode)i;
			return 0;
		}
	return -EINVAL;
}

const char *tl_counters_mode_name(enum tl_counters_mode m)
{
	return (unsigned)m < 5 ? counters_mode_names[m] : "?";
}

static int spawn_counters(pid_t pid, void *ctx)
{
	void **a = ctx;
	struct tl_counters *c = a[0];
	unsigned what = *(unsigned *)a[1];

	tl_counters_open(c, pid, what);
	return 0;
}

/*
 * Runs argv with the request's environment in wd (NULL: rq->workdir,
 * else wd is also its TL_WORKDIR); 0 when it exited 0.
 */
int tl__counts_run_in(const struct tl_counts_req *rq, const char *wd,
		      struct tl_strv *argv, const char *const *extra_env,
		      tl_proc_spawn_fn *hook, void *hook_ctx, char *why,
		      size_t whyn)
{
	struct tl_strv env = TL_STRV_INIT;
	struct tl_proc_spec spec = {0};
	struct tl_proc_result pr;
	int err = 0;

	for (size_t i = 0; i < rq->wenv->n; i++)
		if (!wd || strncmp(rq->wenv->v[i], "TL_WORKDIR=", 11))
			tl_strv_push(&env, rq->wenv->v[i]);
	if (wd)
		tl_strv_push_owned(&env, xasprintf("TL_WORKDIR=%s", wd));
	for (; extra_env && *extra_env; extra_env++)
		tl_strv_push(&env, *extra_env);
	spec.argv = tl_strv_cstr(argv);
	spec.env = tl_strv_cstr(&env);
	spec.cwd = wd ? wd : rq->workdir;
	spec.timeout_s = rq->timeout_s * 20; /* valgrind is ~50x slower */
	spec.pin_cpu = -1;
	spec.on_spawn = hook;
	spec.on_spawn_ctx = hook_ctx;
	if (tl_proc_run(&spec, &pr) != 0) {
		snprintf(why, whyn, "could not start the workload");
		err = -1;
	} else if (pr.end != TL_PROC_EXITED || pr.exit_code != 0) {
		char d[200];

		tl_proc_describe(&pr, d, sizeof(d));
		snprintf(why, whyn, "counting run %s", d);
		err = -1;
	}
	tl_proc_result_release(&pr);
	tl_strv_release(&env);
	return err;
}

static int run(const struct tl_counts_req *rq, struct tl_strv *argv,
	       const char *const *extra_env, tl_proc_spawn_fn *hook,
	       void *hook_ctx, char *why, size_t whyn)
{
	return tl__counts_run_in(rq, NULL, argv, extra_env, hook, hook_ctx, why,
				 whyn);
}

/* BIN VARIANT OPS 1 params: one batch of ops operations. */
void tl__counts_workload_argv(const struct tl_counts_req *rq, struct tl_strv *a,
			      const char *bin, uint64_t ops)
{
	tl_strv_push(a, bin);
	tl_strv_push(a, rq->variant->name);
	tl_strv_push_owned(a, xasprintf("%llu", (unsigned long long)ops));
	tl_strv_push(a, "1");
	for (size_t i = 0; i < rq->params->n; i++)
		tl_strv_push(a, rq->params->v[i]);
	for (size_t i = 0; i < rq->variant->nparams; i++)
		tl_strv_push_owned(a, xasprintf("%s=%s",
						rq->variant->params[i].key,
						rq->variant->params[i].val));
}

/* Per-op value of y over x by differencing, with the third point checked. */
/*
 * Below RESOLUTION events between the two sizes a count cannot tell a
 * per-op cost from run-to-run jitter (a page fault more or less, the
 * digits of a printed number): such a difference is 0 at this resolution.
 */
#define RESOLUTION 2.0

int tl__counts_per_op(const double *x, const double *y,
		      const struct tl_diff_tol *tol, struct tl_diff *d)
{
	int err = tl_diff_fit(x, y, POINTS, tol, d);

	if (!err && fabs(y[1] - y[0]) < RESOLUTION)
		d->per_unit = 0;
	return err;
}

void tl__counts_put(json_t *metrics, const char *name, const double *v,
		    size_t n, const char *source, const struct tl_diff *d,
		    int exact, const char *flag)
{
	json_t *m = tl_summary_metric(name, v, n, source, TL_STATS_BOOT_SEED);

	json_object_set_new(m, "method",
			    json_string("(c2 - c1) / (N2 - N1) over one batch "
					"of N = 1x, 2x, 3x OPS; the third "
					"point checks linearity; a difference "
					"under 2 events is 0"));
	if (exact)
		json_object_set_new(m, "exact", json_true());
	if (d && d->linear == 0)
		json_object_set_new(m, "flag", json_string_nocheck(d->reason));
	else if (flag)
		json_object_set_new(m, "flag", json_string(flag));
	json_object_set_new(metrics, name, m);
}

static void absent_all_hw(json_t *absent, const char *why)
{
	for (int i = 0; i < TL_COUNTER__N; i++)
		if (tl_counter_is_hw((enum tl_counter_id)i)) {
			char *k = xasprintf(
				"%s_per_op",
				tl_counter_name((enum tl_counter_id)i));

			json_object_set_new(absent, k, json_string(why));
			free(k);
		}
	json_object_set_new(absent, "ipc", json_string(why));
	json_object_set_new(absent, "branch_miss_ratio", json_string(why));
}

/* perf_event_open counts (hardware and/or software). */
static void measure_perf(const struct tl_counts_req *rq, unsigned what,
			 json_t *metrics, json_t *absent)
{
	const struct tl_diff_tol tol = TL_DIFF_TOL_PMU;
	double x[POINTS], y[TL_COUNTER__N][PMU_REPS][POINTS];
	double per[TL_COUNTER__N][PMU_REPS];
	struct tl_diff flagged[TL_COUNTER__N];
	int have[TL_COUNTER__N], reason_set[TL_COUNTER__N] = {0};
	char why[256] = "";

	for (int i = 0; i < TL_COUNTER__N; i++) {
		int hw = tl_counter_is_hw((enum tl_counter_id)i);

		have[i] = hw ? !!(what & TL_COUNTERS_HW)
			     : !!(what & TL_COUNTERS_SW);
		flagged[i].linear = 1;
	}
	for (int r = 0; r < PMU_REPS; r++)
		for (int p = 0; p < POINTS; p++) {
			struct tl_strv argv = TL_STRV_INIT;
			struct tl_counters c;
			void *hctx[2] = {&c, &what};
			uint64_t n = rq->ops * (uint64_t)(p + 1);
			int err;

			x[p] = (double)n;
			tl_counters_init(&c, &rq->env->pmu);
			tl__counts_workload_argv(rq, &argv, rq->bin, n);
			err = run(rq, &argv, NULL, spawn_counters, hctx, why,
				  sizeof(why));
			tl_strv_release(&argv);
			if (!err)
				tl_counters_read(&c);
			for (int i = 0; i < TL_COUNTER__N; i++) {
				struct tl_counter *ev = &c.ev[i];

				if (!have[i])
					continue;
				if (err || !ev->present) {
					if (!reason_set[i]) {
						char *k = xasprintf(
							"%s_per_op",
							tl_counter_name(i));

						json_object_set_new(
							absent, k,
							json_string(
								err ? why
								    : ev->reason));
						free(k);
						reason_set[i] = 1;
					}
					have[i] = 0;
					continue;
				}
				y[i][r][p] = ev->value;
			}
			tl_counters_close(&c);
		}
	for (int i = 0; i < TL_COUNTER__N; i++) {
		char *name;

		if (!have[i])
			continue;
		for (int r = 0; r < PMU_REPS; r++) {
			struct tl_diff d;

			if (tl__counts_per_op(x, y[i][r], &tol, &d) != 0) {
				have[i] = 0;
				break;
			}
			per[i][r] = d.per_unit;
			if (d.linear == 0)
				flagged[i] = d;
		}
		if (!have[i])
			continue;
		name = xasprintf("%s_per_op", tl_counter_name(i));
		tl__counts_put(metrics, name, per[i], PMU_REPS,
			       tl_counter_source(i), &flagged[i], 0, NULL);
		free(name);
	}
	if (have[TL_COUNTER_INSTRUCTIONS] && have[TL_COUNTER_CYCLES]) {
		double v[PMU_REPS];
		size_t k = 0;

		for (int r = 0; r < PMU_REPS; r++)
			if (per[TL_COUNTER_CYCLES][r] > 0)
				v[k++] = per[TL_COUNTER_INSTRUCTIONS][r] /
					 per[TL_COUNTER_CYCLES][r];
		if (k)
			tl__counts_put(metrics, "ipc", v, k, "pmu", NULL, 0,
				       NULL);
	}
	if (have[TL_COUNTER_BRANCHES] && have[TL_COUNTER_BRANCH_MISSES]) {
		double v[PMU_REPS];
		size_t k = 0;

		for (int r = 0; r < PMU_REPS; r++)
			if (per[TL_COUNTER_BRANCHES][r] > 0)
				v[k++] = per[TL_COUNTER_BRANCH_MISSES][r] /
					 per[TL_COUNTER_BRANCHES][r];
		if (k)
			tl__counts_put(metrics, "branch_miss_ratio", v, k,
				       "pmu", NULL, 0, NULL);
	}
}

void tl_counts_measure_perf(const struct tl_counts_req *rq, json_t *metrics,
			    json_t *absent)
{
	const struct tl_counters_probe *pr = &rq->env->pmu;

	switch (rq->mode) {
	case TL_COUNTERS_OFF:
	case TL_COUNTERS_SIM:
		return;
	case TL_COUNTERS_PMU:
		if (!pr->has_pmu)
			absent_all_hw(absent, pr->hw_reason);
		measure_perf(rq, pr->has_pmu ? TL_COUNTERS_ALL : TL_COUNTERS_SW,
			     metrics, absent);
		return;
	case TL_COUNTERS_SWONLY:
		measure_perf(rq, TL_COUNTERS_SW, metrics, absent);
		return;
	case TL_COUNTERS_AUTO:
		measure_perf(rq, pr->has_pmu ? TL_COUNTERS_ALL : TL_COUNTERS_SW,
			     metrics, absent);
		return;
	}
}

/* The counter stem of a "STEM_per_op" metric into stem[64]; 0 if none. */
static int per_op_stem(const char *m, char stem[64])
{
	size_t n = strlen(m);

	if (n <= 7 || strcmp(m + n - 7, "_per_op") || n - 7 >= 64)
		return 0;
	memcpy(stem, m, n - 7);
	stem[n - 7] = '\0';
	return 1;
}

int tl_counts_is_counter_metric(const char *m)
{
	static const char *const extra[] = {"branches", "branch_misses",
					    "data_accesses", "l1i_load_misses",
					    "l1d_load_misses"};
	size_t n = strlen(m);
	char stem[64];

	if (!strcmp(m, "ipc"))
		return 1;
	if (n > 6 && !strcmp(m + n - 6, "_ratio"))
		return strstr(m, "miss") != NULL;
	if (!per_op_stem(m, stem))
		return 0;
	if (tl_counter_lookup(stem) >= 0)
		return 1;
	for (size_t i = 0; i < TL_ARRAY_SIZE(extra); i++)
		if (!strcmp(stem, extra[i]))
			return 1;
	return 0;
}

int tl_counts_is_sw_metric(const char *m)
{
	char stem[64];
	int id;

	if (!per_op_stem(m, stem))
		return 0;
	id = tl_counter_lookup(stem);
	return id >= 0 && !tl_counter_is_hw((enum tl_counter_id)id);
}

int tl_counts_simulatable(const char *m)
{
	struct tl_sim_counts all;
	char stem[64];
	uint64_t v;
	int id;

	if (!strcmp(m, "ipc") || strstr(m, "dtlb"))
		return 0;
	if (!per_op_stem(m, stem))
		return 1;
	id = tl_counter_lookup(stem);
	if (id < 0 || !tl_counter_is_hw((enum tl_counter_id)id))
		return 1;
	memset(&all, 0, sizeof(all));
	all.have = ~0u;
	return tl_sim_counter_value(&all, (enum tl_counter_id)id, &v) == 0;
}
