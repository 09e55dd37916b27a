/*
 * claims_resolve.c - a parsed claim set checked against the registry: every
 * experiment, variant, metric, param and fact a claim names must exist, or
 * the claim stays in the set marked unresolved with the reason (claims.h).
 */
#include "analyze/claims.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/suggest.h"
#include "base/yamlx.h"
#include "base/banned.h"

/* Resolution against the registry. */

static const char *const always_metrics[] = {
	"peak_rss_bytes",    "minor_faults",
	"major_faults",	     "voluntary_ctxsw",
	"involuntary_ctxsw", "wall_ns",
	"user_ns",	     "sys_ns",
	"ns_per_op",	     NULL};

/* Counter metrics the harness derives (issue 3), always allowed. */
static const char *const counter_prefixes[] = {"instructions_per_",
					       "cycles_per_",
					       "branches_per_",
					       "branch_misses_per_",
					       "ipc",
					       "branch_miss_ratio",
					       "indirect_branch_miss_ratio",
					       "l1d_miss_ratio",
					       "l1i_miss_ratio",
					       "ll_miss_ratio",
					       "llc_miss_ratio",
					       "dtlb_miss_ratio",
					       "cond_branch_miss_ratio",
					       "page_faults_per_",
					       "context_switches_per_",
					       "task_clock_ns",
					       NULL};

static int metric_allowed(const struct tl_experiment *e, const char *metric)
{
	size_t i;

	for (i = 0; always_metrics[i]; i++)
		if (!strcmp(metric, always_metrics[i]))
			return 1;
	for (i = 0; counter_prefixes[i]; i++)
		if (!strncmp(metric, counter_prefixes[i],
			     strlen(counter_prefixes[i])))
			return 1;
	return tl_strv_has(&e->metrics, metric);
}

/* The registry's lookups, for names that may be missing (NULL). */
static const struct tl_experiment *find_exp(const struct tl_registry *r,
					    const char *name)
{
	return r && name ? tl_registry_find(r, name) : NULL;
}

static const struct tl_variant *find_var(const struct tl_experiment *e,
					 const char *name)
{
	return name ? tl_experiment_variant(e, name) : NULL;
}

static void unresolved(struct tl_claimset *cs, struct tl_claim *c, int line,
		       int col, struct tl_diag *d, char *why)
{
	tl_diag_add(d, cs->path, line, col, "claim '%s': %s", c->id, why);
	if (!c->unresolved)
		c->unresolved = why;
	else
		free(why);
}

/*
 * " (did you mean 'x'?)" when word is a likely typo of one of the n names
 * at names[0], names[stride], ... (an array of structs whose first member
 * is the name), else "". Owned by the caller.
 */
static char *hint(const char *word, const void *names, size_t n, size_t stride)
{
	struct tl_strv sv = TL_STRV_INIT;
	struct tl_buf b = TL_BUF_INIT;
	size_t i;

	for (i = 0; word && i < n; i++)
		tl_strv_push(&sv, *(char *const *)((const char *)names +
						   i * stride));
	if (word)
		tl_suggest_hint(&b, word, &sv);
	tl_strv_release(&sv);
	return b.s ? b.s : xstrdup("");
}

static void resolve_side(struct tl_claimset *cs, struct tl_claim *c,
			 const struct tl_experiment *e, const struct tl_side *s,
			 struct tl_diag *d)
{
	const struct tl_variant *v = find_var(e, s->variant);
	size_t i;

