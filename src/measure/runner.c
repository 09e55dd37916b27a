/*
 * runner.c - build, run, measure and summarise experiments (see runner.h).
 *
 * Sizing: a sample must last at least max(1 ms, 1000 x the measured clock
 * resolution) for the fastest variant. A calibration pass runs each
 * variant with growing OPS until one batch is long enough, then every
 * variant of the case uses the same OPS (capped so the slowest variant's
 * sample stays under 100 x the target, and by the experiment's max_ops).
 *
 * Ordering: round r runs the variants rotated by r/2, reversed on odd
 * rounds: for two variants AB BA BA AB, a balanced Latin square, so a
 * linear drift and first-run effects hit every variant alike.
 *
 * Noise floor: every variant's samples are split into its even and odd
 * rounds and compared with each other (an A/A comparison under the same
 * protocol); the half-width of the ratio CI is the minimum detectable
 * effect, reported per variant and, as the median over variants, per run.
 */
#include "measure/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine/chaos.h"
#include "base/cli.h"
#include "measure/counts.h"
#include "machine/env.h"
#include "store/history.h"
#include "base/os.h"
#include "base/proc.h"
#include "measure/proto.h"
#include "measure/registry.h"
#include "base/stats.h"
#include "measure/summary.h"

#include "base/jsonx.h"
#include "base/banned.h"

#define TL_VERSION "0.1.0"

/* --interfere malloc-fail: the chance that one malloc call fails. */
#define CHAOS_MAX_S   1800 /* a stressor never outlives this, in seconds */
#define MALLOC_FAIL_P 0.001

#define NOT_SELECTED "not selected by --variant"

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

void tl_run_opts_init(struct tl_run_opts *o, const char *root)
{
	memset(o, 0, sizeof(*o));
	o->root = root;
	o->counters = TL_COUNTERS_OFF;
	o->target = TL_TARGET_DEFAULT;
	o->pin_cpu = -1;
	o->warmup = -1;
}

/* A growable array of doubles. */
struct dbl {
	double *x;
	size_t n, cap;
};

static void dbl_push(struct dbl *d, double v)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 32;
		d->x = xrealloc(d->x, d->cap * sizeof(*d->x));
	}
	d->x[d->n++] = v;
}

