/*
 * countsim.c - counts from valgrind's cache simulator (cachegrind), for
 * counts.c: one binary built for the simulator, its three points run
 * under cachegrind (every point and pass at once, one simulator process
 * a CPU), counted once and kept in .cache/sim (exact for C and Zig; Go's
 * runs repeated and checked, tl_sim_policy).
 */
#include "measure/counts.h"
#include "measure/counts_int.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/diffcount.h"
#include "base/os.h"
#include "base/proc.h"
#include "machine/sim.h"
#include "base/stats.h"

#include "base/banned.h"

#define SIM_RUNS_MAX 4
/* Threads run_all starts at most: a pass's points, or Go's passes. */
#define SIM_JOBS_MAX                                                           \
	(SIM_RUNS_MAX > TL_COUNTS_POINTS ? SIM_RUNS_MAX : TL_COUNTS_POINTS)

/* Every figure the simulation gives, for one reason it could not. */
#define SIM_METRICS(X)                                                         \
	X(instructions_per_op)                                                 \
	X(branches_per_op)                                                     \
	X(branch_misses_per_op)                                                \
	X(l1i_load_misses_per_op)                                              \
	X(l1d_load_misses_per_op)                                              \
	X(data_accesses_per_op)                                                \
	X(branch_miss_ratio)                                                   \
	X(cond_branch_miss_ratio)                                              \
	X(indirect_branch_miss_ratio)                                          \
	X(l1i_miss_ratio)                                                      \
	X(l1d_miss_ratio)                                                      \
	X(ll_miss_ratio)

static void sim_absent(json_t *absent, const char *why)
{
#define X(name) json_object_set_new(absent, #name, json_string(why));
	SIM_METRICS(X)
#undef X
}

/* A ratio of two simulated per-op values, or an absent reason. */
/* num[r] / den[r] for each run, or absent with the reason. */
static void sim_ratio(json_t *metrics, json_t *absent, const char *name,
		      const double *num, const double *den, int n,
		      const char *flag)
{
	double v[SIM_RUNS_MAX];

	for (int r = 0; r < n; r++) {
		if (den[r] <= 0) {
			json_object_set_new(
				absent, name,
				json_string("the operation has no events "
					    "of the denominator"));
			return;
		}
		if (num[r] < 0) {
			json_object_set_new(
				absent, name,
				json_string("the differenced count is "
					    "negative: it does not grow with "
					    "the operations (run-to-run "
					    "drift, e.g. a garbage "
					    "collector)"));
			return;
		}
		v[r] = num[r] / den[r];
	}
	tl__counts_put(metrics, name, v, (size_t)n, "sim", NULL,
		       flag == NULL && n == 1, flag);
}

/* A cache or predictor miss count (shared state), not a work count. */
static int is_miss(int ev)
{
	switch (ev) {
	case TL_SIM_I1MR:
	case TL_SIM_ILMR:
	case TL_SIM_D1MR:
	case TL_SIM_DLMR:
	case TL_SIM_D1MW:
	case TL_SIM_DLMW:
	case TL_SIM_BCM:
	case TL_SIM_BIM:
		return 1;
	default:
		return 0;
	}
}

/*
 * At most one simulator a CPU in the whole process. The counting phase
 * runs every variant of a case at once, and each runs its points and
 * passes at once: work split that fine leaves no CPU idle while one
 * variant's chain (Go: two passes of three points, 12 OPS) runs alone;
 * hashmap's counting took 17.7 s of a fresh machine's first run.
 */
static pthread_once_t sim_slots_once = PTHREAD_ONCE_INIT;
static sem_t sim_slots;

static void sim_slots_init(void)
{
	int n = tl_os_ncpus();

	sem_init(&sim_slots, 0, n < 1 ? 1 : (unsigned)n);
}

/* One point of one pass: a batch of n operations under cachegrind. */
struct sim_point {
	const struct tl_counts_req *rq;
	const struct tl_sim_policy *pol;
	const char *bin;
	uint64_t n;
	char *wd; /* its own folder: the points of a variant run at once */
	struct tl_sim_counts sc;
	int err;
	char why[320];
};

