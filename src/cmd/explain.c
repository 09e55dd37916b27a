/*
 * explain.c - `traplab explain ID`: why one claim's verdict came out as it
 * did, from a saved run: the quantity, the measure, the samples of every
 * side as a distribution with the claimed band on the same axis, the
 * toolchains, flags and machine, the machine code the measure is about
 * (the instructions that differ between the two sides marked), how many
 * more samples would likely decide an INCONCLUSIVE verdict and what
 * machine would make an UNTESTABLE one testable.
 *
 *   $ traplab explain alloc-stack-instructions
 *   alloc-stack-instructions  (2.1)  HOLDS
 *   quantity   the machine instructions a function's 4096-byte stack
 *              buffer adds to a call (with the buffer minus without)
 *   measure    alloc/c.stack[size=4096] - c.nostack[size=4096] ...
 *   ...
 *   code: stack_4096 (c.stack) against nostack_4096 (c.nostack)
 *     + sub $0xf90,%rsp
 *
 * The verdict is recomputed from the run (seeded, so it is the verdict
 * `traplab claims` printed for the same run and claim file).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/claims.h"
#include "analyze/evidence.h"
#include "analyze/verdict.h"
#include "cmd/cmd.h"
#include "cmd/claims_cmd.h"
#include "base/cli.h"
#include "machine/toolchain.h"
#include "measure/build.h"
#include "measure/disasm.h"
#include "measure/registry.h"
#include "report/evidence_view.h"
#include "base/banned.h"

struct explain_args {
	const char *id, *claims;
	struct tl_strv results;
	int no_disasm, width;
};

static const char explain_help[] =
	"usage: traplab explain ID [--claims FILE] [--results RUN.json ...]\n"
	"                       [--no-disasm] [--width N]\n"
	"\n"
	"Why claim ID's verdict came out as it did: its quantity, measure, "
	"samples\n"
	"against the claimed band, toolchains, flags and the machine code.\n"
	"\n"
	"options:\n"
	"  -c, --claims FILE       the claim file (default\n"
	"                          " DEFAULT_CLAIMS ")\n"
	"  -r, --results RUN.json  the saved run (default "
	"results/claims-run.json,\n"
	"                          else results/latest.json); repeatable\n"
	"      --no-disasm         leave the machine code out\n"
	"      --width N           wrap at N columns (40 to 400)\n"
	"\n"
	"exit: 0 shown, 1 no saved run to read, 2 an unknown claim, a "
	"malformed\n"
	"claim file or usage.\n"
	"\n"
	"examples:\n"
	"  traplab explain alloc-stack-sub-ns\n"
	"  traplab explain errors-instr-ratio --results run.json\n"
	"  traplab explain defer-go-costs --no-disasm --width 100\n";

static int parse_args(int argc, char **argv, struct explain_args *a)
{
	static const struct option longopts[] = {
		{"claims", required_argument, NULL, 'c'},
		{"results", required_argument, NULL, 'r'},
		{"no-disasm", no_argument, NULL, 'n'},
		{"width", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	int ch, status;

	optind = 1;
	while ((ch = tl_cmd_getopt_short(argc, argv, "c:r:", longopts,
					 explain_help, &status)) != -1) {
		switch (ch) {
		case TL_CMD_EXIT:
			return status;
		case 'c':
			a->claims = optarg;
			break;
		case 'r':
			tl_strv_push(&a->results, optarg);
			break;
		case 'n':
			a->no_disasm = 1;
			break;
		case 'w': {
			long w = strtol(optarg, NULL, 10);

			a->width = w < 40 ? 40 : w > 400 ? 400 : (int)w;
			break;
		}
		}
	}
	for (; optind < argc; optind++) {
		size_t n = strlen(argv[optind]);

		if (n > 5 && !strcmp(argv[optind] + n - 5, ".json"))
			tl_strv_push(&a->results, argv[optind]);
		else if (!a->id)
			a->id = argv[optind];
		else {
			fprintf(stderr,
				"traplab: explain takes one claim id\n");
			return 2;
		}
	}
	if (!a->id)
		return tl_cmd_usage("explain", explain_help);
	return -1;
}

/* "name       text", the text wrapped at 79 columns under itself. */
static void field(const char *name, const char *text)
{
	const char *p = text ? text : "-";
	int first = 1;

	while (*p) {
		size_t n = strlen(p), cut = n;

		if (n > 68) {
			cut = 68;
			while (cut > 20 && p[cut] != ' ')
				cut--;
		}
		printf("%-10s %.*s\n", first ? name : "", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
		first = 0;
	}
	if (first)
		printf("%-10s -\n", name);
}

/* What HOLDS/REFUTED/INCONCLUSIVE mean for this claim, in one line. */
static const char *rule(const struct tl_verdict *v)
{
	switch (v->kind) {
	case TL_VERDICT_HOLDS:
		return v->exact ? "the exact figure lies in the claimed region"
				: "the whole CI lies inside the claimed region";
	case TL_VERDICT_REFUTED:
		if (!v->has_ci && !v->fact)
			return "there is no such figure (see the caveats)";
		return v->exact ? "the exact figure lies outside the claimed "
				  "region"
				: "the whole CI lies outside the claimed "
				  "region";
	case TL_VERDICT_INCONCLUSIVE:
		return "the CI straddles a bound of the claimed region";
	default:
		return "this machine or run cannot measure it";
	}
}

static void print_head(const struct tl_claim *c, const struct tl_verdict *v)
{
	struct tl_buf b = TL_BUF_INIT;

	printf("%s  (%s)  %s\n", c->id, c->section, tl_verdict_name(v->kind));
	field("claim", c->text);
	field("claimed", c->claimed);
	field("quantity", c->quantity);
	tl_claims_fmt_measure(&b, &c->m);
	field("measure", tl_buf_str(&b));
	b.len = 0;
	tl_claims_fmt_pred(&b, c);
	field("predicate", tl_buf_str(&b));
	b.len = 0;
	tl_verdict_fmt_measured(&b, c, v);
	if (v->has_ci && !v->exact)
		tl_buf_printf(&b, " (%.4g%% CI, n=%zu%s", v->level * 100,
			      v->n[0], v->n[1] ? "/" : "");
	if (v->has_ci && !v->exact && v->n[1])
		tl_buf_printf(&b, "%zu", v->n[1]);
	if (v->has_ci && !v->exact)
		tl_buf_printf(&b, ", p %.3g, Holm-adjusted %.3g)", v->p,
			      v->p_adj);
	if (v->source)
		tl_buf_printf(&b, " source %s", v->source);
	field("measured", tl_buf_str(&b));
	field("verdict", rule(v));
	if (v->reason)
		field("reason", v->reason);
	if (v->notes)
		field("caveats", v->notes);
	if (c->note)
		field("remark", c->note);
	printf("%-10s docs/claims.md, section %s\n", "audit", c->id);
	tl_buf_release(&b);
}

static void print_decide(const struct tl_claim *c, const struct tl_verdict *v)
{
	double more = tl_evidence_samples_to_decide(c, v);
	const char *hint = tl_evidence_testable_on(v->reason);

	if (v->kind == TL_VERDICT_INCONCLUSIVE) {
		if (isfinite(more) && more > 0)
			printf("to decide about %.0f samples per side would "
			       "likely do (now %zu;\n           the CI "
			       "narrows as 1/sqrt(n))\n",
			       more, v->n[0]);
		else if (more == INFINITY)
			printf("to decide the estimate sits on a bound: more "
			       "samples will likely not decide it\n");
	}
	if (v->kind == TL_VERDICT_UNTESTABLE)
		field("testable",
		      hint ? hint
			   : "on a run where the variant builds and runs "
			     "(see the reason)");
}

static void print_sides(const struct tl_claim *c, const struct tl_evidence *ev,
			const struct tl_experiment *e)
{
	struct tl_buf b = TL_BUF_INIT;
	size_t k;

	for (k = 0; k < ev->nsides; k++) {
		const struct tl_evidence_side *s = &ev->side[k];
		const struct tl_variant *v =
			e ? tl_experiment_variant(e, s->variant) : NULL;

		printf("side %zu     %s/%s  case %s\n", k + 1, c->m.experiment,
		       s->variant, s->params && *s->params ? s->params : "-");
		if (s->why)
			printf("           not usable: %s\n", s->why);
		else if (s->fact)
			printf("           fact %s = %s\n", c->m.fact, s->fact);
		else if (s->n)
			printf("           %zu samples%s%s, source %s\n", s->n,
			       s->ops ? " of " : "",
			       s->ops ? "a batch of ops each" : "",
			       s->source ? s->source : "?");
		if (v) {
			b.len = 0;
			tl_buf_puts(&b, "build: ");
			tl_build_describe(&b, v);
			field("", tl_buf_str(&b));
			if (v->comment) {
				b.len = 0;
				tl_buf_printf(&b, "what: %s", v->comment);
				field("", tl_buf_str(&b));
			}
		}
		if (s->build)
			field("", s->build);
	}
	tl_buf_release(&b);
}

/* The path of the (cached) binary of variant vname; NULL with a message. */
static char *binary_of(const char *root, const struct tl_experiment *e,
		       const char *vname, int for_sim)
{
	const struct tl_variant *v = tl_experiment_variant(e, vname);
	struct tl_toolchains tc;
	struct tl_build_opts bo;
	struct tl_build_result res;
	char *bin = NULL;

	if (!v)
		return NULL;
	memset(&bo, 0, sizeof(bo));
	memset(&res, 0, sizeof(res));
	tl_toolchains_find(&tc, root);
	bo.root = root;
	bo.tools = &tc;
	bo.for_sim = for_sim;
	if (tl_build_variant(&bo, e, v, &res) == 0 &&
	    res.status == TL_BUILD_OK && res.bin)
		bin = xstrdup(res.bin);
	else
		printf("  %s: no binary (%s)\n", vname,
		       res.reason ? res.reason : "build failed");
	tl_build_result_release(&res);
	tl_toolchains_release(&tc);
	return bin;
}

/*
 * The machine code the claim is about (`code:` names a function per
 * variant); with two sides, the instructions only one of them has are
 * marked: that is what a differenced measure consists of.
 */
static void print_code(const char *root, const struct tl_claim *c,
		       const struct tl_evidence *ev,
		       const struct tl_experiment *e)
{
	struct tl_strv lst[2] = {TL_STRV_INIT, TL_STRV_INIT};
	const char *sym[2] = {NULL, NULL};
	int sim = ev->side[0].source && !strcmp(ev->side[0].source, "sim");
	size_t k, i, got = 0;
	struct tl_buf b = TL_BUF_INIT;

	for (k = 0; k < ev->nsides; k++) {
		char *bin;

		for (i = 0; i < c->ncode; i++)
			if (!strcmp(c->code[i].key, ev->side[k].variant))
				sym[k] = c->code[i].val;
		if (!sym[k])
			continue;
		bin = binary_of(root, e, ev->side[k].variant, sim);
		if (bin && tl_disasm_symbol(bin, sym[k], &lst[k]) == 0)
			got++;
		else if (bin)
			printf("  %s: %s is not in %s: inlined, or folded "
			       "into a function with identical code\n",
			       ev->side[k].variant, sym[k], bin);
		free(bin);
	}
	if (got == 2) {
		size_t marked = tl_disasm_diff(&b, &lst[0], &lst[1]);

		printf("code: %s (%s, %zu instructions) against %s (%s, %zu);"
		       "\n+ only in the first, - only in the second, ~ moved: "
		       "%zu marked\n%s",
		       sym[0], ev->side[0].variant, lst[0].n, sym[1],
		       ev->side[1].variant, lst[1].n, marked, tl_buf_str(&b));
	} else {
		for (k = 0; k < 2; k++) {
			if (!lst[k].n)
				continue;
			printf("code: %s (%s), %zu instructions\n", sym[k],
			       ev->side[k].variant, lst[k].n);
			for (i = 0; i < lst[k].n; i++)
				printf("    %s\n", lst[k].v[i]);
		}
	}
	tl_buf_release(&b);
	tl_strv_release(&lst[0]);
	tl_strv_release(&lst[1]);
}

/* The saved runs: the ones named, else the claims run, else the latest. */
static int load_runs(const char *root, struct explain_args *a, json_t ***runs,
		     size_t *n)
{
	static const char *const defaults[] = {"results/claims-run.json",
					       "results/latest.json"};
	json_error_t je;
	size_t i;

	if (!a->results.n)
		for (i = 0; i < TL_ARRAY_SIZE(defaults); i++) {
			char *p = xasprintf("%s/%s", root, defaults[i]);

			if (access(p, R_OK) == 0) {
				tl_strv_push_owned(&a->results, p);
				break;
			}
			free(p);
		}
	*runs = xcalloc(a->results.n + 1, sizeof(**runs));
	for (i = 0; i < a->results.n; i++) {
		(*runs)[i] = json_load_file(a->results.v[i], 0, &je);
		if (!(*runs)[i]) {
			fprintf(stderr, "traplab: %s:%d:%d: %s\n",
				a->results.v[i], je.line, je.column, je.text);
			return -EINVAL;
		}
		(*n)++;
	}
	return 0;
}

static const struct tl_claim *find_claim(const struct tl_claimset *cs,
					 const char *id, size_t *idx)
{
	size_t i;

	for (i = 0; i < cs->nclaims; i++)
		if (cs->claims[i].id && !strcmp(cs->claims[i].id, id)) {
			*idx = i;
			return &cs->claims[i];
		}
	fprintf(stderr, "traplab: no claim '%s' in '%s'", id, cs->path);
	for (i = 0; i < cs->nclaims; i++)
		if (cs->claims[i].id && !strncmp(cs->claims[i].id, id, 5)) {
			fprintf(stderr, "; did you mean '%s'?",
				cs->claims[i].id);
			break;
		}
	fputs("\n", stderr);
	return NULL;
}

/* Whether two paths name the same file. */
static int same_file(const char *x, const char *y)
{
	char *rx = x ? realpath(x, NULL) : NULL,
	     *ry = y ? realpath(y, NULL) : NULL;
	int same = rx && ry && !strcmp(rx, ry);

	free(rx);
	free(ry);
	return same;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* The verdict saved in it as a struct tl_verdict (strings copied). */
static void verdict_from_json(json_t *it, struct tl_verdict *v)
{
	json_t *e = json_object_get(it, "estimate");
	size_t k;

	memset(v, 0, sizeof(*v));
	for (k = 0; k < TL_VERDICT_COUNT_; k++)
		if (jstr(it, "verdict") &&
		    !strcmp(jstr(it, "verdict"),
			    tl_verdict_name((enum tl_verdict_kind)k)))
			v->kind = (enum tl_verdict_kind)k;
	v->reason = jstr(it, "reason") ? xstrdup(jstr(it, "reason")) : NULL;
	v->notes = jstr(it, "notes") ? xstrdup(jstr(it, "notes")) : NULL;
	v->fact = jstr(it, "fact") ? xstrdup(jstr(it, "fact")) : NULL;
	v->source = jstr(it, "source") ? xstrdup(jstr(it, "source")) : NULL;
	v->simulated = json_is_true(json_object_get(it, "simulated"));
	if (!json_is_object(e))
		return;
	v->has_ci = 1;
	v->ci.point = json_number_value(json_object_get(e, "point"));
	v->ci.lo = json_number_value(json_object_get(e, "lo"));
	v->ci.hi = json_number_value(json_object_get(e, "hi"));
	v->level = json_number_value(json_object_get(e, "level"));
	v->exact = json_is_true(json_object_get(e, "exact"));
	v->p = json_number_value(json_object_get(e, "p"));
	v->p_adj = json_number_value(json_object_get(e, "p_adjusted"));
	v->n[0] = (size_t)json_integer_value(json_object_get(e, "n"));
	v->n[1] = (size_t)json_integer_value(json_object_get(e, "n_b"));
}

/*
 * The verdict `traplab claims` saved for claim c (results/verdicts.json),
 * when it was made from these runs with this claim file and this claim's
 * measure and predicate: then it is the verdict, bit for bit, and judging
 * the whole table again (the Holm family needs every claim) is skipped.
 * 0 and *v filled, or -ENOENT.
 */
/* Whether file x was modified no earlier than file y. */
static int not_older(const char *x, const char *y)
{
	struct stat sx, sy;

	return y && stat(x, &sx) == 0 && stat(y, &sy) == 0 &&
	       (sx.st_mtim.tv_sec > sy.st_mtim.tv_sec ||
		(sx.st_mtim.tv_sec == sy.st_mtim.tv_sec &&
		 sx.st_mtim.tv_nsec >= sy.st_mtim.tv_nsec));
}

static int saved_verdict(const char *path, const struct explain_args *a,
			 const struct tl_claim *c, struct tl_verdict *v)
{
	json_t *doc = json_load_file(path, 0, NULL), *it, *rj;
	struct tl_buf m = TL_BUF_INIT, p = TL_BUF_INIT;
	size_t i;
	int err = -ENOENT, ok;

	rj = json_object_get(doc, "runs");
	ok = json_array_size(rj) == a->results.n &&
	     same_file(jstr(doc, "claims_file"), a->claims) &&
	     not_older(path, a->claims);
	for (i = 0; ok && i < a->results.n; i++)
		ok = same_file(json_string_value(json_array_get(rj, i)),
			       a->results.v[i]) &&
		     not_older(path, a->results.v[i]);
	tl_claims_fmt_measure(&m, &c->m);
	tl_claims_fmt_pred(&p, c);
	json_array_foreach(ok ? json_object_get(doc, "verdicts") : NULL, i, it)
	{
		if (!jstr(it, "id") || strcmp(jstr(it, "id"), c->id) ||
		    !jstr(it, "measure") || !jstr(it, "predicate") ||
		    strcmp(jstr(it, "measure"), tl_buf_str(&m)) ||
		    strcmp(jstr(it, "predicate"), tl_buf_str(&p)))
			continue;
		verdict_from_json(it, v);
		err = 0;
	}
	tl_buf_release(&m);
	tl_buf_release(&p);
	json_decref(doc);
	return err;
}

/*
 * The verdicts of the whole table, judged now, kept beside the run
 * (results/.explain-verdicts.json) so that explaining the next claim of
 * the same run reads them instead of judging the table again. Best
 * effort: a folder that cannot be written only costs time.
 */
static void keep_verdicts(const char *path, const struct explain_args *a,
			  const struct tl_claimset *cs,
			  const struct tl_verdict *v, size_t m, json_t *env)
{
	struct tl_verdict_opts vo = TL_VERDICT_OPTS_INIT;
	json_t *doc = tl_verdict_json(cs, v, &a->results, &vo, m, env);
	char *text;

	json_object_set_new(doc, "claims_file", json_string(a->claims));
	text = json_dumps(doc, JSON_COMPACT);
	if (text)
		(void)tl_write_file_atomic(path, text, strlen(text));
	free(text);
	json_decref(doc);
}

static void explain_one(const char *root, const struct explain_args *a,
			const struct tl_claimset *cs, size_t idx,
			json_t *const *runs, size_t nruns,
			const struct tl_registry *reg)
{
	const struct tl_claim *c = &cs->claims[idx];
	struct tl_verdict_opts vo = TL_VERDICT_OPTS_INIT;
	struct tl_verdict *v = xcalloc(cs->nclaims + 1, sizeof(*v));
	const struct tl_experiment *e = tl_registry_find(reg, c->m.experiment);
	struct tl_evidence ev;
	struct tl_buf b = TL_BUF_INIT;
	char *kept = xasprintf("%s/results/.explain-verdicts.json", root);
	char *saved_path = xasprintf("%s/results/verdicts.json", root);
	size_t i, nv = 0, m;
	int saved = nruns && (!saved_verdict(saved_path, a, c, &v[idx]) ||
			      !saved_verdict(kept, a, c, &v[idx]));

	if (!saved) {
		m = tl_verdict_eval(cs, runs, nruns, &vo, v);
		nv = cs->nclaims;
		if (nruns)
			keep_verdicts(kept, a, cs, v, m,
				      json_object_get(runs[0], "env"));
	}
	free(kept);
	free(saved_path);
	tl_evidence_gather(c, runs, nruns, &ev);
	print_head(c, &v[idx]);
	printf("run        %s\n", nruns ? a->results.v[0] : "none");
	printf("judged     %s\n",
	       saved ? "as saved by `traplab claims` (same run and claim)"
		     : "now, from the run (the whole table, seeded)");
	if (!nruns)
		printf("           no saved run: `traplab claims` makes one "
		       "(results/claims-run.json)\n");
	if (nruns && c->m.metric) {
		printf("\nsamples per side on one axis%s:\n",
		       ev.nsides == 2 && ev.has_band
			       ? "; the band is where side 1\nwould have to "
				 "lie, given side 2's median"
			       : "");
		tl_evidence_text(&b, c, &ev, a->width);
		fputs(tl_buf_str(&b), stdout);
	}
	printf("\n");
	print_sides(c, &ev, e);
	field("machine", ev.machine);
	field("toolchains", ev.toolchains);
	if (ev.conditions)
		field("conditions", ev.conditions);
	print_decide(c, &v[idx]);
	if (c->ncode && e && !a->no_disasm) {
		printf("\n");
		print_code(root, c, &ev, e);
	}
	tl_evidence_release(&ev);
	tl_buf_release(&b);
	if (saved)
		tl_verdict_release(&v[idx]);
	for (i = 0; i < nv; i++)
		tl_verdict_release(&v[i]);
	free(v);
}

int cmd_explain(int argc, char **argv)
{
	struct explain_args a = {.results = TL_STRV_INIT, .width = 80};
	struct tl_diag d = TL_DIAG_INIT, rd = TL_DIAG_INIT;
	const char *root = tl_cli_root();
	struct tl_registry reg;
	struct tl_claimset cs;
	json_t **runs = NULL;
	size_t nruns = 0, idx = 0, i;
	char *cpath = NULL;
	int rc;

	memset(&reg, 0, sizeof(reg));
	rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		goto out;
	if (!a.claims)
		a.claims = cpath = xasprintf("%s/" DEFAULT_CLAIMS, root);
	tl_registry_load(&reg, root, &rd);
	rc = tl_claims_parse(&cs, a.claims, NULL, 0, &d);
	if (rc) {
		/* The parser's diagnostics say what failed, once. */
		for (i = 0; i < d.msgs.n; i++)
			fprintf(stderr, "traplab: %s\n", d.msgs.v[i]);
		if (!d.msgs.n)
			fprintf(stderr, "traplab: cannot open '%s': %s\n",
				a.claims, strerror(-rc));
		rc = 2;
		goto out_reg;
	}
	tl_claims_resolve(&cs, &reg, &d);
	rc = 2;
	if (!find_claim(&cs, a.id, &idx))
		goto out_cs;
	rc = 1;
	if (load_runs(root, &a, &runs, &nruns))
		goto out_cs;
	explain_one(root, &a, &cs, idx, runs, nruns, &reg);
	rc = 0;
out_cs:
	for (i = 0; i < nruns; i++)
		json_decref(runs[i]);
	free(runs);
	tl_claimset_release(&cs);
out_reg:
	tl_registry_release(&reg);
out:
	tl_diag_release(&d);
	tl_diag_release(&rd);
	tl_strv_release(&a.results);
	free(cpath);
	return rc;
}
