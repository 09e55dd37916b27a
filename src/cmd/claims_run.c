/*
 * claims_run.c - the runs `traplab claims` makes: the plan (the variants,
 * params and counts the claims read), the run itself, sequential sampling
 * until the claims are decided, and one pass per toolchain release.
 */
#include "cmd/claims_cmd.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "analyze/claims.h"
#include "analyze/matrix.h"
#include "analyze/repeat.h"
#include "analyze/slo.h"
#include "analyze/verdict.h"
#include "base/cli.h"
#include "measure/counts.h"
#include "base/jsonx.h"
#include "base/os.h"
#include "cmd/run.h" /* until cmd_claims moves to src/cmd/ */
#include "machine/chaos.h"
#include "machine/counters.h"
#include "machine/sim.h"
#include "machine/toolchain.h"
#include "report/gate.h"
#include "report/htmlreport.h"
#include "report/mdreport.h"
#include "report/verdicttable.h"
#include "base/term.h"
#include "base/banned.h"

/*
 * A metric that only the counting phase produces (so only the variants
 * whose claims name one are counted: counting runs each variant three
 * more times, under valgrind where there is no PMU).
 */

/*
 * The values of param p of experiment e that the claims need: those they
 * name, plus the run's own sweep (quick or default) when a claim whose
 * variant reads p leaves it open or sets it to "*". A side whose variant
 * does not read p neither opens nor pins it. Returns 0 when no claim of e
 * looks at p (then the sweep is left alone).
 */
static int param_plan(const struct tl_claimset *cs,
		      const struct tl_experiment *e, const struct tl_param *p,
		      int quick, struct tl_strv *vals)
{
	int open = 0;

	for (size_t i = 0; i < cs->nclaims; i++) {
		const struct tl_measure *m = &cs->claims[i].m;
		int sides = m->kind == TL_MEASURE_RATIO ||
					    m->kind == TL_MEASURE_DIFF
				    ? 2
				    : 1;

		if (!m->experiment || strcmp(m->experiment, e->name))
			continue;
		for (int sd = 0; sd < sides; sd++) {
			const struct tl_side *side = &m->side[sd];
			const struct tl_variant *v =
				side->variant ? tl_experiment_variant(
							e, side->variant)
					      : NULL;
			const char *val = NULL;

			if (v && !tl_variant_reads(v, p->name))
				continue;
			for (size_t q = 0; q < side->nparams; q++)
				if (!strcmp(side->params[q].key, p->name))
					val = side->params[q].val;
			if (!val || !strcmp(val, "*"))
				open = 1;
			else if (!tl_strv_has(vals, val))
				tl_strv_push(vals, val);
		}
	}
	if (open) {
		const struct tl_strv *sw =
			quick && p->quick.n ? &p->quick : &p->defaults;

		/* The sweep first: "*" takes the last case of the sweep. */
		struct tl_strv all = TL_STRV_INIT;

		for (size_t q = 0; q < sw->n; q++)
			tl_strv_push(&all, sw->v[q]);
		for (size_t q = 0; q < vals->n; q++)
			if (!tl_strv_has(&all, vals->v[q]))
				tl_strv_push(&all, vals->v[q]);
		tl_strv_release(vals);
		*vals = all;
	}
	return vals->n > 0;
}

/*
 * The run plan: the variants the claims name (and the probes that decide
 * their features), which of them to count and how (*mode: the kernel's
 * counters where there is a PMU or a claim reads a software event, else
 * the simulator alone: without a PMU the kernel would give only software
 * events, nine runs a variant that no claim reads), and, per experiment, which
 * values of each param the claims look at ("EXP/KEY=V1,V2"): the values
 * they name, run even when the sweep does not hold them, plus the sweep
 * where a claim leaves the param open. Everything else is left out:
 * `traplab run` measures it.
 */
static void plan(const struct tl_claimset *cs, const struct tl_registry *reg,
		 int quick, struct tl_strv *variants, struct tl_strv *count,
		 struct tl_strv *params, enum tl_counters_mode *mode)
{
	struct tl_counters_probe pr;
	int sw = 0;

