/*
 * runcount.c - the counting phase of a case: which variants are counted,
 * and on how many CPUs (see counts.h for how a count is taken).
 */
#include "measure/run_int.h"
#include "measure/runner.h"

#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "measure/counts.h"
#include "base/os.h"

#include "base/banned.h"

int tl__run_wants_counts(struct ctx *c, const struct tl_experiment *e,
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
 * what else runs, so every variant's start at once, their simulator
 * processes held to one a CPU (counts.c).
 */
void tl__run_count_case(struct ctx *c, const struct tl_experiment *e,
			struct vrun *vrs, const struct tl_build_result *builds,
			const struct tl_strv *cparams, const char *label,
			uint64_t ops, const struct tl_build_opts *bo)
{
	struct count_pool cp = {0};
	pthread_t th[16];
	int nth, started = 0;
	size_t i;

	cp.jobs = xcalloc(e->nvariants, sizeof(*cp.jobs));
	for (i = 0; i < e->nvariants; i++) {
		struct count_job *j = &cp.jobs[cp.n];

		if (builds[i].status != TL_BUILD_OK || vrs[i].nok == 0 ||
		    vrs[i].facts_only || e->kind != TL_KIND_LOOP ||
		    !tl__run_wants_counts(c, e, vrs[i].v))
			continue;
		j->wd = xasprintf("%s/count-%zu", c->workroot, i);
		tl_mkdirs(j->wd);
		tl__run_workload_env(c, vrs[i].v, j->wd, &j->wenv);
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
			.timeout_s = tl__run_timeout(e, vrs[i].v),
			.build_opts = bo,
			.wenv = &j->wenv,
			.workdir = j->wd,
		};
		tl__run_progress(c, "%s %s counting %s (%s)", e->name, label,
				 vrs[i].v->name,
				 tl_counters_mode_name(c->o->counters));
		tl_counts_measure_perf(&j->rq, j->metrics, j->absent);
		cp.n++;
	}
	nth = cp.n < 16 ? (int)cp.n : 16;
	if (cp.n)
		tl__run_progress(c,
				 "%s %s simulating %zu variant(s) on %d CPUs",
				 e->name, label, cp.n, tl_os_ncpus());
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