	if (!v) {
		char *h = hint(s->variant, e->variants, e->nvariants,
			       sizeof(*e->variants));

		unresolved(cs, c, s->line, s->col, d,
			   xasprintf("variant '%s' is not in experiment '%s'%s",
				     s->variant ? s->variant : "?", e->name,
				     h));
		free(h);
		return;
	}
	for (i = 0; i < s->nparams; i++) {
		const struct tl_param *p =
			tl_experiment_param(e, s->params[i].key);

		/*
		 * Any value of a known param will do, in the sweep or not:
		 * `traplab claims` runs the values its claims name (plan()).
		 */
		if (!p) {
			char *h = hint(s->params[i].key, e->params, e->nparams,
				       sizeof(*e->params));

			unresolved(cs, c, s->line, s->col, d,
				   xasprintf("experiment '%s' has no param "
					     "'%s'%s",
					     e->name, s->params[i].key, h));
			free(h);
		}
	}
	/*
	 * A param with several values must be pinned, or the case is vague;
	 * unless the variant does not read it (`reads:` in experiment.yaml).
	 */
	for (i = 0; i < e->nparams; i++) {
		size_t j;
		int given = 0;

		for (j = 0; j < s->nparams; j++)
			if (!strcmp(s->params[j].key, e->params[i].name))
				given = 1;
		if (!given && e->params[i].defaults.n > 1 &&
		    tl_variant_reads(v, e->params[i].name))
			unresolved(cs, c, s->line, s->col, d,
				   xasprintf("experiment '%s' sweeps param "
					     "'%s'; say which value",
					     e->name, e->params[i].name));
	}
}

int tl_claims_resolve(struct tl_claimset *cs, const struct tl_registry *r,
		      struct tl_diag *d)
{
	size_t i, k;
	int count = 0;

	for (i = 0; i < cs->nfeatures; i++) {
		struct tl_feature *f = &cs->features[i];
		const struct tl_experiment *e = find_exp(r, f->experiment);

		if (!e)
			tl_diag_add(d, cs->path, f->line, f->col,
				    "feature '%s': experiment '%s' is missing",
				    f->name, f->experiment);
		else if (!find_var(e, f->variant))
			tl_diag_add(d, cs->path, f->line, f->col,
				    "feature '%s': variant '%s' is not in "
				    "experiment '%s'",
				    f->name, f->variant, f->experiment);
	}
	for (i = 0; i < cs->nclaims; i++) {
		struct tl_claim *c = &cs->claims[i];
		const struct tl_experiment *e = find_exp(r, c->m.experiment);
		size_t nsides = c->m.kind == TL_MEASURE_RATIO ||
						c->m.kind == TL_MEASURE_DIFF
					? 2
					: 1;

		FREE_AND_NULL(c->unresolved);
		if (!e) {
			char *h = r ? hint(c->m.experiment, r->exps, r->nexps,
					   sizeof(*r->exps))
				    : xstrdup("");

			unresolved(cs, c, c->m.line, c->m.col, d,
				   xasprintf("experiment '%s' is missing%s",
					     c->m.experiment, h));
			free(h);
			count++;
			continue;
		}
		for (k = 0; k < nsides; k++)
			resolve_side(cs, c, e, &c->m.side[k], d);
		if (c->m.metric && !metric_allowed(e, c->m.metric)) {
			char *h = hint(c->m.metric, e->metrics.v, e->metrics.n,
				       sizeof(*e->metrics.v));

			unresolved(cs, c, c->m.line, c->m.col, d,
				   xasprintf("experiment '%s' does not report "
					     "metric '%s'%s",
					     e->name, c->m.metric, h));
			free(h);
		}
		if (c->unresolved)
			count++;
	}
	return count;
}

void tl_claims_experiments(const struct tl_claimset *cs, struct tl_strv *out)
{
	size_t i, k;

	for (i = 0; i < cs->nclaims; i++) {
		const struct tl_claim *c = &cs->claims[i];

		if (c->m.experiment && !tl_strv_has(out, c->m.experiment))
			tl_strv_push(out, c->m.experiment);
		for (k = 0; k < c->nneeds; k++) {
			const struct tl_feature *f;

			if (c->needs[k].kind != TL_NEED_FEATURE)
				continue;
			f = tl_claims_feature(cs, c->needs[k].feature);
			if (f && f->experiment &&
			    !tl_strv_has(out, f->experiment))
				tl_strv_push(out, f->experiment);
		}
	}
}