struct named {
	char *name;
	struct dbl d;
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

static const char *const ru_names[] = {
#define X(name, expr) #name,
	RU_METRICS(X)
#undef X
};

/* One variant within one case. */
struct vrun {
	const struct tl_variant *v;
	const struct tl_build_result *build; /* borrowed from the experiment */
	struct dbl nsop;     /* per sample, all rounds (loop kind) */
	struct dbl wall;     /* per process (process kind) */
	struct dbl ru[RU_N]; /* per process */
	struct dbl round_of; /* round index of each nsop sample */
	struct named *wm;    /* workload metrics */
	size_t nwm;
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
	const char *cur_exp;	      /* the experiment being run */
	struct tl_build_result **pre; /* prebuilt[exp][variant], or NULL */
	unsigned nproc; /* processes started, for unique work folders */
	char *workroot;
	json_t *root;
	json_t *exps;
	struct dbl mdes;
	const char *out_path;
};

static void progress(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void progress(struct ctx *c, const char *fmt, ...)
{
	char line[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (c->is_tty)
		fprintf(stderr, "\r\033[K[%d/%d] %s", c->step, c->nsteps, line);
	else if (c->o->verbose)
		fprintf(stderr, "[%d/%d] %s\n", c->step, c->nsteps, line);
}

static void progress_done(struct ctx *c)
{
	if (c->is_tty)
		fprintf(stderr, "\r\033[K");
}

/* ---- one process ------------------------------------------------------ */

struct attach {
	struct tl_counters *c;
	unsigned what;
};

/* The environment every workload gets, plus the variant's own. */
static void workload_env(struct ctx *c, const struct tl_variant *v,
			 const char *workdir, struct tl_strv *env)
{
	const struct tl_toolchains *t = &c->env.tools;
	const struct tl_tool *cc = &t->lang[TL_LANG_C];
	const struct tl_tool *cxx = &t->lang[TL_LANG_CPP];
	const struct tl_tool *go = &t->lang[TL_LANG_GO];
	const struct tl_tool *zig = &t->lang[TL_LANG_ZIG];

	tl_strv_push_owned(env, xasprintf("TL_ROOT=%s", c->o->root));
	tl_strv_push_owned(env, xasprintf("TL_WORKDIR=%s", workdir));
	tl_strv_push_owned(env,
			   xasprintf("TL_CC=%s", cc->path ? cc->path : ""));
	tl_strv_push_owned(env,
			   xasprintf("TL_CXX=%s", cxx->path ? cxx->path : ""));
	tl_strv_push_owned(env,
			   xasprintf("TL_GO=%s", go->path ? go->path : ""));
	tl_strv_push_owned(env,
			   xasprintf("TL_ZIG=%s", zig->path ? zig->path : ""));
	tl_strv_push_owned(env,
			   xasprintf("GOCACHE=%s/.cache/go-build", c->o->root));
	tl_strv_push_owned(env,
			   xasprintf("GOPATH=%s/.cache/gopath", c->o->root));
	tl_strv_push(env, "GOFLAGS=-mod=mod");
	tl_strv_push(env, "GOPROXY=off");
	tl_strv_push(env, "GOTOOLCHAIN=local");
	for (size_t i = 0; i < v->nenv; i++)
		tl_strv_push_owned(
			env, xasprintf("%s=%s", v->env[i].key, v->env[i].val));
	if (c->o->interfere && !strcmp(c->o->interfere, "malloc-fail"))
		tl_chaos_malloc_fail_env(MALLOC_FAIL_P, c->seed, env);
}

/* Adds "KEY=VALUE" case params and the variant's own params to argv. */
static void push_params(struct tl_strv *argv, const struct tl_strv *cparams,
			const struct tl_variant *v)
{
	for (size_t i = 0; i < cparams->n; i++)
		tl_strv_push(argv, cparams->v[i]);
	for (size_t i = 0; i < v->nparams; i++)
		tl_strv_push_owned(argv, xasprintf("%s=%s", v->params[i].key,
						   v->params[i].val));
}

static const char *status_of(const struct tl_proc_result *r)
{
	switch (r->end) {
	case TL_PROC_EXITED:
		return "exit_nonzero";
	case TL_PROC_SIGNALED:
		return "crashed";
	case TL_PROC_TIMEOUT:
		return "timeout";
	case TL_PROC_OOM:
		return "oom";
	case TL_PROC_TOO_MUCH:
		return "bad_output";
	default:
		return "crashed";
	}
}

static void record_failure(struct vrun *vr, const char *status,
			   const char *reason, const char *stderr_tail)
{
	char *tail = NULL;

	if (stderr_tail && *stderr_tail) {
		const char *t = stderr_tail;
		size_t n = strlen(t);

		/* The last few lines of stderr are the useful ones. */
		if (n > 600)
			t += n - 600;
		tail = xstrdup(t);
		for (char *p = tail; *p; p++)
			if (*p == '\n')
				*p = ' ';
	}
	tl_strv_push_owned(&vr->errors,
			   tail ? xasprintf("%s; stderr: %s", reason, tail)
				: xstrdup(reason));
	free(tail);
	vr->nfail++;
	if (!vr->fail_status) {
		vr->fail_status = xstrdup(status);
		vr->fail_reason = xstrdup(reason);
	}
}

static struct dbl *wm_slot(struct vrun *vr, const char *name)
{
	for (size_t i = 0; i < vr->nwm; i++)
		if (!strcmp(vr->wm[i].name, name))
			return &vr->wm[i].d;
	vr->wm = xrealloc(vr->wm, (vr->nwm + 1) * sizeof(*vr->wm));
	memset(&vr->wm[vr->nwm], 0, sizeof(vr->wm[0]));
	vr->wm[vr->nwm].name = xstrdup(name);
	return &vr->wm[vr->nwm++].d;
}

/*
 * Runs one workload process: argv is complete. On success the parsed
 * protocol is in *p (caller releases). Returns 0 when the process ran and
 * produced valid protocol output, else records the failure on vr and
 * returns -1.
 */
static int run_process(struct ctx *c, struct vrun *vr, struct tl_strv *argv,
		       int parse, struct tl_proto *p, struct tl_proc_result *pr,
		       double timeout_s)
{
	struct tl_strv env = TL_STRV_INIT;
	struct tl_proc_spec spec = {0};
	char *workdir = xasprintf("%s/w%ld-%u", c->workroot, (long)getpid(),
				  ++c->nproc);
	char why[300], perr[256];
	int ret = -1;

	tl_mkdirs(workdir);
	workload_env(c, vr->v, workdir, &env);
	spec.argv = tl_strv_cstr(argv);
	spec.env = tl_strv_cstr(&env);
	spec.timeout_s = timeout_s;
	spec.pin_cpu = c->o->pin_cpu;
	spec.discard_stdout = !parse;
	spec.cwd = workdir;
	if (tl_proc_run(&spec, pr) != 0) {
		record_failure(vr, "crashed", "traplab could not start it",
			       NULL);
		goto out;
	}
	if (pr->end != TL_PROC_EXITED || pr->exit_code != 0) {
		tl_proc_describe(pr, why, sizeof(why));
		if (pr->end == TL_PROC_EXITED && pr->exit_code == 3)
			record_failure(vr, "skipped",
				       "the workload skipped itself",
				       pr->err_tail);
		else
			record_failure(vr, status_of(pr), why, pr->err_tail);
		goto out;
	}
	if (parse &&
	    tl_proto_parse(p, pr->out, pr->out_len, perr, sizeof(perr)) != 0) {
		snprintf(why, sizeof(why), "printed a non-protocol %s", perr);
		record_failure(vr, "bad_output", why, pr->err_tail);
		goto out;
	}
	ret = 0;
out:
	tl_rmtree(workdir);
	free(workdir);
	tl_strv_release(&env);
	return ret;
}

static void keep_rusage(struct vrun *vr, const struct rusage *ru)
{
#define X(name, expr) dbl_push(&vr->ru[RU_##name], expr);
	RU_METRICS(X)
#undef X
}

static double var_timeout(const struct tl_experiment *e,
			  const struct tl_variant *v)
{
	return v->timeout_s > 0 ? v->timeout_s : e->timeout_s;
}

/* BIN VARIANT OPS SAMPLES params... */
static void loop_argv(struct tl_strv *argv, const struct vrun *vr, uint64_t ops,
		      int samples, const struct tl_strv *cparams)
{
	tl_strv_push(argv, vr->build->bin);
	tl_strv_push(argv, vr->v->name);
	tl_strv_push_owned(argv, xasprintf("%llu", (unsigned long long)ops));
	tl_strv_push_owned(argv, xasprintf("%d", samples));
	push_params(argv, cparams, vr->v);
}

static void add_facts(struct vrun *vr, const struct tl_proto *p)
{
	for (size_t i = 0; i < p->fact_names.n; i++) {
		size_t j;

		for (j = 0; j < vr->fact_names.n; j++)
			if (!strcmp(vr->fact_names.v[j], p->fact_names.v[i]))
				break;
		if (j < vr->fact_names.n)
			continue; /* first value wins; facts are static */
		tl_strv_push(&vr->fact_names, p->fact_names.v[i]);
		tl_strv_push(&vr->fact_vals, p->fact_values.v[i]);
	}
}

/*
 * Calibration: grows OPS until one batch lasts a tenth of the target, and
 * returns the variant's ns per op estimate (0 when it failed).
 */
/*
 * A probe's facts depend only on its binary, its params and the
 * toolchains it drives, so they are cached under a hash of those: a
 * compile probe that takes a minute (Zig ReleaseSafe) runs once per
 * toolchain version, not once per run.
 */
static char *probe_cache_path(struct ctx *c, const struct vrun *vr,
			      const struct tl_strv *cparams)
{
	uint64_t h = TL_FNV_SEED;

	h = tl_fnv1a(h, vr->build->bin, strlen(vr->build->bin) + 1);
	for (size_t i = 0; i < cparams->n; i++)
		h = tl_fnv1a(h, cparams->v[i], strlen(cparams->v[i]) + 1);
	for (size_t i = 0; i < vr->v->nparams; i++) {
		h = tl_fnv1a(h, vr->v->params[i].key,
			     strlen(vr->v->params[i].key) + 1);
		h = tl_fnv1a(h, vr->v->params[i].val,
			     strlen(vr->v->params[i].val) + 1);
	}
	for (int l = 0; l < TL_LANG_COUNT; l++) {
		const char *ver = c->env.tools.lang[l].version;

		h = tl_fnv1a(h, ver ? ver : "-", strlen(ver ? ver : "-") + 1);
	}
	return xasprintf("%s/.cache/probes/%016llx.facts", c->o->root,
			 (unsigned long long)h);
}

/* Loads cached probe facts ("NAME VALUE" lines); 1 when found. */
static int probe_cached(const char *path, struct vrun *vr)
{
	struct tl_proto p = TL_PROTO_INIT;
	char *text, err[64];
	size_t n;

	if (tl_read_file(path, &text, &n))
		return 0;
	if (tl_proto_parse(&p, text, n, err, sizeof(err)) == 0 &&
	    p.fact_names.n) {
		add_facts(vr, &p);
		vr->nok++;
		vr->facts_only = 1;
		vr->probe_cached = 1;
	}
	tl_proto_release(&p);
	free(text);
	return vr->facts_only;
}

static void probe_store(const char *path, const struct tl_proto *p)
{
	struct tl_buf b = TL_BUF_INIT;
	char *dir = xstrdup(path);

	for (size_t i = 0; i < p->fact_names.n; i++)
		tl_buf_printf(&b, "fact %s %s\n", p->fact_names.v[i],
			      p->fact_values.v[i]);
	*strrchr(dir, '/') = '\0';
	if (tl_mkdirs(dir) == 0)
		tl_write_file_atomic(path, tl_buf_str(&b), b.len);
	free(dir);
	tl_buf_release(&b);
}

static double calibrate(struct ctx *c, const struct tl_experiment *e,
			struct vrun *vr, const struct tl_strv *cparams)
{
	uint64_t ops = 1, cap = e->max_ops ? e->max_ops : UINT64_MAX;
	char *cache = probe_cache_path(c, vr, cparams);

	if (probe_cached(cache, vr)) {
		free(cache);
		return 0;
	}
	for (int iter = 0; iter < 8; iter++) {
		struct tl_strv argv = TL_STRV_INIT;
		struct tl_proto p = TL_PROTO_INIT;
		struct tl_proc_result pr;
		double best = -1;

		loop_argv(&argv, vr, ops, 2, cparams);
		if (run_process(c, vr, &argv, 1, &p, &pr,
				var_timeout(e, vr->v)) == 0) {
			for (size_t i = 0; i < p.nsamples; i++)
				if (best < 0 || (double)p.samples[i].ns < best)
					best = (double)p.samples[i].ns;
			if (best < 0 && p.fact_names.n) {
				/*
				 * A probe: it reports facts (what a compiler
				 * said, a size) and times nothing. One run is
				 * the measurement.
				 */
				add_facts(vr, &p);
				for (size_t m = 0; m < p.nmetrics; m++)
					dbl_push(wm_slot(vr, p.metrics[m].name),
						 p.metrics[m].value);
				keep_rusage(vr, &pr.ru);
				vr->nok++;
				vr->facts_only = 1;
				probe_store(cache, &p);
			} else if (best < 0) {
				record_failure(vr, "bad_output",
					       "printed no sample lines", NULL);
			}
		}
		tl_proto_release(&p);
		tl_proc_result_release(&pr);
		tl_strv_release(&argv);
		if (best < 0 || best >= c->target_ns / 10 || ops >= cap) {
			free(cache);
			if (best < 0)
				return 0;
			return best > 0 ? best / (double)ops : 0.01;
		}
		{
			double grow =
				best > 0 ? (c->target_ns / 5) / best : 1000;

			if (grow > 1000)
				grow = 1000;
			if (grow < 2)
				grow = 2;
			ops = (uint64_t)((double)ops * grow);
			if (ops > cap)
				ops = cap;
		}
	}
	free(cache);
	return 0;
}

/* Round r's order of k variants: rotated by r/2, reversed on odd r. */
static size_t latin(int r, size_t k, size_t i)
{
	size_t rot = (size_t)(r / 2) % k;
	size_t pos = (r % 2) ? k - 1 - i : i;

	return (pos + rot) % k;
}

static void run_loop_case(struct ctx *c, const struct tl_experiment *e,
			  struct vrun *vrs, size_t nv,
			  const struct tl_strv *cparams, const char *label,
			  uint64_t *ops_out, int *rounds_out, int *spr_out)
{
	const struct tl_run_opts *o = c->o;
	int rounds = o->rounds	 ? o->rounds
		     : e->rounds ? e->rounds
				 : (o->quick ? 3 : 5);
	int samples = o->samples   ? o->samples
		      : e->samples ? e->samples
				   : (o->quick ? 3 : 5);
	int warmup = o->warmup >= 0   ? o->warmup
		     : e->warmup >= 0 ? e->warmup
				      : 1;
	double fastest = 0;
	uint64_t ops = 1, cap = e->max_ops ? e->max_ops : UINT64_MAX;
	size_t i;

	for (i = 0; i < nv; i++) {
		if (!vrs[i].build || vrs[i].build->status != TL_BUILD_OK)
			continue;
		progress(c, "%s %s calibrating %s", e->name, label,
			 vrs[i].v->name);
		vrs[i].est_nsop = calibrate(c, e, &vrs[i], cparams);
		if (vrs[i].est_nsop <= 0)
			continue;
		if (fastest == 0 || vrs[i].est_nsop < fastest)
			fastest = vrs[i].est_nsop;
	}
	if (fastest > 0) {
		double want = ceil(c->target_ns / fastest);

		ops = want > (double)cap ? cap : (uint64_t)want;
	}
	/*
	 * One OPS for all, except a variant so slow that a shared sample
	 * would last over 100x the target: it gets the largest OPS that
	 * fits (recorded on the variant), rather than shrinking every other
	 * variant's samples below the clock's useful range.
	 */
	for (i = 0; i < nv; i++) {
		double limit = floor(100 * c->target_ns / vrs[i].est_nsop);

		vrs[i].ops = ops;
		if (vrs[i].est_nsop > 0 && (double)ops > limit)
			vrs[i].ops = limit < 1 ? 1 : (uint64_t)limit;
	}
	*ops_out = ops;
	*rounds_out = rounds;
	*spr_out = samples;

	for (int r = 0; r < rounds; r++) {
		for (size_t k = 0; k < nv; k++) {
			struct vrun *vr = &vrs[latin(r, nv, k)];
			struct tl_strv argv = TL_STRV_INIT;
			struct tl_proto p = TL_PROTO_INIT;
			struct tl_proc_result pr = {0};

			if (vr->est_nsop <= 0)
				continue;
			progress(c, "%s %s round %d/%d %s", e->name, label,
				 r + 1, rounds, vr->v->name);
			loop_argv(&argv, vr, vr->ops, warmup + samples,
				  cparams);
			if (run_process(c, vr, &argv, 1, &p, &pr,
					var_timeout(e, vr->v)) == 0) {
				if (p.nsamples < (size_t)(warmup + samples)) {
					char why[160];

					snprintf(why, sizeof(why),
						 "printed %zu sample lines, "
						 "expected %d",
						 p.nsamples, warmup + samples);
					record_failure(vr, "bad_output", why,
						       pr.err_tail);
				} else {
					for (size_t s = (size_t)warmup;
					     s < p.nsamples; s++) {
						dbl_push(
							&vr->nsop,
							(double)p.samples[s]
									.ns /
								(double)p
									.samples[s]
									.ops);
						dbl_push(&vr->round_of, r);
					}
					for (size_t m = 0; m < p.nmetrics; m++)
						dbl_push(wm_slot(vr,
								 p.metrics[m]
									 .name),
							 p.metrics[m].value);
					add_facts(vr, &p);
					keep_rusage(vr, &pr.ru);
					vr->nok++;
				}
			}
			tl_proto_release(&p);
			tl_proc_result_release(&pr);
			tl_strv_release(&argv);
		}
	}
}

/*
 * Drops a file's pages from the page cache, so the next start reads it
 * from disk (a cold start). Needs no privilege; dirty pages are written
 * first, since DONTNEED leaves those.
 */
static void evict(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	fdatasync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

static void run_process_case(struct ctx *c, const struct tl_experiment *e,
			     struct vrun *vrs, size_t nv, const char *label,
			     int cold, int *rounds_out, int *spr_out)
{
	const struct tl_run_opts *o = c->o;
	int rounds = o->rounds	 ? o->rounds
		     : e->rounds ? e->rounds
				 : (o->quick ? 3 : 5);
	int starts = o->samples	  ? o->samples
		     : e->samples ? e->samples
				  : (o->quick ? 5 : 10);
	int warmup = o->warmup >= 0   ? o->warmup
		     : e->warmup >= 0 ? e->warmup
				      : 1;

	*rounds_out = rounds;
	*spr_out = starts;
	for (int r = 0; r < rounds; r++) {
		for (size_t k = 0; k < nv; k++) {
			struct vrun *vr = &vrs[latin(r, nv, k)];

			if (!vr->build || vr->build->status != TL_BUILD_OK)
				continue;
			if (vr->nfail > 2 && vr->nok == 0)
				continue; /* it does not start; stop trying */
			progress(c, "%s %s round %d/%d %s", e->name, label,
				 r + 1, rounds, vr->v->name);
			for (int s = 0; s < warmup + starts; s++) {
				struct tl_strv argv = TL_STRV_INIT;
				struct tl_proc_result pr = {0};

				if (cold)
					evict(vr->build->bin);
				tl_strv_push(&argv, vr->build->bin);
				for (size_t a = 0; a < vr->v->args.n; a++)
					tl_strv_push(&argv, vr->v->args.v[a]);
				if (run_process(c, vr, &argv, 0, NULL, &pr,
						var_timeout(e, vr->v)) == 0 &&
				    s >= warmup) {
					dbl_push(&vr->wall, (double)pr.wall_ns);
					dbl_push(&vr->round_of, r);
					keep_rusage(vr, &pr.ru);
					vr->nok++;
				}
				tl_proc_result_release(&pr);
				tl_strv_release(&argv);
			}
		}
	}
}

/* ---- JSON of a case --------------------------------------------------- */

static json_t *build_json(const struct tl_build_result *b)
{
	json_t *o = json_object();

	if (b->target)
		json_object_set_new(o, "target", json_string(b->target));
	if (b->status == TL_BUILD_OK) {
		json_object_set_new(o, "binary_bytes",
				    json_integer(b->binary_bytes));
		json_object_set_new(o, "cached", json_boolean(b->cached));
		json_object_set_new(o, "build_s", json_real(b->build_s));
	}
	if (b->log)
		json_object_set_new(o, "log", json_string(b->log));
	return o;
}

/* A/A: the variant's even rounds against its odd rounds. */
static int aa_mde(struct ctx *c, const struct vrun *vr, const struct dbl *d,
		  double *mde)
{
	struct dbl a = {0}, b = {0};
	struct tl_stats_boot bo = {
		.confidence = 0.95, .resamples = 1000, .seed = c->seed};
	struct tl_ci ci;
	int err = -EINVAL;

	for (size_t i = 0; i < d->n && i < vr->round_of.n; i++)
		dbl_push(((int)vr->round_of.x[i] % 2) ? &b : &a, d->x[i]);
	if (a.n >= 3 && b.n >= 3)
		err = tl_stats_mde_aa(a.x, a.n, b.x, b.n, &bo, &ci, mde);
	free(a.x);
	free(b.x);
	return err;
}

static json_t *variant_json(struct ctx *c, const struct tl_experiment *e,
			    struct vrun *vr)
{
	json_t *o = json_object(), *m = json_object(), *facts = json_object();
	json_t *errs = json_array();
	const char *status = "ok";
	double mde;

	json_object_set_new(o, "name", json_string(vr->v->name));
	json_object_set_new(o, "lang", json_string(tl_lang_name(vr->v->lang)));
	if (vr->v->comment)
		json_object_set_new(o, "comment", json_string(vr->v->comment));
	if (!vr->build) {
		status = "skipped";
		json_object_set_new(o, "reason", json_string(NOT_SELECTED));
	} else if (vr->build->status == TL_BUILD_SKIPPED) {
		status = "skipped";
		json_object_set_new(o, "reason",
				    json_string(vr->build->reason));
	} else if (vr->build->status == TL_BUILD_FAILED) {
		status = "build_failed";
		json_object_set_new(o, "reason",
				    json_string(vr->build->reason));
	} else if (vr->nok == 0) {
		status = vr->fail_status ? vr->fail_status : "crashed";
		json_object_set_new(o, "reason",
				    json_string(vr->fail_reason
							? vr->fail_reason
							: "no run succeeded"));
	} else if (vr->nfail) {
		status = "partial";
		json_object_set_new(o, "reason", json_string(vr->fail_reason));
	}
	json_object_set_new(o, "status", json_string(status));
	if (vr->ops)
		json_object_set_new(o, "ops_per_sample",
				    json_integer((json_int_t)vr->ops));
	if (vr->facts_only)
		json_object_set_new(
			o, "probe",
			json_string(vr->probe_cached ? "facts from the probe "
						       "cache (same binary, "
						       "params and "
						       "toolchains)"
						     : "facts, run once"));
	if (vr->build)
		json_object_set_new(o, "build", build_json(vr->build));

	if (vr->nsop.n) {
		json_t *ns = tl_summary_metric("ns_per_op", vr->nsop.x,
					       vr->nsop.n, "time", c->seed);

		if (aa_mde(c, vr, &vr->nsop, &mde) == 0) {
			json_object_set_new(ns, "aa_mde_pct", json_real(mde));
			dbl_push(&c->mdes, mde);
		}
		json_object_set_new(m, "ns_per_op", ns);
	}
	if (vr->wall.n) {
		json_t *w = tl_summary_metric("wall_ns", vr->wall.x, vr->wall.n,
					      "time", c->seed);

		if (aa_mde(c, vr, &vr->wall, &mde) == 0)
			json_object_set_new(w, "aa_mde_pct", json_real(mde));
		json_object_set_new(m, "wall_ns", w);
	}
	for (int i = 0; i < RU_N; i++)
		if (vr->ru[i].n)
			json_object_set_new(
				m, ru_names[i],
				tl_summary_metric(ru_names[i], vr->ru[i].x,
						  vr->ru[i].n, "rusage",
						  c->seed));
	for (size_t i = 0; i < vr->nwm; i++)
		json_object_set_new(
			m, vr->wm[i].name,
			tl_summary_metric(vr->wm[i].name, vr->wm[i].d.x,
					  vr->wm[i].d.n, "workload", c->seed));
	if (vr->counted)
		json_object_update(m, vr->counted);
	json_object_set_new(o, "metrics", m);
	if (vr->absent && json_object_size(vr->absent))
		json_object_set(o, "absent", vr->absent);
	for (size_t i = 0; i < vr->fact_names.n; i++)
		json_object_set_new(facts, vr->fact_names.v[i],
				    json_string(vr->fact_vals.v[i]));
	if (e->kind == TL_KIND_PROCESS && vr->build &&
	    vr->build->status == TL_BUILD_OK)
		json_object_set_new(
			facts, "binary_bytes",
			json_sprintf("%lld", vr->build->binary_bytes));
	json_object_set_new(o, "facts", facts);
	for (size_t i = 0; i < vr->errors.n; i++)
		json_array_append_new(errs, json_string(vr->errors.v[i]));
	json_object_set_new(o, "errors", errs);
	return o;
}

static void vrun_release(struct vrun *vr)
{
	free(vr->nsop.x);
	free(vr->wall.x);
	free(vr->round_of.x);
	for (int i = 0; i < RU_N; i++)
		free(vr->ru[i].x);
	for (size_t i = 0; i < vr->nwm; i++) {
		free(vr->wm[i].name);
		free(vr->wm[i].d.x);
	}
	free(vr->wm);
	tl_strv_release(&vr->fact_names);
	tl_strv_release(&vr->fact_vals);
	tl_strv_release(&vr->errors);
	free(vr->fail_status);
	free(vr->fail_reason);
	json_decref(vr->counted);
	json_decref(vr->absent);
}

/* ---- the terminal table ---------------------------------------------- */

static void fmt_si(char *buf, size_t n, double v, const char *unit)
{
	if (!strcmp(unit, "ns")) {
		if (v >= 1e9)
			snprintf(buf, n, "%.3g s", v / 1e9);
		else if (v >= 1e6)
			snprintf(buf, n, "%.3g ms", v / 1e6);
		else if (v >= 1e3)
			snprintf(buf, n, "%.3g us", v / 1e3);
		else
			snprintf(buf, n, "%.3g ns", v);
	} else if (!strcmp(unit, "bytes")) {
		if (v >= 1 << 20)
			snprintf(buf, n, "%.1f MiB", v / (1 << 20));
		else if (v >= 1 << 10)
			snprintf(buf, n, "%.1f KiB", v / (1 << 10));
		else
			snprintf(buf, n, "%.0f B", v);
	} else {
		snprintf(buf, n, "%.4g", v);
	}
}

static void print_case_table(const json_t *exp, const json_t *cs)
{
	const json_t *vars = json_object_get(cs, "variants"), *v;
	const char *kind = json_string_value(json_object_get(exp, "kind"));
	int is_proc = kind && !strcmp(kind, "process");
	const char *key = is_proc ? "wall_ns" : "ns_per_op";
	const char *pk;
	json_t *pv;
	size_t i;

	printf("\n%s", json_string_value(json_object_get(exp, "name")));
	json_object_foreach(json_object_get(cs, "params"), pk, pv)
		printf(" %s=%s", pk, json_string_value(pv));
	if (!is_proc)
		printf("  (%lld ops/sample)",
		       (long long)json_integer_value(
			       json_object_get(cs, "ops_per_sample")));
	printf("\n  %-22s %-12s %12s  %-25s %10s %9s%s\n", "variant", "status",
	       is_proc ? "wall/start" : "ns/op", "95% CI", "peak RSS",
	       "A/A MDE", is_proc ? "  faults minor/major" : "");
	json_array_foreach(vars, i, v)
	{
		const json_t *m =
			json_object_get(json_object_get(v, "metrics"), key);
		const json_t *rss = json_object_get(
			json_object_get(v, "metrics"), "peak_rss_bytes");
		const char *st =
			json_string_value(json_object_get(v, "status"));
		char med[32] = "-", ci[64] = "", r[32] = "-", mde[16] = "";
		const char *why =
			json_string_value(json_object_get(v, "reason"));

		if (why && !strcmp(why, NOT_SELECTED))
			continue; /* in the JSON, not worth a table row */

		if (m && json_object_get(m, "median")) {
			const json_t *c95 = json_object_get(m, "ci95");
			char lo[24], hi[24];

			fmt_si(med, sizeof(med),
			       json_number_value(json_object_get(m, "median")),
			       "ns");
			fmt_si(lo, sizeof(lo),
			       json_number_value(json_array_get(c95, 0)), "ns");
			fmt_si(hi, sizeof(hi),
			       json_number_value(json_array_get(c95, 1)), "ns");
			snprintf(ci, sizeof(ci), "[%s, %s]", lo, hi);
			if (json_object_get(m, "aa_mde_pct"))
				snprintf(mde, sizeof(mde), "%.1f%%",
					 json_number_value(json_object_get(
						 m, "aa_mde_pct")));
		}
		if (rss && json_object_get(rss, "median"))
			fmt_si(r, sizeof(r),
			       json_number_value(
				       json_object_get(rss, "median")),
			       "bytes");
		printf("  %-22s %-12s %12s  %-25s %10s %9s",
		       json_string_value(json_object_get(v, "name")), st, med,
		       ci, r, mde);
		if (is_proc) {
			const json_t *ms = json_object_get(v, "metrics");
			const json_t *mi = json_object_get(
				json_object_get(ms, "minor_faults"), "median");
			const json_t *ma = json_object_get(
				json_object_get(ms, "major_faults"), "median");

			if (mi && ma)
				printf("  %.0f/%.0f", json_number_value(mi),
				       json_number_value(ma));
		}
		printf("\n");
		if (strcmp(st, "ok") != 0 && why)
			printf("      %.*s\n", 110, why);
	}
}

/* The counting phase's figures, when there are any. */
static void print_counts_table(const json_t *cs)
{
	static const char *const cols[] = {
		"instructions_per_op", "branch_miss_ratio",  "l1i_miss_ratio",
		"l1d_miss_ratio",      "page_faults_per_op",
	};
	const json_t *vars = json_object_get(cs, "variants"), *v;
	int any = 0;
	size_t i;

	json_array_foreach(vars, i, v)
	{
		const json_t *m = json_object_get(v, "metrics");

		for (size_t k = 0; k < TL_ARRAY_SIZE(cols); k++)
			any |= json_object_get(m, cols[k]) != NULL;
		any |= json_object_get(json_object_get(v, "absent"),
				       "instructions_per_op") != NULL;
	}
	if (!any)
		return;
	printf("  %-22s %-6s %14s %10s %9s %9s %9s %9s\n", "counted", "source",
	       "instr/op", "expected", "br miss", "L1i miss", "L1d miss",
	       "faults/op");
	json_array_foreach(vars, i, v)
	{
		const json_t *m = json_object_get(v, "metrics");
		const json_t *ab = json_object_get(v, "absent");
		const json_t *ir = json_object_get(m, "instructions_per_op");
		const char *exp = json_string_value(
			json_object_get(json_object_get(v, "facts"),
					"expected_instructions_per_op"));
		const char *src =
			json_string_value(json_object_get(ir, "source"));
		char cell[TL_ARRAY_SIZE(cols)][24];

		if (!ir && !json_object_get(m, "page_faults_per_op") &&
		    !json_object_get(ab, "instructions_per_op"))
			continue;
		for (size_t k = 0; k < TL_ARRAY_SIZE(cols); k++) {
			const json_t *x = json_object_get(
				json_object_get(m, cols[k]), "median");
			int pct = strstr(cols[k], "ratio") != NULL;

			if (!x)
				snprintf(cell[k], sizeof(cell[k]), "-");
			else if (pct)
				snprintf(cell[k], sizeof(cell[k]), "%.3g%%",
					 100 * json_number_value(x));
			else
				snprintf(cell[k], sizeof(cell[k]), "%.6g",
					 json_number_value(x));
		}
		printf("  %-22s %-6s %14s %10s %9s %9s %9s %9s\n",
		       json_string_value(json_object_get(v, "name")),
		       src ? src : "-", cell[0], exp ? exp : "", cell[1],
		       cell[2], cell[3], cell[4]);
		if (json_object_get(ir, "flag"))
			printf("      flag: %.100s\n",
			       json_string_value(json_object_get(ir, "flag")));
		if (!ir && json_object_get(ab, "instructions_per_op"))
			printf("      instructions absent: %.100s\n",
			       json_string_value(json_object_get(
				       ab, "instructions_per_op")));
	}
}

static int wants_counts(struct ctx *c, const struct tl_experiment *e,
			const struct tl_variant *v)
{
	const char *const *pat = c->o->count_only;
	char full[256];

	if (!pat)
		return 1;
	snprintf(full, sizeof(full), "%s/%s", e->name, v->name);
	for (; *pat; pat++)
		if (!fnmatch(*pat, full, 0))
			return 1;
	return 0;
}

/* ---- the counting phase ---------------------------------------------- */

struct count_job {
	struct tl_counts_req rq;
	struct tl_strv wenv;
	char *wd;
	json_t *metrics, *absent; /* borrowed from the vrun */
};

struct count_pool {
	struct count_job *jobs;
	size_t n, next;
	pthread_mutex_t mu;
};

static void *sim_worker(void *arg)
{
	struct count_pool *cp = arg;

	for (;;) {
		size_t j;

		pthread_mutex_lock(&cp->mu);
		j = cp->next++;
		pthread_mutex_unlock(&cp->mu);
		if (j >= cp->n)
			return NULL;
		tl_counts_measure_sim(&cp->jobs[j].rq, cp->jobs[j].metrics,
				      cp->jobs[j].absent);
	}
}

/*
 * Counts the variants that want it. Kernel counts (pmu, sw) run one
 * process at a time, as timing does; simulated counts do not depend on
 * what else runs, so they run on every CPU at once.
 */
static void count_case(struct ctx *c, const struct tl_experiment *e,
		       struct vrun *vrs, const struct tl_build_result *builds,
		       const struct tl_strv *cparams, const char *label,
		       uint64_t ops, const struct tl_build_opts *bo)
{
	struct count_pool cp = {0};
	pthread_t th[4];
	int nth = tl_os_ncpus() < 4 ? tl_os_ncpus() : 4, started = 0;
	size_t i;

	cp.jobs = xcalloc(e->nvariants, sizeof(*cp.jobs));
	for (i = 0; i < e->nvariants; i++) {
		struct count_job *j = &cp.jobs[cp.n];

		if (builds[i].status != TL_BUILD_OK || vrs[i].nok == 0 ||
		    vrs[i].facts_only || e->kind != TL_KIND_LOOP ||
		    !wants_counts(c, e, vrs[i].v))
			continue;
		j->wd = xasprintf("%s/count-%zu", c->workroot, i);
		tl_mkdirs(j->wd);
		workload_env(c, vrs[i].v, j->wd, &j->wenv);
		vrs[i].counted = json_object();
		j->metrics = vrs[i].counted;
		j->absent = vrs[i].absent;
		j->rq = (struct tl_counts_req){
			.root = c->o->root,
			.mode = c->o->counters,
			.env = &c->env,
			.exp = e,
			.variant = vrs[i].v,
			.bin = builds[i].bin,
			.ops = vrs[i].ops ? vrs[i].ops : (ops ? ops : 1),
			.params = cparams,
			.timeout_s = var_timeout(e, vrs[i].v),
			.build_opts = bo,
			.wenv = &j->wenv,
			.workdir = j->wd,
		};
		progress(c, "%s %s counting %s (%s)", e->name, label,
			 vrs[i].v->name, tl_counters_mode_name(c->o->counters));
		tl_counts_measure_perf(&j->rq, j->metrics, j->absent);
		cp.n++;
	}
	if (cp.n)
		progress(c, "%s %s simulating %zu variant(s) on %d CPUs",
			 e->name, label, cp.n, nth);
	pthread_mutex_init(&cp.mu, NULL);
	for (int t = 0; t < nth; t++)
		if (pthread_create(&th[t], NULL, sim_worker, &cp) == 0)
			started++;
	if (!started)
		sim_worker(&cp);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&cp.mu);
	for (i = 0; i < cp.n; i++) {
		tl_rmtree(cp.jobs[i].wd);
		free(cp.jobs[i].wd);
		tl_strv_release(&cp.jobs[i].wenv);
	}
	free(cp.jobs);
}

/* ---- cases and experiments ------------------------------------------- */

/* Values of one param for this run: --param override, quick or default. */
static const struct tl_strv *
param_values(struct ctx *c, const struct tl_param *p, struct tl_strv *scratch)
{
	const char *const *ov = c->o->params;
	size_t nl = strlen(p->name), el = strlen(c->cur_exp);

	for (; ov && *ov; ov++) {
		const char *o = *ov;

		/* "EXP/KEY=..." applies to that experiment only. */
		if (!strncmp(o, c->cur_exp, el) && o[el] == '/')
			o += el + 1;
		else if (strchr(o, '/') && strchr(o, '/') < strchr(o, '='))
			continue;
		if (!strncmp(o, p->name, nl) && o[nl] == '=') {
			const char *s = o + nl + 1;

			while (*s) {
				size_t n = strcspn(s, ",");

				tl_strv_push_owned(scratch, xstrndup(s, n));
				s += n + (s[n] == ',');
			}
			return scratch;
		}
	}
	return c->o->quick ? &p->quick : &p->defaults;
}

static int variant_selected(struct ctx *c, const struct tl_experiment *e,
			    const struct tl_variant *v)
{
	const char *const *pat = c->o->variants;
	char full[256];

	if (!pat || !*pat)
		return 1;
	snprintf(full, sizeof(full), "%s/%s", e->name, v->name);
	for (; *pat; pat++)
		if (!fnmatch(*pat, v->name, 0) || !fnmatch(*pat, full, 0))
			return 1;
	return 0;
}

/* NULL when the variant is to be built, else why it is skipped. */
static const char *skip_reason(struct ctx *c, const struct tl_experiment *e,
			       const struct tl_variant *v)
{
	if (!variant_selected(c, e, v))
		return NOT_SELECTED;
	if (c->o->interfere && !strcmp(c->o->interfere, "malloc-fail") &&
	    v->lang != TL_LANG_C && v->lang != TL_LANG_CPP)
		return "not applicable under --interfere malloc-fail: libfiu "
		       "injects into libc malloc, which Go and Zig allocators "
		       "do not use";
	return NULL;
}

/*
 * Builds every variant of the run up front on all CPUs (a fresh machine
 * spends most of its first run compiling; Zig alone takes tens of seconds
 * a binary). Results are kept in c->pre for run_experiment.
 */
struct prebuild {
	struct ctx *c;
	const struct tl_experiment **todo;
	size_t ntodo, njobs;
	size_t (*jobs)[2];
	size_t next, done;
	pthread_mutex_t mu;
};

static void *prebuild_worker(void *arg)
{
	struct prebuild *pb = arg;
	struct tl_build_opts bo = {.root = pb->c->o->root,
				   .tools = &pb->c->env.tools,
				   .target = pb->c->o->target};

	for (;;) {
		size_t j, ei, vi;
		struct tl_build_result *r;

		pthread_mutex_lock(&pb->mu);
		j = pb->next++;
		pthread_mutex_unlock(&pb->mu);
		if (j >= pb->njobs)
			return NULL;
		ei = pb->jobs[j][0];
		vi = pb->jobs[j][1];
		r = &pb->c->pre[ei][vi];
		if (tl_build_variant(&bo, pb->todo[ei],
				     &pb->todo[ei]->variants[vi], r) != 0 &&
		    r->status == TL_BUILD_OK) {
			r->status = TL_BUILD_FAILED;
			r->reason =
				xstrdup("traplab could not stage the build");
		}
		pthread_mutex_lock(&pb->mu);
		pb->done++;
		if (pb->c->is_tty)
			fprintf(stderr, "\r\033[K[build %zu/%zu] %s/%s%s",
				pb->done, pb->njobs, pb->todo[ei]->name,
				pb->todo[ei]->variants[vi].name,
				r->cached ? " (cached)" : "");
		pthread_mutex_unlock(&pb->mu);
	}
}

static void prebuild(struct ctx *c, const struct tl_experiment **todo,
		     size_t ntodo)
{
	struct prebuild pb = {.c = c, .todo = todo, .ntodo = ntodo};
	pthread_t th[4];
	int nth = tl_os_ncpus() < 4 ? tl_os_ncpus() : 4, started = 0;

	c->pre = xcalloc(ntodo, sizeof(*c->pre));
	for (size_t ei = 0; ei < ntodo; ei++) {
		c->pre[ei] = xcalloc(todo[ei]->nvariants + 1, sizeof(**c->pre));
		c->cur_exp = todo[ei]->name;
		for (size_t vi = 0; vi < todo[ei]->nvariants; vi++) {
			const char *why = skip_reason(c, todo[ei],
						      &todo[ei]->variants[vi]);

			if (why) {
				c->pre[ei][vi].status = TL_BUILD_SKIPPED;
				c->pre[ei][vi].reason = xstrdup(why);
				continue;
			}
			pb.jobs = xrealloc(pb.jobs,
					   (pb.njobs + 1) * sizeof(*pb.jobs));
			pb.jobs[pb.njobs][0] = ei;
			pb.jobs[pb.njobs][1] = vi;
			pb.njobs++;
		}
	}
	tl_proc_launcher(); /* resolve once, before threads */
	pthread_mutex_init(&pb.mu, NULL);
	for (int t = 0; t < nth; t++)
		if (pthread_create(&th[t], NULL, prebuild_worker, &pb) == 0)
			started++;
	if (!started)
		prebuild_worker(&pb);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&pb.mu);
	if (c->is_tty)
		fprintf(stderr, "\r\033[K");
	free(pb.jobs);
}

static void write_results(struct ctx *c)
{
	char *s = json_dumps(c->root, TL_JSON_DUMP_FLAGS);
	char *dir, *slash, *latest;

	if (!s)
		return;
	dir = xstrdup(c->out_path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		tl_mkdirs(dir);
	}
	if (tl_write_file_atomic(c->out_path, s, strlen(s)) != 0)
		fprintf(stderr, "traplab: cannot write '%s': %s\n", c->out_path,
			strerror(errno));
	latest = xasprintf("%s/latest.json", slash ? dir : ".");
	if (strcmp(latest, c->out_path) != 0)
		tl_write_file_atomic(latest, s, strlen(s));
	free(latest);
	free(dir);
	free(s);
}

static void run_experiment(struct ctx *c, const struct tl_experiment *e,
			   size_t ei)
{
	struct tl_build_opts bo = {.root = c->o->root,
				   .tools = &c->env.tools,
				   .target = c->o->target};
	struct tl_build_result *builds = xcalloc(e->nvariants, sizeof(*builds));
	struct tl_strv *vals = xcalloc(e->nparams + 1, sizeof(*vals));
	const struct tl_strv **pv = xcalloc(e->nparams + 1, sizeof(*pv));
	size_t *idx = xcalloc(e->nparams + 1, sizeof(*idx));
	json_t *ej = json_object(), *cases = json_array();
	struct tl_chaos chaos;
	int chaos_on = 0;
	size_t i, ncases = 1;
	uint64_t t0 = tl_os_now_ns();

	c->cur_exp = e->name;

	json_object_set_new(ej, "name", json_string(e->name));
	json_object_set_new(ej, "section",
			    json_string(e->section ? e->section : ""));
	json_object_set_new(ej, "description", json_string(e->description));
	json_object_set_new(
		ej, "kind",
		json_string(e->kind == TL_KIND_PROCESS ? "process" : "loop"));
	json_object_set_new(ej, "unit", json_string(e->unit));
	json_object_set_new(ej, "cases", cases);
	json_array_append_new(c->exps, ej);

	for (i = 0; i < e->nvariants; i++) {
		const struct tl_variant *v = &e->variants[i];
		const char *why = skip_reason(c, e, v);

		if (c->pre) {
			builds[i] = c->pre[ei][i];
			memset(&c->pre[ei][i], 0, sizeof(c->pre[ei][i]));
		} else if (why) {
			builds[i].status = TL_BUILD_SKIPPED;
			builds[i].reason = xstrdup(why);
			continue;
		} else {
			progress(c, "%s building %s", e->name, v->name);
			if (tl_build_variant(&bo, e, v, &builds[i]) != 0 &&
			    builds[i].status == TL_BUILD_OK) {
				builds[i].status = TL_BUILD_FAILED;
				builds[i].reason = xstrdup(
					"traplab could not stage the build");
			}
		}
		if (builds[i].status == TL_BUILD_FAILED) {
			const char *log = builds[i].log ? builds[i].log : "";
			const char *end = log;

			/* The first lines; the whole log is in the results. */
			for (int nl = 0; *end && nl < 6; end++)
				nl += *end == '\n';
			progress_done(c);
			fprintf(stderr,
				"traplab: %s/%s: build failed: %s\n%.*s%s\n",
				e->name, v->name, builds[i].reason,
				(int)(end - log), log,
				*end ? "    ... (the whole log is in the "
				       "results "
				       "JSON: build.log)"
				     : "");
		}
	}

	if (c->o->interfere && strcmp(c->o->interfere, "malloc-fail") != 0) {
		int cerr = tl_chaos_start(c->o->interfere, CHAOS_MAX_S, &chaos);

		if (cerr)
			fprintf(stderr,
				"traplab: cannot start interference '%s': %s\n",
				c->o->interfere, strerror(-cerr));
		else
			chaos_on = 1;
	}
	for (i = 0; i < e->nparams; i++) {
		pv[i] = param_values(c, &e->params[i], &vals[i]);
		ncases *= pv[i]->n ? pv[i]->n : 1;
	}
	for (size_t ci = 0; ci < ncases; ci++) {
		struct vrun *vrs = xcalloc(e->nvariants, sizeof(*vrs));
		struct tl_strv cparams = TL_STRV_INIT;
		struct tl_buf label = TL_BUF_INIT;
		json_t *cj = json_object(), *pj = json_object(),
		       *vj = json_array();
		uint64_t ops = 0;
		int rounds = 0, spr = 0;
		size_t rest = ci;

		for (i = 0; i < e->nparams; i++) {
			size_t n = pv[i]->n ? pv[i]->n : 1;
			const char *val = pv[i]->v[rest % n];

			rest /= n;
			tl_strv_push_owned(
				&cparams,
				xasprintf("%s=%s", e->params[i].name, val));
			json_object_set_new(pj, e->params[i].name,
					    json_string(val));
			tl_buf_printf(&label, "%s%s", i ? " " : "",
				      cparams.v[cparams.n - 1]);
		}
		for (i = 0; i < e->nvariants; i++) {
			vrs[i].v = &e->variants[i];
			vrs[i].build = &builds[i];
			vrs[i].absent = json_object();
		}
		if (e->kind == TL_KIND_PROCESS) {
			int cold = tl_strv_has(&cparams, "page_cache=cold");

			run_process_case(c, e, vrs, e->nvariants,
					 tl_buf_str(&label), cold, &rounds,
					 &spr);
			json_object_set_new(
				cj, "page_cache",
				json_string(cold ? "cold: the binary was "
						   "evicted from the page "
						   "cache before each start "
						   "(shared libraries stay "
						   "cached)"
						 : "warm: the binary was run "
						   "before timing"));
		} else {
			run_loop_case(c, e, vrs, e->nvariants, &cparams,
				      tl_buf_str(&label), &ops, &rounds, &spr);
			json_object_set_new(cj, "ops_per_sample",
					    json_integer((json_int_t)ops));
		}
		if (c->o->counters != TL_COUNTERS_OFF)
			count_case(c, e, vrs, builds, &cparams,
				   tl_buf_str(&label), ops, &bo);
		json_object_set_new(cj, "params", pj);
		json_object_set_new(cj, "rounds", json_integer(rounds));
		json_object_set_new(cj, "samples_per_round", json_integer(spr));
		for (i = 0; i < e->nvariants; i++)
			json_array_append_new(vj, variant_json(c, e, &vrs[i]));
		json_object_set_new(cj, "variants", vj);
		json_array_append_new(cases, cj);
		progress_done(c);
		print_case_table(ej, cj);
		print_counts_table(cj);
		fflush(stdout);
		for (i = 0; i < e->nvariants; i++)
			vrun_release(&vrs[i]);
		free(vrs);
		tl_strv_release(&cparams);
		tl_buf_release(&label);
		write_results(c);
	}

	json_object_set_new(ej, "elapsed_s",
			    json_real((double)(tl_os_now_ns() - t0) / 1e9));
	if (c->o->verbose)
		fprintf(stderr, "traplab: %s took %.1f s\n", e->name,
			(double)(tl_os_now_ns() - t0) / 1e9);
	if (chaos_on)
		tl_chaos_stop(&chaos);
	for (i = 0; i < e->nvariants; i++)
		tl_build_result_release(&builds[i]);
	for (i = 0; i < e->nparams; i++)
		tl_strv_release(&vals[i]);
	free(builds);
	free(vals);
	free(pv);
	free(idx);
}

int tl_run_experiments(const struct tl_run_opts *opts, const char *const *names,
		       size_t n, const char *out_json_path)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct ctx c;
	const struct tl_experiment **todo;
	size_t ntodo = 0, i;
	uint64_t t0 = tl_os_now_ns();
	char when[32];
	json_t *oj;
	int ret = 0;

	memset(&c, 0, sizeof(c));
	c.o = opts;
	c.out_path = out_json_path;
	c.seed = opts->seed ? opts->seed : TL_STATS_BOOT_SEED;
	c.is_tty = isatty(2);
	if (tl_registry_load(&c.reg, opts->root, &d) < 0) {
		for (i = 0; i < d.msgs.n; i++)
			fprintf(stderr, "traplab: %s\n", d.msgs.v[i]);
		tl_diag_release(&d);
		return 1;
	}
	for (i = 0; i < d.msgs.n; i++)
		fprintf(stderr, "traplab: %s (experiment left out)\n",
			d.msgs.v[i]);
	tl_diag_release(&d);

	todo = xcalloc(c.reg.nexps + n + 1, sizeof(*todo));
	if (n == 0) {
		for (i = 0; i < c.reg.nexps; i++)
			todo[ntodo++] = &c.reg.exps[i];
	}
	for (i = 0; i < n; i++) {
		const struct tl_experiment *e =
			tl_registry_find(&c.reg, names[i]);

		if (!e) {
			fprintf(stderr,
				"traplab: no experiment '%s' (traplab list "
				"shows them)\n",
				names[i]);
			ret = 1;
			continue;
		}
		todo[ntodo++] = e;
	}
	if (ntodo == 0) {
		if (!ret)
			fprintf(stderr, "traplab: no experiments to run\n");
		free(todo);
		tl_registry_release(&c.reg);
		return 1;
	}

	if (opts->interfere) {
		enum tl_chaos_kind k;

		if (tl_chaos_parse(opts->interfere, &k)) {
			fprintf(stderr,
				"traplab: --interfere is cpu, cache, membw or "
				"malloc-fail, not '%s'\n",
				opts->interfere);
			free(todo);
			tl_registry_release(&c.reg);
			return 1;
		}
	}
	tl_env_probe(&c.env, opts->root);
	c.target_ns = 1000 * c.env.clock_resolution_ns;
	if (c.target_ns < 1e6)
		c.target_ns = 1e6;
	/* Per run: two runs at once must not clear each other's folders. */
	c.workroot =
		xasprintf("%s/.cache/work/run-%ld", opts->root, (long)getpid());
	tl_mkdirs(c.workroot);
	for (i = 0; i < TL_LANG_COUNT; i++)
		if (!c.env.tools.lang[i].path)
			fprintf(stderr, "traplab: %s variants skipped: %s\n",
				tl_lang_name((enum tl_lang)i),
				c.env.tools.lang[i].missing);
	if (opts->counters == TL_COUNTERS_AUTO)
		fprintf(stderr, "traplab: counters auto: %s\n",
			c.env.pmu.has_pmu
				? "hardware counters (PMU present)"
				: "software events + cachegrind simulation "
				  "(no PMU)");
	if ((opts->counters == TL_COUNTERS_PMU ||
	     opts->counters == TL_COUNTERS_AUTO) &&
	    !c.env.pmu.has_pmu)
		fprintf(stderr,
			"traplab: hardware counters absent: %s (software "
			"events still counted)\n",
			c.env.pmu.hw_reason);

	c.root = json_object();
	json_object_set_new(c.root, "schema", json_string("traplab.results/1"));
	json_object_set_new(c.root, "traplab",
			    json_pack("{s:s,s:o}", "version", TL_VERSION,
				      "commit",
				      c.env.commit ? json_string(c.env.commit)
						   : json_null()));
	tl_os_utc_iso(when, sizeof(when));
	json_object_set_new(c.root, "started_utc", json_string(when));
	oj = json_pack(
		"{s:b,s:s,s:s,s:i,s:I,s:i,s:i,s:i}", "quick", opts->quick,
		"counters", tl_counters_mode_name(opts->counters), "target",
		tl_target_name(opts->target), "pin", opts->pin_cpu, "seed",
		(json_int_t)c.seed, "rounds", opts->rounds, "samples",
		opts->samples, "warmup", opts->warmup >= 0 ? opts->warmup : 1);
	json_object_set_new(oj, "sample_target_ns", json_real(c.target_ns));
	json_object_set_new(oj, "interfere",
			    opts->interfere ? json_string(opts->interfere)
					    : json_null());
	json_object_set_new(c.root, "options", oj);
	json_object_set_new(c.root, "env", tl_env_json(&c.env));
	c.exps = json_array();
	json_object_set_new(c.root, "experiments", c.exps);

	c.nsteps = (int)ntodo;
	prebuild(&c, todo, ntodo);
	for (i = 0; i < ntodo; i++) {
		c.step = (int)i + 1;
		run_experiment(&c, todo[i], i);
	}
	{
		double mde;
		json_t *nz = json_object();

		if (tl_stats_median(c.mdes.x, c.mdes.n, &mde) == 0) {
			json_object_set_new(nz, "aa_mde_pct", json_real(mde));
			json_object_set_new(
				nz, "how",
				json_string(
					"median over variants of the 95% "
					"half-width of the ratio of medians "
					"of each variant's even rounds to "
					"its odd rounds (A/A)"));
			printf("\nnoise floor (A/A, median over variants): "
			       "differences under %.1f%% are not resolvable "
			       "on this machine\n",
			       mde);
		} else {
			json_object_set_new(nz, "absent",
					    json_string("too few rounds for an "
							"A/A split"));
		}
		json_object_set_new(c.root, "noise", nz);
	}
	json_object_set_new(c.root, "elapsed_s",
			    json_real((double)(tl_os_now_ns() - t0) / 1e9));
	write_results(&c);
	printf("\nresults: %s (%.1f s)\n", out_json_path,
	       (double)(tl_os_now_ns() - t0) / 1e9);
	if (opts->history_db) {
		int herr = tl_history_store(opts->history_db, out_json_path);

		/* The URL may hold a password: say only what kind failed. */
		if (herr) {
			fprintf(stderr,
				"traplab: cannot store the run in the %s "
				"history: "
				"%s (the results file is kept)\n",
				tl_history_is_postgres(opts->history_db)
					? "PostgreSQL"
					: "SQLite",
				strerror(-herr));
			ret = 1;
		}
	}

	json_decref(c.root);
	for (i = 0; i < ntodo; i++)
		free(c.pre[i]);
	free(c.pre);
	free(c.mdes.x);
	tl_rmtree(c.workroot);
	free(c.workroot);
	free(todo);
	tl_env_release(&c.env);
	tl_registry_release(&c.reg);
	return ret;
}

/* ---- traplab run ------------------------------------------------------ */

static void run_usage(FILE *f)
{
	fputs("usage: traplab run [EXPERIMENT...] [options]\n"
	      "\n"
	      "Builds, runs and measures experiments (all when none is "
	      "named),\n"
	      "prints a table per case and writes a results JSON.\n"
	      "\n"
	      "  -q, --quick            the params' quick values, 3 rounds\n"
	      "  -p, --param K=V1,V2    override a param's values "
	      "(repeatable;\n"
	      "                         EXP/K=V1,V2 for one experiment only)\n"
	      "  -V, --variant PATTERN  only variants matching (fnmatch; NAME "
	      "or\n"
	      "                         EXP/NAME; repeatable)\n"
	      "  -c, --counters MODE    off (default), auto, pmu, sim, sw\n"
	      "  -t, --target T         default, native or baseline CPU "
	      "target\n"
	      "      --pin CPU          pin every workload to one CPU\n"
	      "  -r, --rounds N         interleaved rounds (default 5, quick "
	      "3)\n"
	      "  -s, --samples N        samples per process after warm-up\n"
	      "      --warmup N         samples discarded per process (default "
	      "1)\n"
	      "      --seed N           bootstrap seed (default fixed)\n"
	      "  -o, --out FILE         results file (default\n"
	      "                         results/run-YYYYmmdd-HHMMSS.json)\n"
	      "      --history FILE|URL store the run: a SQLite file or\n"
	      "                         postgres://... (default\n"
	      "                         $TRAPLAB_HISTORY, else\n"
	      "                         results/history.sqlite)\n"
	      "      --no-history       do not store the run\n"
	      "      --interfere KIND   run under interference (cpu, cache,\n"
	      "                         membw, malloc-fail)\n"
	      "  -v, --verbose          one progress line per step\n"
	      "\n"
	      "Exit status: 0 when the run completed (failed variants are\n"
	      "recorded in the results), 1 when an experiment is unknown or\n"
	      "the run could not be stored, 2 on a usage error.\n",
	      f);
}

/* Parses a non-negative integer option; -1 on error (after a message). */
static long long opt_int(const char *name, const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || end == s || v < 0) {
		fprintf(stderr, "traplab: --%s wants a number >= 0, not '%s'\n",
			name, s);
		return -1;
	}
	return v;
}