static void *sim_point_run(void *arg)
{
	struct sim_point *pt = arg;
	char *out = xasprintf("%s/cg.out", pt->wd);
	struct tl_strv argv = TL_STRV_INIT;
	struct tl_sim_cmd cmd;
	char perr[200];

	tl_mkdirs(pt->wd);
	tl_sim_cmd_init_for(&cmd, pt->pol, out);
	for (int a = 0; a < cmd.argc; a++)
		tl_strv_push(&argv, cmd.argv[a]);
	tl__counts_workload_argv(pt->rq, &argv, pt->bin, pt->n);
	pthread_once(&sim_slots_once, sim_slots_init);
	while (sem_wait(&sim_slots) != 0 && errno == EINTR)
		;
	pt->err = tl__counts_run_in(pt->rq, pt->wd, &argv, pt->pol->env, NULL,
				    NULL, pt->why, sizeof(pt->why));
	sem_post(&sim_slots);
	tl_strv_release(&argv);
	if (!pt->err && tl_sim_parse_file(out, &pt->sc, perr, sizeof(perr))) {
		snprintf(pt->why, sizeof(pt->why), "cachegrind output: %s",
			 perr);
		pt->err = -1;
	}
	if (!pt->err && pt->pol->region_only && pt->sc.v[TL_SIM_IR] == 0) {
		snprintf(pt->why, sizeof(pt->why),
			 "nothing counted: the workload has no measured "
			 "region (it does not time through the helper's "
			 "Run)");
		pt->err = -1;
	}
	unlink(out);
	free(out);
	tl_rmtree(pt->wd);
	return NULL;
}

/*
 * Runs fn(arg[i]) for i < n, each on its own thread when one can be had,
 * and waits for them all.
 */
static void run_all(void *(*fn)(void *), void *arg, size_t size, int n)
{
	pthread_t th[SIM_JOBS_MAX];
	int started[SIM_JOBS_MAX];

	for (int i = 0; i < n; i++)
		started[i] =
			pthread_create(&th[i], NULL, fn,
				       (char *)arg + (size_t)i * size) == 0;
	for (int i = 0; i < n; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			fn((char *)arg + (size_t)i * size);
	}
}

/* One pass of the three points under cachegrind: per-op of each event. */
static int sim_pass(const struct tl_counts_req *rq, const char *bin,
		    const struct tl_sim_policy *pol, int pass,
		    double per[TL_SIM__N], struct tl_diff *dir, char *why,
		    size_t whyn)
{
	const struct tl_diff_tol tol = TL_DIFF_TOL_SIM;
	double x[TL_COUNTS_POINTS], y[TL_SIM__N][TL_COUNTS_POINTS], floor;
	struct sim_point pts[TL_COUNTS_POINTS];
	int err = 0;

	for (int p = 0; p < TL_COUNTS_POINTS; p++) {
		pts[p] = (struct sim_point){
			.rq = rq,
			.pol = pol,
			.bin = bin,
			.n = rq->ops * (uint64_t)(p + 1),
			.wd = xasprintf("%s/sim%d.%d", rq->workdir, pass, p),
		};
		x[p] = (double)pts[p].n;
	}
	run_all(sim_point_run, pts, sizeof(pts[0]), TL_COUNTS_POINTS);
	for (int p = 0; p < TL_COUNTS_POINTS; p++) {
		if (pts[p].err && !err) {
			snprintf(why, whyn, "%s", pts[p].why);
			err = -1;
		}
		for (int i = 0; i < TL_SIM__N; i++)
			y[i][p] = (double)pts[p].sc.v[i];
		free(pts[p].wd);
	}
	if (err)
		return -1;
	floor = tl_sim_miss_floor(pol, y[TL_SIM_IR][1] - y[TL_SIM_IR][0]);
	for (int i = 0; i < TL_SIM__N; i++) {
		struct tl_diff d;

		per[i] = tl__counts_per_op(x, y[i], &tol, &d) == 0 ? d.per_unit
								   : 0;
		if (is_miss(i) && fabs(y[i][1] - y[i][0]) < floor)
			per[i] = 0;
		if (i == TL_SIM_IR)
			*dir = d;
	}
	return 0;
}

/*
 * The simulated metrics of n runs (per-op counts): one run is the count;
 * several are samples, whose spread is the interval a verdict sees.
 */