	tl_counters_probe(&pr);
	for (size_t k = 0; k < reg->nexps; k++) {
		const struct tl_experiment *e = &reg->exps[k];

		for (size_t p = 0; p < e->nparams; p++) {
			struct tl_strv vals = TL_STRV_INIT;

			if (param_plan(cs, e, &e->params[p], quick, &vals)) {
				struct tl_buf b = TL_BUF_INIT;

				tl_buf_printf(&b, "%s/%s=", e->name,
					      e->params[p].name);
				for (size_t q = 0; q < vals.n; q++)
					tl_buf_printf(&b, "%s%s", q ? "," : "",
						      vals.v[q]);
				tl_strv_push_owned(params, b.s);
			}
			tl_strv_release(&vals);
		}
	}
	for (size_t i = 0; i < cs->nclaims; i++) {
		const struct tl_measure *m = &cs->claims[i].m;
		int sides = m->kind == TL_MEASURE_RATIO ||
					    m->kind == TL_MEASURE_DIFF
				    ? 2
				    : 1;

		for (int sd = 0; sd < sides; sd++) {
			char *pat = xasprintf("%s/%s", m->experiment,
					      m->side[sd].variant);

			if (!tl_strv_has(variants, pat))
				tl_strv_push(variants, pat);
			if (m->metric &&
			    tl_counts_is_counter_metric(m->metric) &&
			    (pr.hw_err == 0 ||
			     tl_counts_simulatable(m->metric)) &&
			    !tl_strv_has(count, pat))
				tl_strv_push(count, pat);
			if (m->metric && tl_counts_is_sw_metric(m->metric))
				sw = 1;
			free(pat);
		}
	}
	/* The variants whose facts decide a feature ("zig_async"). */
	for (size_t f = 0; f < cs->nfeatures; f++) {
		char *pat = xasprintf("%s/%s", cs->features[f].experiment,
				      cs->features[f].variant);

		if (!tl_strv_has(variants, pat))
			tl_strv_push(variants, pat);
		free(pat);
	}
	*mode = pr.has_pmu || sw ? TL_COUNTERS_AUTO : TL_COUNTERS_SIM;
}

/*
 * The sequential rule's view of the claims (run_needed's ro.more): the
 * table's m, and the claims in play for the experiment being sampled,
 * counted at its first look.
 */
struct seq_arg {
	const struct tl_claimset *cs;
	struct tl_verdict_opts vo;
	size_t m;
	struct tl_strv exps; /* the experiments sampled so far, in order */
	size_t *in_play;     /* the claims in play for each of them */
};

static size_t seq_more(json_t *results, const char *exp, json_t *cs,
		       unsigned char *need, void *arg)
{
	struct seq_arg *sa = arg;
	size_t n = sa->exps.n;

	if (!n || strcmp(sa->exps.v[n - 1], exp)) {
		size_t k =
			tl_verdict_in_play(sa->cs, &results, 1, &sa->vo, sa->m,
					   exp, &sa->exps, sa->in_play);

		sa->in_play = xrealloc(sa->in_play, (n + 1) * sizeof(size_t));
		sa->in_play[n] = k;
		tl_strv_push(&sa->exps, exp);
		n++;
	}
	return tl_verdict_open(sa->cs, &results, 1, &sa->vo, sa->in_play[n - 1],
			       exp, cs, need);
}

/* A run sampled until decided needs anytime-valid intervals. */
int tl__cmd_claims_is_sequential(json_t *run)
{
	const char *s = json_string_value(
		json_object_get(json_object_get(run, "options"), "sampling"));

	return s && !strcmp(s, "sequential");
}

