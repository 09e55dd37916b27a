/*
 * prebuild.c - which variants a run builds, and building them all up front
 * on every CPU before the first measurement.
 */
#include "measure/run_int.h"
#include "measure/runner.h"

#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/os.h"
#include "base/progress.h"
#include "base/proc.h"
#include "machine/sim.h"
#include "measure/compiler.h"
#include "measure/counts.h"

#include "base/banned.h"

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
const char *tl__run_skip_reason(struct ctx *c, const struct tl_experiment *e,
				const struct tl_variant *v)
{
	if (!variant_selected(c, e, v))
		return TL_RUN_NOT_SELECTED;
	if (c->o->interfere && !strcmp(c->o->interfere, "malloc-fail") &&
	    v->lang != TL_LANG_C && v->lang != TL_LANG_CPP)
		return "not applicable under --interfere malloc-fail: libfiu "
		       "injects into libc malloc, which Go and Zig allocators "
		       "do not use";
	return NULL;
}

/*
 * Whether the counting phase will build v again for the simulator, as
 * measure/countsim.c does, with other target flags (Zig for valgrind:
 * -mcpu without AVX-512). Such builds are made up front with the others:
 * on a fresh machine Zig's took 26 s one after another inside the
 * counting phases.
 */
static int sim_build_differs(struct ctx *c, const struct tl_experiment *e,
			     const struct tl_variant *v)
{
	struct tl_sim_policy pol;

	if (!tl_counts_sim_on(c->o->counters, &c->env) ||
	    e->kind != TL_KIND_LOOP || !v->sim || !c->env.tools.valgrind.path ||
	    !tl__run_wants_counts(c, e, v))
		return 0;
	tl_sim_policy(tl_lang_name(v->lang), &pol);
	return pol.trust != TL_SIM_REFUSED &&
	       tl_compiler_sim_flags_differ(c->o->target, v->lang);
}

/*
 * Builds every variant of the run up front on all CPUs (a fresh machine
 * spends most of its first run compiling; Zig alone takes tens of seconds
 * a binary). Results are kept in c->pre for run_experiment.
 */
struct prebuild {
	struct ctx *c;
	const struct tl_experiment **todo;
	size_t ntodo, njobs, cap_jobs;
	size_t (*jobs)[3]; /* experiment, variant, for the simulator */
	size_t next;
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
		tl_progress_set(j + 1, pb->njobs, "build %s/%s%s",
				pb->todo[ei]->name,
				pb->todo[ei]->variants[vi].name,
				pb->jobs[j][2] ? " for the simulator" : "");
		if (pb->jobs[j][2]) {
			struct tl_build_opts so = bo;
			struct tl_build_result sr;

			so.for_sim = 1;
			tl_build_variant(&so, pb->todo[ei],
					 &pb->todo[ei]->variants[vi], &sr);
			tl_build_result_release(&sr);
			continue;
		}
		r = &pb->c->pre[ei][vi];
		if (tl_build_variant(&bo, pb->todo[ei],
				     &pb->todo[ei]->variants[vi], r) != 0 &&
		    r->status == TL_BUILD_OK) {
			r->status = TL_BUILD_FAILED;
			r->reason =
				xstrdup("traplab could not stage the build");
		}
	}
}

static void push_job(struct prebuild *pb, size_t ei, size_t vi, int for_sim)
{
	TL_VEC_RESERVE(pb->jobs, pb->cap_jobs, pb->njobs + 1);
	pb->jobs[pb->njobs][0] = ei;
	pb->jobs[pb->njobs][1] = vi;
	pb->jobs[pb->njobs][2] = (size_t)for_sim;
	pb->njobs++;
}

void tl__run_prebuild(struct ctx *c, const struct tl_experiment **todo,
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
			const char *why = tl__run_skip_reason(
				c, todo[ei], &todo[ei]->variants[vi]);

			if (why) {
				c->pre[ei][vi].status = TL_BUILD_SKIPPED;
				c->pre[ei][vi].reason = xstrdup(why);
				continue;
			}
			push_job(&pb, ei, vi, 0);
			if (sim_build_differs(c, todo[ei],
					      &todo[ei]->variants[vi]))
				push_job(&pb, ei, vi, 1);
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
	tl_progress_clear();
	free(pb.jobs);
}
