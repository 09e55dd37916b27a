/*
 * runner.c - the run engine: build, run, measure and summarise experiments
 * into a results JSON (see runner.h), which it returns.
 *
 * The engine is split along its steps: prebuild.c builds, runsched.c
 * sizes and orders the samples, runproc.c runs one process, runcount.c
 * counts, runjson.c turns a variant's samples into JSON. This file walks
 * experiments and cases and assembles the document.
 *
 * Noise floor: every variant's samples are split into its even and odd
 * rounds and compared with each other (an A/A comparison under the same
 * protocol); the half-width of the ratio CI is the minimum detectable
 * effect, reported per variant and, as the median over variants, per run.
 */
#include "measure/runner.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/chaos.h"
#include "measure/counts.h"
#include "machine/env.h"
#include "base/contain.h"
#include "base/os.h"
#include "base/progress.h"
#include "base/term.h"
#include "base/proc.h"
#include "measure/registry.h"
#include "measure/run_int.h"
#include "measure/select.h"
#include "base/stats.h"

#include "base/banned.h"

#define TL_VERSION "0.1.0"

#define CHAOS_MAX_S 1800 /* a stressor never outlives this, in seconds */

void tl_run_opts_init(struct tl_run_opts *o, const char *root)
{
	memset(o, 0, sizeof(*o));
	o->root = root;
	o->counters = TL_COUNTERS_OFF;
	o->target = TL_TARGET_DEFAULT;
	o->pin_cpu = -1;
	o->warmup = -1;
}

