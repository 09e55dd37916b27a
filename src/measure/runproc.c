/*
 * runproc.c - one workload process of a run: its argv, its environment,
 * and what becomes of its outcome (samples, facts, rusage or a failure
 * with its reason). See run_int.h.
 */
#include "measure/run_int.h"
#include "measure/runner.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "machine/chaos.h"
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
		   struct tl_proc_result *pr, double timeout_s)
{
	struct tl_strv env = TL_STRV_INIT;
	struct tl_proc_spec spec = {0};
	char *workdir = xasprintf("%s/w%ld-%u", c->workroot, (long)getpid(),
				  ++c->nproc);
	char why[300], perr[256];
	int ret = -1, err;

	tl_mkdirs(workdir);
	tl__run_workload_env(c, vr->v, workdir, &env);
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
	return run_one(c, vr, argv, parse, 0, 0, p, pr, timeout_s);
}

int tl__run_starts(struct ctx *c, struct vrun *vr, struct tl_strv *argv,
		   int starts, int cold, struct tl_proc_result *pr,
		   double timeout_s)
{
	int ret = run_one(c, vr, argv, 0, starts, cold, NULL, pr, timeout_s);

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