int tl__cmd_claims_run(const struct claims_args *a, const char *root,
		       const struct tl_claimset *cs,
		       const struct tl_registry *reg, const char *out_path,
		       const char *interfere)
{
	struct tl_strv need = TL_STRV_INIT, have = TL_STRV_INIT;
	struct tl_strv count = TL_STRV_INIT, params = TL_STRV_INIT;
	struct tl_strv variants = TL_STRV_INIT;
	char *history_db = xasprintf("%s/results/history.sqlite", root);
	struct tl_run_opts ro;
	struct seq_arg sa = {cs, a->vo, tl_verdict_family_size(cs),
			     TL_STRV_INIT, NULL};
	size_t i;
	int rc;

	sa.vo.anytime = 1;
	tl_claims_experiments(cs, &need);
	for (i = 0; i < need.n; i++) {
		size_t k;

		for (k = 0; k < reg->nexps; k++)
			if (!strcmp(reg->exps[k].name, need.v[i]))
				tl_strv_push(&have, need.v[i]);
	}
	if (!have.n) {
		fprintf(stderr, "traplab: none of the experiments the claims "
				"need is in the registry\n");
		rc = 1;
		goto out;
	}
	tl_run_opts_init(&ro, root);
	ro.quick = a->quick;
	/*
	 * Many claims are about counters: measure them unless told not to,
	 * for the variants those claims name; and sweep only the param values
	 * the claims look at.
	 */
	plan(cs, reg, a->quick, &variants, &count, &params, &ro.counters);
	ro.variants = tl_strv_cstr(&variants);
	ro.count_only = tl_strv_cstr(&count);
	ro.params = tl_strv_cstr(&params);
	if (params.n) {
		struct tl_buf pl = TL_BUF_INIT;

		for (i = 0; i < params.n; i++)
			tl_buf_printf(&pl, " %s", params.v[i]);
		tl_term_say("only the param values the claims look at:%s",
			    pl.s);
		tl_buf_release(&pl);
	}
	ro.interfere = interfere;
	ro.toolchains = a->run_tools;
	/* Sample each case until its claims are decided (base/confseq.h). */
	ro.more = seq_more;
	ro.more_arg = &sa;
	if (a->counters && tl_counters_mode_parse(a->counters, &ro.counters)) {
		fprintf(stderr, "traplab: unknown counters mode '%s'\n",
			a->counters);
		rc = 2;
		goto out;
	}
	fprintf(stderr,
		"traplab: running %zu experiment(s) the claims "
		"need%s\n",
		have.n, a->quick ? " (quick)" : "");
	rc = tl_run_and_store(&ro, (const char *const *)have.v, have.n,
			      out_path, 1, interfere ? NULL : history_db);
	if (rc < 0) {
		fprintf(stderr, "traplab: run failed: %s\n", strerror(-rc));
		rc = 1;
	}
out:
	tl_strv_release(&need);
	tl_strv_release(&have);
	tl_strv_release(&count);
	tl_strv_release(&params);
	tl_strv_release(&variants);
	free(history_db);
	tl_strv_release(&sa.exps);
	free(sa.in_play);
	return rc;
}

/*
 * The passes of --toolchains: the default pair first, then each listed
 * release that is not its language's default, one language changed at
 * a time (the cross product would multiply the passes, and a claim about
 * one language does not move with the other's release). Each pass runs
 * what the claims need into its own results file, pushed onto a->results;
 * the verdict matrix then judges each apart (matrix.h: runs of different
 * toolchains are never pooled). 0, 1 when a pass failed, 2 on a release
 * that is not installed or a malformed spec.
 */
/* Checks one "LANG=VERSION" and adds it unless it is the default. */
static int add_pick(const struct tl_toolchains *def, const char *root,
		    const char *pick, struct tl_strv *picks)
{
	struct tl_toolchains p;
	char *why = NULL;
	int rc = 0;

	tl_toolchains_find(&p, root);
	if (tl_toolchains_select(&p, pick, &why)) {
		fprintf(stderr, "traplab: --toolchains %s\n", why);
		rc = 2;
	} else {
		enum tl_lang l =
			strncmp(pick, "go=", 3) ? TL_LANG_ZIG : TL_LANG_GO;
		const char *dv = def->lang[l].version;

		if ((!dv || strcmp(tl_toolchain_bare_version(p.lang[l].version),
				   tl_toolchain_bare_version(dv))) &&
		    !tl_strv_has(picks, pick))
			tl_strv_push(picks, pick);
	}
	free(why);
	tl_toolchains_release(&p);
	return rc;
}