void tl__run_progress(struct ctx *c, const char *fmt, ...)
{
	char line[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	tl_progress_set((size_t)c->step, (size_t)c->nsteps, "%s", line);
	if (!c->is_tty && c->o->verbose)
		fprintf(stderr, "[%d/%d] %s\n", c->step, c->nsteps, line);
}

void tl__run_progress_done(struct ctx *c)
{
	(void)c;
	tl_progress_clear();
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

size_t tl__run_more(struct ctx *c, struct vrun *vrs, size_t nv,
		    const struct tl_strv *cparams, unsigned char *need)
{
	json_t *ej = json_array_get(c->exps, json_array_size(c->exps) - 1);
	json_t *cases = json_object_get(ej, "cases");
	json_t *cj = json_object(), *pj = json_object(), *vj = json_array();
	size_t i, open;

	for (i = 0; i < cparams->n; i++) {
		const char *kv = cparams->v[i], *eq = strchr(kv, '=');
		char *k = xstrndup(kv, eq ? (size_t)(eq - kv) : strlen(kv));

		json_object_set_new(pj, k, json_string(eq ? eq + 1 : ""));
		free(k);
	}
	json_object_set_new(cj, "params", pj);
	json_object_set_new(cj, "budget_rounds",
			    json_integer((json_int_t)c->case_budget));
	c->looking = 1;
	for (i = 0; i < nv; i++)
		json_array_append_new(
			vj, tl__run_variant_json(c, c->cur_e, &vrs[i]));
	c->looking = 0;
	json_object_set_new(cj, "variants", vj);
	json_array_append_new(cases, cj);
	open = c->o->more(c->root, c->cur_exp, cj, need, c->o->more_arg);
	json_array_remove(cases, json_array_size(cases) - 1);
	return open;
}

/* The experiment's object in the results, appended to c->exps. */
static json_t *experiment_json(struct ctx *c, const struct tl_experiment *e)
{
	json_t *ej = json_object();

	json_object_set_new(ej, "name", json_string(e->name));
	json_object_set_new(ej, "section",
			    json_string(e->section ? e->section : ""));
	json_object_set_new(ej, "description", json_string(e->description));
	json_object_set_new(
		ej, "kind",
		json_string(e->kind == TL_KIND_PROCESS ? "process" : "loop"));
	json_object_set_new(ej, "unit", json_string(e->unit));
	json_object_set_new(ej, "cases", json_array());
	json_array_append_new(c->exps, ej);
	return ej;
}

/* A failed build's reason and first lines; the whole log is in the JSON. */
static void say_build_failed(struct ctx *c, const struct tl_experiment *e,
			     const struct tl_variant *v,
			     const struct tl_build_result *b)
{
	const char *log = b->log ? b->log : "";
	const char *end = log;

	for (int nl = 0; *end && nl < 6; end++)
		nl += *end == '\n';
	tl__run_progress_done(c);
	fprintf(stderr, "traplab: %s/%s: build failed: %s\n%.*s%s\n", e->name,
		v->name, b->reason, (int)(end - log), log,
		*end ? "    ... (the whole log is in the results JSON: "
		       "build.log)"
		     : "");
}

/*
 * The builds of experiment ei: taken from the prebuild when there was
 * one, else built here, one after the other.
 */
static void take_builds(struct ctx *c, const struct tl_experiment *e, size_t ei,
			const struct tl_build_opts *bo,
			struct tl_build_result *builds)
{
	for (size_t i = 0; i < e->nvariants; i++) {
		const struct tl_variant *v = &e->variants[i];
		const char *why = tl__run_skip_reason(c, e, v);

		if (c->pre) {
			builds[i] = c->pre[ei][i];
			memset(&c->pre[ei][i], 0, sizeof(c->pre[ei][i]));
		} else if (why) {
			builds[i].status = TL_BUILD_SKIPPED;
			builds[i].reason = xstrdup(why);
			continue;
		} else {
			tl__run_progress(c, "%s building %s", e->name, v->name);
			if (tl_build_variant(bo, e, v, &builds[i]) != 0 &&
			    builds[i].status == TL_BUILD_OK) {
				builds[i].status = TL_BUILD_FAILED;
				builds[i].reason = xstrdup(
					"traplab could not stage the build");
			}
		}
		if (builds[i].status == TL_BUILD_FAILED)
			say_build_failed(c, e, v, &builds[i]);
	}
}

/* --interfere (except malloc-fail, which is per process): 1 when on. */
static int chaos_start(struct ctx *c, struct tl_chaos *chaos)
{
	int err;

	if (!c->o->interfere || !strcmp(c->o->interfere, "malloc-fail"))
		return 0;
	err = tl_chaos_start(c->o->interfere, CHAOS_MAX_S, chaos);
	if (!err)
		return 1;
	fprintf(stderr, "traplab: cannot start interference '%s': %s\n",
		c->o->interfere, strerror(-err));
	return 0;
}

/* One case: its param values, given as pv[i]->v[...] by index ci. */
struct one_case {
	const struct tl_experiment *e;
	const struct tl_strv *const *pv; /* values of each param */
	struct tl_build_result *builds;
	const struct tl_build_opts *bo;
	json_t *ej;
};

/* Case ci's "KEY=VALUE" params, its label and its params object. */
static void case_params(const struct one_case *oc, size_t ci,
			struct tl_strv *cparams, struct tl_buf *label,
			json_t *pj)
{
	const struct tl_experiment *e = oc->e;

	for (size_t i = 0; i < e->nparams; i++) {
		size_t n = oc->pv[i]->n ? oc->pv[i]->n : 1;
		const char *val = oc->pv[i]->v[ci % n];

		ci /= n;
		tl_strv_push_owned(cparams,
				   xasprintf("%s=%s", e->params[i].name, val));
		json_object_set_new(pj, e->params[i].name, json_string(val));
		tl_buf_printf(label, "%s%s", i ? " " : "",
			      cparams->v[cparams->n - 1]);
	}
}

/*
 * Times (and counts) every variant of the case, and fills the case's
 * JSON up to its variants (pj, its params object, is taken).
 */
static void measure_case(struct ctx *c, const struct one_case *oc,
			 struct vrun *vrs, const struct tl_strv *cparams,
			 const char *label, json_t *pj, json_t *cj)
{
	const struct tl_experiment *e = oc->e;
	uint64_t ops = 0;
	int rounds = 0, spr = 0;

	c->parallel_rounds = 0;
	if (e->kind == TL_KIND_PROCESS) {
		int cold = tl_strv_has(cparams, "page_cache=cold");

		tl__run_process_case(c, e, vrs, e->nvariants, cparams, label,
				     cold, &rounds, &spr);
		json_object_set_new(
			cj, "page_cache",
			json_string(cold ? "cold: the binary was evicted from "
					   "the page cache before each start "
					   "(shared libraries stay cached)"
					 : "warm: the binary was run before "
					   "timing"));
	} else {
		tl__run_loop_case(c, e, vrs, e->nvariants, cparams, label, &ops,
				  &rounds, &spr);
		json_object_set_new(cj, "ops_per_sample",
				    json_integer((json_int_t)ops));
	}
	/* What ran beside what (item of the run's metadata). */
	if (c->parallel_rounds)
		json_object_set_new(
			cj, "parallel_setup",
			json_pack("{s:i, s:s}", "rounds", c->parallel_rounds,
				  "how",
				  "a round's processes did their untimed "
				  "set-up side by side, then timed one at a "
				  "time while the others waited"));
	if (c->o->counters != TL_COUNTERS_OFF)
		tl__run_count_case(c, e, vrs, oc->builds, cparams, label, ops,
				   oc->bo);
	json_object_set_new(cj, "params", pj);
	json_object_set_new(cj, "rounds", json_integer(rounds));
	json_object_set_new(cj, "samples_per_round", json_integer(spr));
	if (c->o->more)
		json_object_set_new(cj, "budget_rounds",
				    json_integer(c->case_budget));
}

/* Runs case ci, appends it to the experiment's cases, hands it on. */
static void run_case(struct ctx *c, const struct one_case *oc, size_t ci)
{
	const struct tl_experiment *e = oc->e;
	struct vrun *vrs = xcalloc(e->nvariants, sizeof(*vrs));
	struct tl_strv cparams = TL_STRV_INIT;
	struct tl_buf label = TL_BUF_INIT;
	json_t *cj = json_object(), *pj = json_object(), *vj = json_array();
	size_t i;

	case_params(oc, ci, &cparams, &label, pj);
	for (i = 0; i < e->nvariants; i++) {
		vrs[i].v = &e->variants[i];
		vrs[i].build = &oc->builds[i];
		vrs[i].absent = json_object();
	}
	measure_case(c, oc, vrs, &cparams, tl_buf_str(&label), pj, cj);
	for (i = 0; i < e->nvariants; i++)
		json_array_append_new(vj, tl__run_variant_json(c, e, &vrs[i]));
	json_object_set_new(cj, "variants", vj);
	json_array_append_new(json_object_get(oc->ej, "cases"), cj);
	tl__run_progress_done(c);
	if (c->o->on_case)
		c->o->on_case(c->root, oc->ej, cj, c->o->on_case_arg);
	for (i = 0; i < e->nvariants; i++)
		tl__run_vrun_release(&vrs[i]);
	free(vrs);
	tl_strv_release(&cparams);
	tl_buf_release(&label);
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
	struct one_case oc = {.e = e, .pv = pv, .builds = builds, .bo = &bo};
	struct tl_chaos chaos;
	int chaos_on;
	size_t i, ncases = 1;
	uint64_t t0 = tl_os_now_ns();

	c->cur_exp = e->name;
	c->cur_e = e;
	oc.ej = experiment_json(c, e);
	take_builds(c, e, ei, &bo, builds);
	chaos_on = chaos_start(c, &chaos);
	for (i = 0; i < e->nparams; i++) {
		pv[i] = param_values(c, &e->params[i], &vals[i]);
		ncases *= pv[i]->n ? pv[i]->n : 1;
	}
	for (size_t ci = 0; ci < ncases && !tl_proc_interrupted(); ci++)
		run_case(c, &oc, ci);

	json_object_set_new(oc.ej, "elapsed_s",
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
}

/* Each line of s as its own "traplab: " message on stderr. */
static void print_lines(const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "\n");

		fprintf(stderr, "traplab: %.*s\n", (int)n, s);
		s += n + (s[n] == '\n');
	}
}

/*
 * Work folders of runs whose process is gone (killed with SIGKILL, or a
 * crash): nothing else would ever remove them.
 */
static void remove_dead_runs(const char *root)
{
	char *dir = xasprintf("%s/.cache/work", root);
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d)) != NULL) {
		char *end, *path;
		long pid;

		if (strncmp(de->d_name, "run-", 4))
			continue;
		pid = strtol(de->d_name + 4, &end, 10);
		if (pid <= 0 || *end || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		tl_rmtree(path);
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
}
/*
 * The experiments to run, in *todo (n == 0: all), after the registry
 * loaded and the names, --variant and --param patterns were checked.
 * Returns 0, or the exit status after saying why (c->reg released).
 */
static int choose(struct ctx *c, const char *const *names, size_t n,
		  const struct tl_experiment ***todo, size_t *ntodo)
{
	const struct tl_run_opts *opts = c->o;
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_buf err = TL_BUF_INIT;
	enum tl_chaos_kind k;
	size_t i;

	if (tl_registry_load(&c->reg, opts->root, &d) < 0) {
		for (i = 0; i < d.msgs.n; i++)
			fprintf(stderr, "traplab: %s\n", d.msgs.v[i]);
		tl_diag_release(&d);
		return 1;
	}
	for (i = 0; i < d.msgs.n; i++)
		fprintf(stderr, "traplab: %s (experiment left out)\n",
			d.msgs.v[i]);
	tl_diag_release(&d);
	if (tl_select_check(&c->reg, names, n, opts->variants, opts->params,
			    &err)) {
		print_lines(tl_buf_str(&err));
		tl_buf_release(&err);
		tl_registry_release(&c->reg);
		return 2;
	}
	*todo = xcalloc(c->reg.nexps + n + 1, sizeof(**todo));
	*ntodo = 0;
	for (i = 0; n == 0 && i < c->reg.nexps; i++)
		(*todo)[(*ntodo)++] = &c->reg.exps[i];
	for (i = 0; i < n; i++)
		(*todo)[(*ntodo)++] = tl_registry_find(&c->reg, names[i]);
	if (*ntodo == 0) {
		fprintf(stderr, "traplab: no experiments to run\n");
		goto fail;
	}
	if (opts->interfere && tl_chaos_parse(opts->interfere, &k)) {
		fprintf(stderr,
			"traplab: --interfere is cpu, cache, membw or "
			"malloc-fail, not '%s'\n",
			opts->interfere);
		goto fail;
	}
	return 0;
fail:
	free(*todo);
	tl_registry_release(&c->reg);
	return 1;
}

/* What the run can use: toolchains, clock, counters; 0 or 1 (said why). */
static int probe_machine(struct ctx *c)
{
	const struct tl_run_opts *opts = c->o;
	const struct tl_env *env = &c->env;

	tl_progress_set(0, 0, "probing the machine and its toolchains");
	tl_env_probe(&c->env, opts->root);
	tl_progress_clear();
	for (size_t i = 0; opts->toolchains && opts->toolchains[i]; i++) {
		char *why = NULL;

		if (tl_toolchains_select(&c->env.tools, opts->toolchains[i],
					 &why)) {
			fprintf(stderr, "traplab: --toolchain %s\n", why);
			free(why);
			return 1;
		}
	}
	c->target_ns = 1000 * env->clock_resolution_ns;
	if (c->target_ns < 1e6)
		c->target_ns = 1e6;
	for (int i = 0; i < TL_LANG_COUNT; i++)
		if (!env->tools.lang[i].path)
			tl_term_say("%s variants skipped: %s",
				    tl_lang_name((enum tl_lang)i),
				    env->tools.lang[i].missing);
	if (opts->counters == TL_COUNTERS_AUTO)
		tl_term_say("counters auto: %s",
			    env->pmu.has_pmu
				    ? "hardware counters (PMU present)"
				    : "software events + cachegrind simulation "
				      "(no PMU)");
	if (opts->counters == TL_COUNTERS_SIM && env->pmu.has_pmu)
		tl_term_say("counters sim: cachegrind simulation");
	else if (opts->counters == TL_COUNTERS_SIM)
		tl_term_say("counters sim: cachegrind simulation (hardware "
			    "counters absent: %s)",
			    env->pmu.hw_reason);
	if ((opts->counters == TL_COUNTERS_PMU ||
	     opts->counters == TL_COUNTERS_AUTO) &&
	    !env->pmu.has_pmu)
		tl_term_say("hardware counters absent: %s (software events "
			    "still counted)",
			    env->pmu.hw_reason);
	return 0;
}

/* The results document before the first experiment: who, when, how. */
static json_t *results_head(struct ctx *c)
{
	const struct tl_run_opts *opts = c->o;
	json_t *root = json_object(), *oj;
	char when[32];

	json_object_set_new(root, "schema", json_string("traplab.results/1"));
	json_object_set_new(root, "traplab",
			    json_pack("{s:s,s:o}", "version", TL_VERSION,
				      "commit",
				      c->env.commit ? json_string(c->env.commit)
						    : json_null()));
	tl_os_utc_iso(when, sizeof(when));
	json_object_set_new(root, "started_utc", json_string(when));
	oj = json_pack(
		"{s:b,s:s,s:s,s:i,s:I,s:i,s:i,s:i}", "quick", opts->quick,
		"counters", tl_counters_mode_name(opts->counters), "target",
		tl_target_name(opts->target), "pin", opts->pin_cpu, "seed",
		(json_int_t)c->seed, "rounds", opts->rounds, "samples",
		opts->samples, "warmup", opts->warmup >= 0 ? opts->warmup : 1);
	json_object_set_new(oj, "sample_target_ns", json_real(c->target_ns));
	/* Sequential runs need anytime-valid intervals (analyze/verdict.h). */
	json_object_set_new(oj, "sampling",
			    json_string(opts->more ? "sequential" : "fixed"));
	json_object_set_new(oj, "interfere",
			    opts->interfere ? json_string(opts->interfere)
					    : json_null());
	json_object_set_new(root, "options", oj);
	json_object_set_new(root, "env", tl_env_json(&c->env));
	c->exps = json_array();
	json_object_set_new(root, "experiments", c->exps);
	/* Until the last case is in, a reader must not take it as a run. */
	json_object_set_new(root, "incomplete",
			    json_pack("{s:s}", "reason",
				      "the run was still going (or traplab "
				      "was killed)"));
	return root;
}

/* The run's noise floor: the median A/A MDE over its variants. */
static json_t *noise_json(const struct ctx *c)
{
	json_t *nz = json_object();
	double mde;

	if (tl_stats_median(c->mdes.x, c->mdes.n, &mde) == 0) {
		json_object_set_new(nz, "aa_mde_pct", json_real(mde));
		json_object_set_new(
			nz, "how",
			json_string("median over variants of the 95% "
				    "half-width of the ratio of medians of "
				    "each variant's even rounds to its odd "
				    "rounds (A/A)"));
	} else {
		json_object_set_new(nz, "absent",
				    json_string("too few rounds for an A/A "
						"split"));
	}
	return nz;
}

int tl_run_experiments(const struct tl_run_opts *opts, const char *const *names,
		       size_t n, json_t **results)
{
	struct ctx c;
	const struct tl_experiment **todo;
	size_t ntodo = 0, i;
	uint64_t t0 = tl_os_now_ns();
	int ret;

	*results = NULL;
	memset(&c, 0, sizeof(c));
	c.o = opts;
	c.seed = opts->seed ? opts->seed : TL_STATS_BOOT_SEED;
	c.is_tty = isatty(2);
	ret = choose(&c, names, n, &todo, &ntodo);
	if (ret)
		return ret;
	tl_progress_start(c.is_tty);
	if (probe_machine(&c)) {
		ret = 1;
		goto out;
	}
	remove_dead_runs(opts->root);
	tl_contain_kill_orphans();
	/* Per run: two runs at once must not clear each other's folders. */
	c.workroot =
		xasprintf("%s/.cache/work/run-%ld", opts->root, (long)getpid());
	tl_mkdirs(c.workroot);
	c.root = results_head(&c);
	c.nsteps = (int)ntodo;
	tl__run_prebuild(&c, todo, ntodo);
	for (i = 0; i < ntodo && !tl_proc_interrupted(); i++) {
		c.step = (int)i + 1;
		run_experiment(&c, todo[i], i);
	}
	tl_progress_stop();
	if (tl_proc_interrupted())
		json_object_set_new(
			c.root, "incomplete",
			json_pack("{s:s,s:s+}", "reason", "interrupted",
				  "signal", "SIG",
				  sigabbrev_np(tl_proc_interrupted())));
	else
		json_object_del(c.root, "incomplete");
	json_object_set_new(c.root, "noise", noise_json(&c));
	json_object_set_new(c.root, "elapsed_s",
			    json_real((double)(tl_os_now_ns() - t0) / 1e9));
	*results = c.root;
	for (i = 0; i < ntodo; i++) {
		/* Builds of experiments an interruption left unrun. */
		for (size_t vi = 0; vi < todo[i]->nvariants; vi++)
			tl_build_result_release(&c.pre[i][vi]);
		free(c.pre[i]);
	}
	free(c.pre);
	tl_dvec_release(&c.mdes);
	tl_rmtree(c.workroot);
	free(c.workroot);
out:
	free(todo);
	tl_env_release(&c.env);
	tl_registry_release(&c.reg);
	return ret;
}