static void sim_put(json_t *metrics, json_t *absent,
		    const double (*runs)[TL_SIM__N], int n,
		    const struct tl_diff *dir, const char *flag,
		    const char *target)
{
	enum { IR, BR, BM, I1, D1R, D1, DACC, LL, BC, BCM, BI, BIM, IRDACC, K };
	double col[K][SIM_RUNS_MAX];
	int exact = flag == NULL && n == 1;

	for (int r = 0; r < n; r++) {
		const double *per = runs[r];

		col[IR][r] = per[TL_SIM_IR];
		col[BC][r] = per[TL_SIM_BC];
		col[BCM][r] = per[TL_SIM_BCM];
		col[BI][r] = per[TL_SIM_BI];
		col[BIM][r] = per[TL_SIM_BIM];
		col[BR][r] = per[TL_SIM_BC] + per[TL_SIM_BI];
		col[BM][r] = per[TL_SIM_BCM] + per[TL_SIM_BIM];
		col[I1][r] = per[TL_SIM_I1MR];
		col[D1R][r] = per[TL_SIM_D1MR];
		col[D1][r] = per[TL_SIM_D1MR] + per[TL_SIM_D1MW];
		col[DACC][r] = per[TL_SIM_DR] + per[TL_SIM_DW];
		col[LL][r] =
			per[TL_SIM_ILMR] + per[TL_SIM_DLMR] + per[TL_SIM_DLMW];
		col[IRDACC][r] = col[IR][r] + col[DACC][r];
	}
	tl__counts_put(metrics, "instructions_per_op", col[IR], (size_t)n,
		       "sim", dir, exact, flag);
	tl__counts_put(metrics, "branches_per_op", col[BR], (size_t)n, "sim",
		       NULL, exact, flag);
	tl__counts_put(metrics, "branch_misses_per_op", col[BM], (size_t)n,
		       "sim", NULL, exact, flag);
	tl__counts_put(metrics, "l1i_load_misses_per_op", col[I1], (size_t)n,
		       "sim", NULL, exact, flag);
	tl__counts_put(metrics, "l1d_load_misses_per_op", col[D1R], (size_t)n,
		       "sim", NULL, exact, flag);
	tl__counts_put(metrics, "data_accesses_per_op", col[DACC], (size_t)n,
		       "sim", NULL, exact, flag);
	sim_ratio(metrics, absent, "branch_miss_ratio", col[BM], col[BR], n,
		  flag);
	sim_ratio(metrics, absent, "cond_branch_miss_ratio", col[BCM], col[BC],
		  n, flag);
	sim_ratio(metrics, absent, "indirect_branch_miss_ratio", col[BIM],
		  col[BI], n, flag);
	sim_ratio(metrics, absent, "l1i_miss_ratio", col[I1], col[IR], n, flag);
	sim_ratio(metrics, absent, "l1d_miss_ratio", col[D1], col[DACC], n,
		  flag);
	sim_ratio(metrics, absent, "ll_miss_ratio", col[LL], col[IRDACC], n,
		  flag);
	{
		json_t *m = json_object_get(metrics, "instructions_per_op");

		if (m && target)
			json_object_set_new(m, "target", json_string(target));
	}
}

/*
 * Simulations are counted once per binary: the per-op counts of its runs
 * and the differencing (content-addressed by the build cache, with its
 * size and time), run with the same arguments under the same valgrind
 * (and, for a flagged language, the same miss floors),
 * are kept in .cache/sim/ and read back instead of running cachegrind
 * again. An exact count is one run. Go's (flagged) runs move a little
 * with its runtime's timing; what is kept is what was published: the
 * median of runs that agreed, or each run of runs that did not, so a
 * later pass reads the same samples and the same spread.
 */
static char *sim_cache_path(const struct tl_counts_req *rq, const char *bin,
			    const struct tl_sim_policy *pol)
{
	const char *vg = rq->env->tools.valgrind.version;
	struct tl_strv argv = TL_STRV_INIT;
	uint64_t h = TL_FNV_SEED;
	struct stat st;

	if (stat(bin, &st))
		return NULL;
	tl__counts_workload_argv(rq, &argv, bin, rq->ops);
	for (size_t i = 0; i < argv.n; i++)
		h = tl_fnv1a(h, argv.v[i], strlen(argv.v[i]) + 1);
	h = tl_fnv1a(h, &st.st_size, sizeof(st.st_size));
	h = tl_fnv1a(h, &st.st_mtime, sizeof(st.st_mtime));
	h = tl_fnv1a(h, vg ? vg : "-", strlen(vg ? vg : "-") + 1);
	/* A flagged figure depends on the floors that zeroed its noise. */
	if (pol->trust == TL_SIM_FLAGGED) {
		h = tl_fnv1a(h, &pol->miss_floor, sizeof(pol->miss_floor));
		h = tl_fnv1a(h, &pol->miss_floor_per_ir,
			     sizeof(pol->miss_floor_per_ir));
	}
	tl_strv_release(&argv);
	return xasprintf("%s/.cache/sim/%016llx.runs", rq->root,
			 (unsigned long long)h);
}

