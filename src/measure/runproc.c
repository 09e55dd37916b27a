/*
 * runproc.c - one workload process of a run: its argv, its environment,
 * and what becomes of its outcome (samples, facts, rusage or a failure
 * with its reason). See run_int.h.
 */
#include "measure/run_int.h"
#include "measure/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "machine/chaos.h"
#include "base/os.h"
#include "base/proc.h"

#include "base/banned.h"

/* --interfere malloc-fail: the chance that one malloc call fails. */
#define MALLOC_FAIL_P 0.001

/* The environment every workload gets, plus the variant's own. */
void tl__run_workload_env(struct ctx *c, const struct tl_variant *v,
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
	/*
	 * The compilers a workload drives (probes, the build experiment)
	 * share the build phase's Zig global cache: compiler_rt is built
	 * once, not again into ~/.cache/zig (5 s of escape's probe on a
	 * fresh machine), and nothing of traplab's lands outside .cache.
	 */
	tl_strv_push_owned(
		env, xasprintf("ZIG_GLOBAL_CACHE_DIR=%s/.cache/zig-global",
			       c->o->root));
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
	case TL_PROC_INTERRUPTED:
		return "interrupted";
	default:
		return "crashed";
	}
}

void tl__run_record_failure(struct vrun *vr, const char *status,
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

void tl__run_wm_push(struct vrun *vr, const char *name, double value, int r)
{
	size_t i;

	for (i = 0; i < vr->nwm && strcmp(vr->wm[i].name, name); i++)
		;
	if (i == vr->nwm) {
		TL_VEC_RESERVE(vr->wm, vr->cap_wm, vr->nwm + 1);
		memset(&vr->wm[i], 0, sizeof(vr->wm[0]));
		vr->wm[i].name = xstrdup(name);
		vr->nwm++;
	}
	tl_dvec_push(&vr->wm[i].d, value);
	tl_dvec_push(&vr->wm[i].round, r);
}

/*
 * Runs one workload process (tl__run_process), or with starts > 0 a batch
 * of that many starts from one launcher (tl__run_starts; 1 when a batch
 * cannot be had here). argv is complete. On success the parsed protocol
 * is in *p (caller releases). Returns 0 when the process ran and produced
 * valid protocol output, else records the failure on vr and returns -1.
 */
static int run_one(struct ctx *c, struct vrun *vr, struct tl_strv *argv,
		   int parse, int starts, int cold, struct tl_proto *p,
		   struct tl_proc_result *pr, double timeout_s,
		   const struct tl_strv *extra_env)
{
	struct tl_strv env = TL_STRV_INIT;
	struct tl_proc_spec spec = {0};
	char *workdir =
		xasprintf("%s/w%ld-%u", c->workroot, (long)getpid(),
			  __atomic_add_fetch(&c->nproc, 1, __ATOMIC_SEQ_CST));
	char why[300], perr[256];
	int ret = -1, err;

	tl_mkdirs(workdir);
	tl__run_workload_env(c, vr->v, workdir, &env);
	for (size_t i = 0; extra_env && i < extra_env->n; i++)
		tl_strv_push(&env, extra_env->v[i]);
	spec.argv = tl_strv_cstr(argv);
	spec.env = tl_strv_cstr(&env);
	spec.timeout_s = timeout_s;
	spec.pin_cpu = c->o->pin_cpu;
	spec.discard_stdout = !parse;
	spec.cwd = workdir;
	spec.starts = starts;
	spec.evict = cold;
	if (starts > 0) {
		/* timeout_s is one start's; the batch gets all of theirs */
		spec.start_timeout_s = (int)ceil(timeout_s);
		spec.timeout_s = timeout_s * starts;
	}
	err = tl_proc_run(&spec, pr);
	if (err == -ENOTSUP && starts > 0) {
		ret = 1;
		goto out;
	}
	if (err) {
		tl__run_record_failure(vr, "crashed",
				       "traplab could not start it", NULL);
		goto out;
	}
	if (pr->leaked) {
		/* Whatever it measured, it did not clean up after itself. */
		snprintf(why, sizeof(why),
			 "left %d descendant process%s running after it ended "
			 "(setsid or double fork); traplab killed them",
			 pr->leaked, pr->leaked == 1 ? "" : "es");
		tl__run_record_failure(vr, "leaked", why, pr->err_tail);
		goto out;
	}
	if (starts > 0 && pr->nstarts > 0) {
		ret = 0; /* each start's end is the caller's to judge */
		goto out;
	}
	if (pr->end != TL_PROC_EXITED || pr->exit_code != 0) {
		tl_proc_describe(pr, why, sizeof(why));
		if (pr->end == TL_PROC_EXITED && pr->exit_code == 3)
			tl__run_record_failure(vr, "skipped",
					       "the workload skipped itself",
					       pr->err_tail);
		else
			tl__run_record_failure(vr, status_of(pr), why,
					       pr->err_tail);
		goto out;
	}
	if (parse &&
	    tl_proto_parse(p, pr->out, pr->out_len, perr, sizeof(perr)) != 0) {
		snprintf(why, sizeof(why), "printed a non-protocol %s", perr);
		tl__run_record_failure(vr, "bad_output", why, pr->err_tail);
		goto out;
	}
	ret = 0;
out:
	tl_rmtree(workdir);
	free(workdir);
	tl_strv_release(&env);
	return ret;
}

int tl__run_process(struct ctx *c, struct vrun *vr, struct tl_strv *argv,
		    int parse, struct tl_proto *p, struct tl_proc_result *pr,
		    double timeout_s)
{
	return run_one(c, vr, argv, parse, 0, 0, p, pr, timeout_s, NULL);
}

/*
 * Gated processes (tl__run_gated). Each has two FIFOs in the run's work
 * folder, held open O_RDWR here, so that neither side's open blocks and
 * the workload's read sees EOF if traplab goes away: ready (the workload
 * writes a byte when its set-up is done) and go (traplab writes one when
 * its turn comes). A thread per process sits in tl_proc_run.
 */
struct gate {
	struct ctx *c;
	struct tl__gated *g;
	char *path[2];
	int fd[2]; /* ready, go */
	int ready;
	int done;	/* atomic: the process has ended */
	int unthreaded; /* no thread could be made: run alone */
	size_t n;	/* processes gated together */
	int late;	/* still in its set-up at its limit */
	pthread_t thread;
	struct tl_strv env;
};

static void *gate_thread(void *arg)
{
	struct gate *t = arg;
	struct tl__gated *g = t->g;

	/*
	 * Its limit covers its own life and its waits: at most the others'
	 * set-ups and timings, each within its own limit. So one that hangs
	 * in its set-up is killed at its limit, and the ones waiting for it
	 * are not killed for waiting.
	 */
	g->ret = run_one(t->c, g->vr, &g->argv, 1, 0, 0, &g->p, &g->pr,
			 g->timeout_s * (double)t->n, &t->env);
	__atomic_store_n(&t->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int gate_open(struct ctx *c, struct gate *t, size_t i)
{
	static const char *const name[2] = {"ready", "go"};
	static const char *const var[2] = {"TL_GATE_READY", "TL_GATE_GO"};

	for (int k = 0; k < 2; k++) {
		t->path[k] = xasprintf("%s/gate%ld-%zu.%s", c->workroot,
				       (long)getpid(), i, name[k]);
		unlink(t->path[k]);
		if (mkfifo(t->path[k], 0600) < 0)
			return -errno;
		t->fd[k] = open(t->path[k], O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (t->fd[k] < 0)
			return -errno;
		tl_strv_push_owned(&t->env,
				   xasprintf("%s=%s", var[k], t->path[k]));
	}
	return 0;
}

static void gate_close(struct gate *t)
{
	for (int k = 0; k < 2; k++) {
		if (t->fd[k] >= 0)
			close(t->fd[k]);
		if (t->path[k])
			unlink(t->path[k]);
		free(t->path[k]);
	}
	tl_strv_release(&t->env);
}

/* Reads a ready byte that has come (non-blocking); 1 when ready. */
static int gate_ready(struct gate *t)
{
	char b;

	if (!t->ready && read(t->fd[0], &b, 1) == 1)
		t->ready = 1;
	return t->ready;
}

/*
 * Waits until every process has said it is ready or has ended, or one
 * has spent its own limit in its set-up (returned: 1, a straggler).
 */
static int gate_wait_ready(struct gate *t, size_t n)
{
	struct pollfd *pf = xcalloc(n, sizeof(*pf));
	uint64_t t0 = tl_os_now_ns();
	int late = 0;

	while (!late) {
		double waited = (double)(tl_os_now_ns() - t0) / 1e9;
		size_t k = 0;

		for (size_t i = 0; i < n; i++) {
			if (gate_ready(&t[i]) ||
			    __atomic_load_n(&t[i].done, __ATOMIC_SEQ_CST))
				continue;
			if (waited > t[i].g->timeout_s)
				late = 1;
			pf[k++] = (struct pollfd){t[i].fd[0], POLLIN, 0};
		}
		if (!k)
			break;
		/* an end is seen by its flag: look again every 20 ms */
		(void)poll(pf, k, 20);
	}
	free(pf);
	return late;
}

int tl__run_gated(struct ctx *c, struct tl__gated *g, size_t n)
{
	struct gate *t = xcalloc(n, sizeof(*t));
	const char *late_one = NULL;
	size_t i;
	int err = 0;

	for (i = 0; i < n; i++) {
		t[i].c = c;
		t[i].g = &g[i];
		t[i].fd[0] = t[i].fd[1] = -1;
		t[i].n = n;
		g[i].ret = -1;
	}
	for (i = 0; i < n && !err; i++)
		err = gate_open(c, &t[i], i);
	if (err)
		goto out;
	(void)tl_proc_launcher(); /* its lookup once, before the threads */
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i].thread, NULL, gate_thread, &t[i]))
			t[i].done = t[i].unthreaded = 1;
	if (gate_wait_ready(t, n))
		for (i = 0; i < n; i++)
			if (!t[i].ready &&
			    !__atomic_load_n(&t[i].done, __ATOMIC_SEQ_CST)) {
				t[i].late = 1;
				if (!late_one)
					late_one = g[i].vr->v->name;
			}
	/*
	 * One at a time: each through its gate, and to its end; a straggler
	 * last, after the others (it ends at its limit).
	 */
	for (size_t k = 0; k < 2 * n; k++) {
		char why[300];

		i = k % n;
		if ((k < n) == t[i].late)
			continue;
		if (t[i].unthreaded) {
			/* no thread to wait in: alone, ungated */
			g[i].ret = run_one(c, g[i].vr, &g[i].argv, 1, 0, 0,
					   &g[i].p, &g[i].pr, g[i].timeout_s,
					   NULL);
			continue;
		}
		if (t[i].ready)
			while (write(t[i].fd[1], "g", 1) < 0 && errno == EINTR)
				;
		pthread_join(t[i].thread, NULL);
		if (g[i].ret != 0)
			continue;
		if (!gate_ready(&t[i])) {
			/* it timed beside the others' set-up */
			snprintf(why, sizeof(why),
				 "ended without waiting for its turn (a "
				 "parallel_setup workload must time through "
				 "tlw_run)");
		} else if (late_one) {
			/* let through so as to end: its timing is not kept */
			snprintf(why, sizeof(why),
				 "timed beside the set-up of %s, which did not "
				 "end within its limit; the round is not kept",
				 late_one);
		} else {
			continue;
		}
		tl__run_record_failure(g[i].vr, "bad_output", why,
				       g[i].pr.err_tail);
		g[i].ret = -1;
	}
out:
	for (i = 0; i < n; i++)
		gate_close(&t[i]);
	free(t);
	return err;
}

int tl__run_starts(struct ctx *c, struct vrun *vr, struct tl_strv *argv,
		   int starts, int cold, struct tl_proc_result *pr,
		   double timeout_s)
{
	int ret = run_one(c, vr, argv, 0, starts, cold, NULL, pr, timeout_s,
			  NULL);

	if (ret)
		return ret;
	for (size_t i = 0; i < pr->nstarts; i++) {
		struct tl_proc_result one = {.err_tail = ""};
		char why[300];

		if (WIFEXITED(pr->starts[i].status) &&
		    !WEXITSTATUS(pr->starts[i].status))
			continue;
		memcpy(one.err_tail, pr->err_tail, sizeof(one.err_tail));
		tl_proc_set_end(pr->starts[i].status, &one);
		tl_proc_describe(&one, why, sizeof(why));
		tl__run_record_failure(vr, status_of(&one), why, one.err_tail);
	}
	/* A start after those above that timed out or could not start. */
	if (pr->end == TL_PROC_TIMEOUT || pr->end == TL_PROC_SPAWN_FAIL) {
		char why[300];

		tl_proc_describe(pr, why, sizeof(why));
		tl__run_record_failure(vr, status_of(pr), why, pr->err_tail);
	}
	return 0;
}

void tl__run_keep_rusage(struct vrun *vr, const struct rusage *ru)
{
#define X(name, expr) tl_dvec_push(&vr->ru[RU_##name], expr);
	RU_METRICS(X)
#undef X
}

double tl__run_timeout(const struct tl_experiment *e,
		       const struct tl_variant *v)
{
	return v->timeout_s > 0 ? v->timeout_s : e->timeout_s;
}

/* BIN VARIANT OPS SAMPLES params... */
void tl__run_loop_argv(struct tl_strv *argv, const struct vrun *vr,
		       uint64_t ops, int samples, const struct tl_strv *cparams)
{
	tl_strv_push(argv, vr->build->bin);
	tl_strv_push(argv, vr->v->name);
	tl_strv_push_owned(argv, xasprintf("%llu", (unsigned long long)ops));
	tl_strv_push_owned(argv, xasprintf("%d", samples));
	push_params(argv, cparams, vr->v);
}

void tl__run_add_facts(struct vrun *vr, const struct tl_proto *p)
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