int tl__cmd_claims_toolchains(struct claims_args *a, const char *root,
			      const struct tl_claimset *cs,
			      const struct tl_registry *reg, const char *stem)
{
	struct tl_toolchains t;
	struct tl_strv picks = TL_STRV_INIT;
	char *def_path =
		xasprintf("%s%s", stem, tl__cmd_claims_base_name(CLAIMS_RUN));
	int rc = 0;

	tl_toolchains_find(&t, root);
	for (size_t i = 0; i < a->toolchains.n && !rc; i++) {
		const char *spec = a->toolchains.v[i], *eq = strchr(spec, '=');
		char *list, *tok, *save = NULL;

		if (!eq || eq == spec || !eq[1]) {
			fprintf(stderr,
				"traplab: --toolchains wants LANG=V1,V2, not "
				"'%s'\n",
				spec);
			rc = 2;
			break;
		}
		list = xstrdup(eq + 1);
		for (tok = strtok_r(list, ",", &save); tok && !rc;
		     tok = strtok_r(NULL, ",", &save)) {
			char *pick = xasprintf("%.*s=%s", (int)(eq - spec),
					       spec, tok);

			rc = add_pick(&t, root, pick, &picks);
			free(pick);
		}
		free(list);
	}
	tl_toolchains_release(&t);
	if (rc)
		goto out;
	fprintf(stderr, "traplab: toolchain pass 1/%zu: the default pair\n",
		picks.n + 1);
	a->run_tools = NULL;
	rc = tl__cmd_claims_run(a, root, cs, reg, def_path, NULL);
	if (rc)
		goto out;
	tl_strv_push(&a->results, def_path);
	for (size_t i = 0; i < picks.n && !rc; i++) {
		const char *one[] = {picks.v[i], NULL};
		char *path =
			xasprintf("%sclaims-run-%s.json", stem, picks.v[i]);

		*strchr(strrchr(path, '/') + 1, '=') = '-';
		fprintf(stderr, "traplab: toolchain pass %zu/%zu: %s\n", i + 2,
			picks.n + 1, picks.v[i]);
		a->run_tools = one;
		rc = tl__cmd_claims_run(a, root, cs, reg, path, NULL);
		a->run_tools = NULL;
		if (!rc)
			tl_strv_push(&a->results, path);
		free(path);
	}
out:
	tl_strv_release(&picks);
	free(def_path);
	return rc;
}

static int decided(enum tl_verdict_kind k)
{
	return k == TL_VERDICT_HOLDS || k == TL_VERDICT_REFUTED;
}

/*
 * The claims whose decided verdict differs between two columns of one
 * machine (same fingerprint, different toolchains): HOLDS under one
 * release, REFUTED under another. INCONCLUSIVE (too few samples) and
 * UNTESTABLE (no form of the variant for that release) are not a change
 * of verdict. Appends their indexes to out (owned by the caller).
 */
size_t tl__cmd_claims_tc_dependent(const struct tl_claimset *cs,
				   struct tl_verdict *const *vm,
				   const char *const *fps, size_t n,
				   size_t *out)
{
	size_t nout = 0;

	for (size_t i = 0; i < cs->nclaims; i++) {
		int moves = 0;

		for (size_t k = 0; k < n && !moves; k++)
			for (size_t j = k + 1; j < n && !moves; j++)
				moves = !strcmp(fps[k], fps[j]) &&
					decided(vm[k][i].kind) &&
					decided(vm[j][i].kind) &&
					vm[k][i].kind != vm[j][i].kind;
		if (moves)
			out[nout++] = i;
	}
	return nout;
}

/* Where pass (0-based) of a --repeat keeps its run, under stem. */
static char *pass_path(const char *stem, int pass)
{
	return xasprintf("%sclaims-repeat-pass-%d.json", stem, pass + 1);
}

/*
 * The runs of passes whose verdict on some claim is not that claim's
 * most frequent one are kept (an undecided pass among decided ones is
 * the case to look into: `claims --results PASS.json` judges it again),
 * the others removed; each kept one is said on stdout and listed in the
 * JSON's "odd_passes".
 */
