/*
 * verdict_json.c - verdicts written out: the measured figure as text, and
 * the verdicts JSON (schema traplab.verdicts/1) with each claim, its
 * verdict, evidence and reason (verdict.h).
 */
#include "analyze/verdict.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/confseq.h"
#include "base/banned.h"

void tl_verdict_fmt_measured(struct tl_buf *b, const struct tl_claim *c,
			     const struct tl_verdict *v)
{
	if (v->fact) {
		tl_buf_puts(b, v->fact);
		return;
	}
	if (!v->has_ci) {
		tl_buf_puts(b, "-");
		return;
	}
	tl_metric_fmt_value(b, v->ci.point, c->m.dim);
	if (v->exact) {
		tl_buf_puts(b, " (exact)");
		return;
	}
	tl_buf_puts(b, " [");
	tl_metric_fmt_value(b, v->ci.lo, c->m.dim);
	tl_buf_puts(b, ", ");
	tl_metric_fmt_value(b, v->ci.hi, c->m.dim);
	tl_buf_puts(b, "]");
}

static json_t *num_or_null(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

json_t *tl_verdict_json(const struct tl_claimset *cs,
			const struct tl_verdict *v, const struct tl_strv *runs,
			const struct tl_verdict_opts *o, size_t m, json_t *env)
{
	json_t *root = json_object(), *arr = json_array(), *sum = json_object();
	json_t *rs = json_array();
	size_t counts[TL_VERDICT_COUNT_], i;

	tl_verdict_count(v, cs->nclaims, counts);
	for (i = 0; i < TL_VERDICT_COUNT_; i++)
		json_object_set_new(sum, tl_verdict_name(i),
				    json_integer((json_int_t)counts[i]));
	for (i = 0; runs && i < runs->n; i++)
		json_array_append_new(rs, json_string(runs->v[i]));
	json_object_set_new(root, "schema", json_string("traplab.verdicts/1"));
	json_object_set_new(root, "claims_file", json_string(cs->path));
	json_object_set_new(root, "title", json_string(cs->title));
	json_object_set_new(root, "runs", rs);
	json_object_set_new(root, "alpha", json_real(o->alpha));
	json_object_set_new(root, "adjust",
			    json_string(tl_adjust_name(o->adjust)));
	json_object_set_new(root, "interval",
			    json_string(tl_verdict_interval_name(o)));
	json_object_set_new(root, "family_size", json_integer((json_int_t)m));
	json_object_set_new(root, "summary", sum);
	if (env)
		json_object_set(root, "env", env);
	for (i = 0; i < cs->nclaims; i++) {
		const struct tl_claim *c = &cs->claims[i];
		json_t *it = json_object();
		struct tl_buf b = TL_BUF_INIT;

		json_object_set_new(it, "id", json_string(c->id));
		json_object_set_new(it, "section", json_string(c->section));
		json_object_set_new(it, "claim", json_string(c->text));
		json_object_set_new(it, "claimed", json_string(c->claimed));
		json_object_set_new(it, "quantity",
				    c->quantity ? json_string(c->quantity)
						: json_null());
		json_object_set_new(it, "toolchain",
				    c->toolchain ? json_string(c->toolchain)
						 : json_null());
		tl_claims_fmt_measure(&b, &c->m);
		json_object_set_new(it, "measure", json_string(tl_buf_str(&b)));
		b.len = 0;
		tl_claims_fmt_pred(&b, c);
		json_object_set_new(it, "predicate",
				    json_string(tl_buf_str(&b)));
		json_object_set_new(it, "dimension",
				    json_string(tl_dim_name(c->m.dim)));
		json_object_set_new(it, "verdict",
				    json_string(tl_verdict_name(v[i].kind)));
		json_object_set_new(it, "reason",
				    v[i].reason ? json_string(v[i].reason)
						: json_null());
		json_object_set_new(it, "notes",
				    v[i].notes ? json_string(v[i].notes)
					       : json_null());
		if (v[i].fact)
			json_object_set_new(it, "fact", json_string(v[i].fact));
		if (v[i].has_ci) {
			json_t *e = json_object();

			json_object_set_new(e, "point",
					    num_or_null(v[i].ci.point));
			json_object_set_new(e, "lo", num_or_null(v[i].ci.lo));
			json_object_set_new(e, "hi", num_or_null(v[i].ci.hi));
			json_object_set_new(e, "level", json_real(v[i].level));
			json_object_set_new(e, "exact",
					    json_boolean(v[i].exact));
			json_object_set_new(e, "p", json_real(v[i].p));
			json_object_set_new(e, "p_adjusted",
					    json_real(v[i].p_adj));
			json_object_set_new(
				e, "n", json_integer((json_int_t)v[i].n[0]));
			if (c->m.kind == TL_MEASURE_RATIO ||
			    c->m.kind == TL_MEASURE_DIFF)
				json_object_set_new(
					e, "n_b",
					json_integer((json_int_t)v[i].n[1]));
			if (v[i].oracle_n)
				json_object_set_new(
					e, "oracle_n",
					json_integer(
						(json_int_t)v[i].oracle_n));
			if (v[i].more_factor > 0)
				/* null: on the bound, no sample count decides
				 */
				json_object_set_new(
					e, "samples_to_decide_factor",
					num_or_null(v[i].more_factor));
			json_object_set_new(it, "estimate", e);
		}
		json_object_set_new(it, "source",
				    v[i].source ? json_string(v[i].source)
						: json_null());
		json_object_set_new(it, "simulated",
				    json_boolean(v[i].simulated));
		tl_buf_release(&b);
		json_array_append_new(arr, it);
	}
	json_object_set_new(root, "verdicts", arr);
	return root;
}