/* "runs N", N lines of TL_SIM__N values, then the tl_diff fields. */
static void sim_cache_store(const char *path, const double (*runs)[TL_SIM__N],
			    int n, const struct tl_diff *d)
{
	struct tl_buf b = TL_BUF_INIT;
	char *dir = xstrdup(path);

	tl_buf_printf(&b, "runs %d\n", n);
	for (int r = 0; r < n; r++)
		for (int i = 0; i < TL_SIM__N; i++)
			tl_buf_printf(&b, "%.17g%c", runs[r][i],
				      i + 1 < TL_SIM__N ? ' ' : '\n');
	tl_buf_printf(&b, "%.17g\n%.17g\n%d\n%.17g\n%.17g\n%d\n%s\n",
		      d->per_unit, d->fixed, d->nchecked, d->max_residual,
		      d->max_rel_dev, d->linear, d->reason);
	*strrchr(dir, '/') = '\0';
	if (tl_mkdirs(dir) == 0)
		tl_write_file_atomic(path, tl_buf_str(&b), b.len);
	free(dir);
	tl_buf_release(&b);
}

/* The runs path held (read into runs and d), or 0 when it held none. */
static int sim_cache_load(const char *path, double (*runs)[TL_SIM__N],
			  struct tl_diff *d)
{
	char *text, *p, *end;
	size_t len;
	long n;
	int i, ok = 0;

	if (tl_read_file(path, &text, &len))
		return 0;
	if (strncmp(text, "runs ", 5))
		goto out;
	n = strtol(text + 5, &end, 10);
	if (end == text + 5 || n < 1 || n > SIM_RUNS_MAX)
		goto out;
	p = end;
	for (long r = 0; r < n; r++)
		for (i = 0; i < TL_SIM__N; i++, p = end) {
			runs[r][i] = strtod(p, &end);
			if (end == p || !isfinite(runs[r][i]))
				goto out;
		}
	memset(d, 0, sizeof(*d));
	d->per_unit = strtod(p, &end);
	d->fixed = strtod(p = end, &end);
	d->nchecked = (int)strtol(p = end, &end, 10);
	d->max_residual = strtod(p = end, &end);
	d->max_rel_dev = strtod(p = end, &end);
	d->linear = (int)strtol(p = end, &end, 10);
	if (end == p || *end != '\n')
		goto out;
	p = end + 1;
	end = strchr(p, '\n');
	if (!end)
		goto out;
	snprintf(d->reason, sizeof(d->reason), "%.*s", (int)(end - p), p);
	ok = (int)n;
out:
	free(text);
	return ok;
}

/* A pass on its own thread (sim_runs runs Go's passes at once). */
struct sim_pass_job {
	const struct tl_counts_req *rq;
	const char *bin;
	const struct tl_sim_policy *pol;
	int pass;
	double *per;
	struct tl_diff dir;
	int err;
	char why[320];
};

static void *sim_pass_run(void *arg)
{
	struct sim_pass_job *j = arg;

	j->err = sim_pass(j->rq, j->bin, j->pol, j->pass, j->per, &j->dir,
			  j->why, sizeof(j->why));
	return NULL;
}

/*
 * The runs of one binary under the simulator, into runs: one for an exact
 * count; for Go, pol's runs, collapsed to their median when they agree
 * within pol's spread, else one more and each kept (a sample). The number
 * kept, or -1 with why.
 */
static int sim_runs(const struct tl_counts_req *rq, const char *bin,
		    const struct tl_sim_policy *pol, double (*runs)[TL_SIM__N],
		    struct tl_diff *dir, char *why, size_t whylen)
{
	double irs[SIM_RUNS_MAX], spread, med[TL_SIM__N];
	struct sim_pass_job ps[SIM_RUNS_MAX];
	int n = pol->runs_per_point < 1 ? 1 : pol->runs_per_point;