static json_t *keep_odd_passes(const struct tl_claimset *cs,
			       const struct tl_repeat *rep, const char *stem)
{
	size_t *idx = xcalloc(cs->nclaims + 1, sizeof(*idx));
	json_t *arr = json_array();

	for (size_t p = 0; p < rep->npasses; p++) {
		char *path = pass_path(stem, (int)p);
		size_t n = tl_repeat_odd(rep, p, idx);
		json_t *ids = json_array();

		if (!n) {
			unlink(path);
			free(path);
			json_decref(ids);
			continue;
		}
		printf("pass %zu kept (%s):", p + 1, path);
		for (size_t k = 0; k < n; k++) {
			printf(" %s %s", cs->claims[idx[k]].id,
			       tl_verdict_name(
				       rep->cell[p * rep->nclaims + idx[k]]
					       .kind));
			json_array_append_new(
				ids, json_string(cs->claims[idx[k]].id));
		}
		putchar('\n');
		json_array_append_new(arr, json_pack("{s:i, s:s, s:o}", "pass",
						     (json_int_t)p + 1, "run",
						     path, "claims", ids));
		free(path);
	}
	free(idx);
	return arr;
}

/*
 * --repeat N: N passes into run_path (the last one stays there for the
 * reports), each judged on its own; the tally goes to stdout and to
 * STEM claims-repeat.json. 0 or an exit status.
 */
int tl__cmd_claims_repeat(const struct claims_args *a, const char *root,
			  const struct tl_claimset *cs,
			  const struct tl_registry *reg, const char *run_path,
			  const char *stem)
{
	struct tl_verdict *v = xcalloc(cs->nclaims + 1, sizeof(*v));
	struct tl_repeat rep;
	struct tl_buf b = TL_BUF_INIT;
	char *path = xasprintf("%sclaims-repeat.json", stem), *s, *keep;
	json_t *run, *j;
	int rc = 0;

	tl_repeat_init(&rep, cs->nclaims);
	/* an earlier --repeat's kept passes would read as this one's */
	for (int p = 0; p < 100; p++) {
		keep = pass_path(stem, p);
		unlink(keep);
		free(keep);
	}
	for (int pass = 0; pass < a->repeat && !rc; pass++) {
		uint64_t t0 = tl_os_now_ns();
		struct tl_verdict_opts vo = a->vo;

		fprintf(stderr, "traplab: pass %d of %d\n", pass + 1,
			a->repeat);
		rc = tl__cmd_claims_run(a, root, cs, reg, run_path, NULL);
		run = rc ? NULL : json_load_file(run_path, 0, NULL);
		if (!run) {
			rc = rc ? rc : 1;
			break;
		}
		vo.anytime = tl__cmd_claims_is_sequential(run);
		tl_verdict_eval(cs, &run, 1, &vo, v);
		keep = pass_path(stem, pass);
		if (json_dump_file(run, keep, JSON_COMPACT))
			fprintf(stderr,
				"traplab: cannot keep pass %d's run in %s\n",
				pass + 1, keep);
		free(keep);
		tl_repeat_add(&rep, v, (double)(tl_os_now_ns() - t0) / 1e9);
		for (size_t i = 0; i < cs->nclaims; i++)
			tl_verdict_release(&v[i]);
		json_decref(run);
	}
	if (rep.npasses) {
		tl_repeat_table(&b, cs, &rep);
		fputs(tl_buf_str(&b), stdout);
		j = tl_repeat_json(cs, &rep);
		json_object_set_new(j, "odd_passes",
				    keep_odd_passes(cs, &rep, stem));
		s = json_dumps(j, JSON_INDENT(2));
		if (tl__cmd_claims_write(path, s, strlen(s)))
			rc = 1;
		else
			printf("repeat: %s\n", path);
		free(s);
		json_decref(j);
	}
	tl_buf_release(&b);
	tl_repeat_release(&rep);
	free(path);
	free(v);
	return rc;
}
