/*
 * runjson.c - one variant's part of the results JSON (docs/results-json.md):
 * its status and reason, its build, its summarised metrics with the A/A
 * noise floor, its facts and errors.
 */
#include "measure/run_int.h"
#include "measure/runner.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/stats.h"
#include "measure/summary.h"

#include "base/banned.h"

static const char *const ru_names[] = {
#define X(name, expr) #name,
	RU_METRICS(X)
#undef X
};

static json_t *build_json(const struct tl_build_result *b)
{
	json_t *o = json_object();

	if (b->target)
		json_object_set_new(o, "target", json_string(b->target));
	if (b->toolchain)
		json_object_set_new(o, "toolchain", json_string(b->toolchain));
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
static int aa_mde(struct ctx *c, const struct vrun *vr, const struct tl_dvec *d,
		  double *mde)
{
	struct tl_dvec a = TL_DVEC_INIT, b = TL_DVEC_INIT;
	struct tl_stats_boot bo = {
		.confidence = 0.95, .resamples = 1000, .seed = c->seed};
	struct tl_ci ci;
	int err = -EINVAL;

	for (size_t i = 0; i < d->n && i < vr->round_of.n; i++)
		tl_dvec_push(((int)vr->round_of.x[i] % 2) ? &b : &a, d->x[i]);
	if (a.n >= 3 && b.n >= 3)
		err = tl_stats_mde_aa(a.x, a.n, b.x, b.n, &bo, &ci, mde);
	tl_dvec_release(&a);
	tl_dvec_release(&b);
	return err;
}

/*
 * The round of each sample (round_of, docs/results-json.md), so that the
 * verdicts can pair two variants of a case round by round.
 */
static void add_rounds(json_t *m, const struct tl_dvec *round, size_t n)
{
	json_t *a;

	if (round->n != n)
		return;
	a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer((json_int_t)round->x[i]));
	json_object_set_new(m, "round_of", a);
}

/* A metric's object; a look's has no bootstrap CI (tl_summary_metric_look). */
static json_t *summary(const struct ctx *c, const char *name,
		       const struct tl_dvec *d, const char *source)
{
	return c->looking
		       ? tl_summary_metric_look(name, d->x, d->n, source)
		       : tl_summary_metric(name, d->x, d->n, source, c->seed);
}

json_t *tl__run_variant_json(struct ctx *c, const struct tl_experiment *e,
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
		json_object_set_new(o, "reason",
				    json_string(TL_RUN_NOT_SELECTED));
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
		json_t *ns = summary(c, "ns_per_op", &vr->nsop, "time");

		add_rounds(ns, &vr->round_of, vr->nsop.n);
		if (!c->looking && aa_mde(c, vr, &vr->nsop, &mde) == 0) {
			json_object_set_new(ns, "aa_mde_pct", json_real(mde));
			tl_dvec_push(&c->mdes, mde);
		}
		json_object_set_new(m, "ns_per_op", ns);
	}
	if (vr->wall.n) {
		json_t *w = summary(c, "wall_ns", &vr->wall, "time");

		add_rounds(w, &vr->round_of, vr->wall.n);
		if (!c->looking && aa_mde(c, vr, &vr->wall, &mde) == 0)
			json_object_set_new(w, "aa_mde_pct", json_real(mde));
		json_object_set_new(m, "wall_ns", w);
	}
	for (int i = 0; i < RU_N; i++)
		if (vr->ru[i].n)
			json_object_set_new(
				m, ru_names[i],
				summary(c, ru_names[i], &vr->ru[i], "rusage"));
	for (size_t i = 0; i < vr->nwm; i++) {
		json_t *w =
			summary(c, vr->wm[i].name, &vr->wm[i].d, "workload");

		add_rounds(w, &vr->wm[i].round, vr->wm[i].d.n);
		json_object_set_new(m, vr->wm[i].name, w);
	}
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

void tl__run_vrun_release(struct vrun *vr)
{
	tl_dvec_release(&vr->nsop);
	tl_dvec_release(&vr->wall);
	tl_dvec_release(&vr->round_of);
	for (int i = 0; i < RU_N; i++)
		tl_dvec_release(&vr->ru[i]);
	for (size_t i = 0; i < vr->nwm; i++) {
		free(vr->wm[i].name);
		tl_dvec_release(&vr->wm[i].d);
		tl_dvec_release(&vr->wm[i].round);
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