int cmd_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{"quick", no_argument, NULL, 'q'},
		{"param", required_argument, NULL, 'p'},
		{"variant", required_argument, NULL, 'V'},
		{"counters", required_argument, NULL, 'c'},
		{"target", required_argument, NULL, 't'},
		{"pin", required_argument, NULL, 1},
		{"rounds", required_argument, NULL, 'r'},
		{"samples", required_argument, NULL, 's'},
		{"warmup", required_argument, NULL, 2},
		{"seed", required_argument, NULL, 3},
		{"out", required_argument, NULL, 'o'},
		{"history", required_argument, NULL, 4},
		{"no-history", no_argument, NULL, 5},
		{"interfere", required_argument, NULL, 6},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct tl_strv params = TL_STRV_INIT, variants = TL_STRV_INIT;
	struct tl_run_opts o;
	char *out = NULL, *hist = NULL;
	int no_hist = 0, ch, ret;
	long long v;

	tl_run_opts_init(&o, tl_cli_root());
	optind = 1;
	while ((ch = getopt_long(argc, argv, "qp:V:c:t:r:s:o:vh", lo, NULL)) !=
	       -1) {
		switch (ch) {
		case 'q':
			o.quick = 1;
			break;
		case 'p':
			if (!strchr(optarg, '=')) {
				fprintf(stderr,
					"traplab: --param wants KEY=V1,V2, not "
					"'%s'\n",
					optarg);
				goto usage;
			}
			tl_strv_push(&params, optarg);
			break;
		case 'V':
			tl_strv_push(&variants, optarg);
			break;
		case 'c':
			if (tl_counters_mode_parse(optarg, &o.counters)) {
				fprintf(stderr,
					"traplab: --counters is off, auto, "
					"pmu, "
					"sim or sw, not '%s'\n",
					optarg);
				goto usage;
			}
			break;
		case 't':
			if (tl_target_parse(optarg, &o.target)) {
				fprintf(stderr,
					"traplab: --target is default, native "
					"or baseline, not '%s'\n",
					optarg);
				goto usage;
			}
			break;
		case 1:
			if ((v = opt_int("pin", optarg)) < 0)
				goto usage;
			o.pin_cpu = (int)v;
			break;
		case 'r':
			if ((v = opt_int("rounds", optarg)) < 0)
				goto usage;
			o.rounds = (int)v;
			break;
		case 's':
			if ((v = opt_int("samples", optarg)) < 0)
				goto usage;
			o.samples = (int)v;
			break;
		case 2:
			if ((v = opt_int("warmup", optarg)) < 0)
				goto usage;
			o.warmup = (int)v;
			break;
		case 3:
			if ((v = opt_int("seed", optarg)) < 0)
				goto usage;
			o.seed = (uint64_t)v;
			break;
		case 'o':
			free(out);
			out = xstrdup(optarg);
			break;
		case 4:
			free(hist);
			hist = xstrdup(optarg);
			break;
		case 5:
			no_hist = 1;
			break;
		case 6:
			o.interfere = optarg;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'h':
			run_usage(stdout);
			ret = 0;
			goto out;
		default:
			goto usage;
		}
	}
	o.params = tl_strv_cstr(&params);
	o.variants = tl_strv_cstr(&variants);
	if (!out) {
		char stamp[32];

		tl_os_utc_iso(stamp, sizeof(stamp));
		for (char *p = stamp; *p; p++)
			if (*p == ':')
				*p = '-';
		out = xasprintf("%s/results/run-%s.json", tl_cli_root(), stamp);
	}
	if (!hist && !no_hist)
		hist = getenv("TRAPLAB_HISTORY") && *getenv("TRAPLAB_HISTORY")
			       ? xstrdup(getenv("TRAPLAB_HISTORY"))
			       : xasprintf("%s/results/history.sqlite",
					   tl_cli_root());
	o.history_db = no_hist ? NULL : hist;
	ret = tl_run_experiments(&o, (const char *const *)argv + optind,
				 (size_t)(argc - optind), out);
	goto out;
usage:
	run_usage(stderr);
	ret = 2;
out:
	free(out);
	free(hist);
	tl_strv_release(&params);
	tl_strv_release(&variants);
	return ret;
}