	if (n > SIM_RUNS_MAX)
		n = SIM_RUNS_MAX;
	for (int r = 0; r < n; r++)
		ps[r] = (struct sim_pass_job){.rq = rq,
					      .bin = bin,
					      .pol = pol,
					      .pass = r,
					      .per = runs[r]};
	run_all(sim_pass_run, ps, sizeof(ps[0]), n);
	for (int r = 0; r < n; r++) {
		if (ps[r].err) {
			snprintf(why, whylen, "%s", ps[r].why);
			return -1;
		}
		irs[r] = runs[r][TL_SIM_IR];
	}
	*dir = ps[n - 1].dir;
	if (n == 1)
		return 1;
	if (tl_diff_spread(irs, (size_t)n, &spread) == 0 &&
	    spread > pol->max_rel_spread) {
		if (n < 3 && n < SIM_RUNS_MAX &&
		    sim_pass(rq, bin, pol, n, runs[n], dir, why, whylen) == 0)
			n++;
		return n;
	}
	for (int i = 0; i < TL_SIM__N; i++) {
		double col[SIM_RUNS_MAX];

		for (int r = 0; r < n; r++)
			col[r] = runs[r][i];
		if (tl_stats_median(col, (size_t)n, &med[i]))
			med[i] = 0;
	}
	memcpy(runs[0], med, sizeof(med));
	return 1;
}

static void measure_sim(const struct tl_counts_req *rq, json_t *metrics,
			json_t *absent)
{
	struct tl_build_opts bo = *rq->build_opts;
	struct tl_build_result br;
	struct tl_sim_policy pol;
	double runs[SIM_RUNS_MAX][TL_SIM__N], irs[SIM_RUNS_MAX], spread;
	struct tl_diff dir;
	const char *flag = NULL;
	char why[320], *cache, *msg;
	int nruns, i;

	if (!rq->env->tools.valgrind.path) {
		sim_absent(absent, rq->env->tools.valgrind.missing);
		return;
	}
	if (!rq->variant->sim) {
		sim_absent(absent,
			   "the variant opts out of simulation (sim: false)");
		return;
	}
	tl_sim_policy(tl_lang_name(rq->variant->lang), &pol);
	if (pol.trust == TL_SIM_REFUSED) {
		sim_absent(absent, pol.reason);
		return;
	}
	if (pol.trust == TL_SIM_FLAGGED)
		flag = pol.reason;
	bo.for_sim = 1;
	if (tl_build_variant(&bo, rq->exp, rq->variant, &br) != 0 ||
	    br.status != TL_BUILD_OK) {
		sim_absent(absent, br.reason ? br.reason : "sim build failed");
		tl_build_result_release(&br);
		return;
	}
	cache = sim_cache_path(rq, br.bin, &pol);
	nruns = cache ? sim_cache_load(cache, runs, &dir) : 0;
	if (nruns == 0) {
		nruns = sim_runs(rq, br.bin, &pol, runs, &dir, why,
				 sizeof(why));
		if (nruns < 0) {
			sim_absent(absent, why);
			goto out;
		}
		if (cache)
			sim_cache_store(cache, (const double(*)[TL_SIM__N])runs,
					nruns, &dir);
	}
	if (nruns == 1) {
		sim_put(metrics, absent, (const double(*)[TL_SIM__N])runs, 1,
			&dir, flag, br.target);
	} else {
		/* Go's runs that disagree: each is a sample (sim_runs). */
		for (i = 0; i < nruns; i++)
			irs[i] = runs[i][TL_SIM_IR];
		tl_diff_spread(irs, (size_t)nruns, &spread);
		msg = xasprintf("%s; %d simulated runs differ by %.1f%% (more "
				"than %.1f%%): each run is a sample and their "
				"spread the interval",
				pol.reason, nruns, 100 * spread,
				100 * pol.max_rel_spread);
		sim_put(metrics, absent, (const double(*)[TL_SIM__N])runs,
			nruns, &dir, msg, br.target);
		free(msg);
	}
out:
	free(cache);
	tl_build_result_release(&br);
}

int tl_counts_sim_on(enum tl_counters_mode m, const struct tl_env *env)
{
	return m == TL_COUNTERS_SIM ||
	       (m == TL_COUNTERS_AUTO && !env->pmu.has_pmu);
}

void tl_counts_measure_sim(const struct tl_counts_req *rq, json_t *metrics,
			   json_t *absent)
{
	if (tl_counts_sim_on(rq->mode, rq->env))
		measure_sim(rq, metrics, absent);
}
