/*
 * claims.c - `traplab claims`: a claim set and a run (saved, or run now
 * for the claims) turned into verdicts, reports and the SLO check.
 */
#include "cmd/cmd.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/claims.h"
#include "analyze/matrix.h"
#include "analyze/repeat.h"
#include "analyze/slo.h"
#include "analyze/verdict.h"
#include "base/cli.h"
#include "base/jsonx.h"
#include "base/os.h"
#include "cmd/run.h"
#include "machine/chaos.h"
#include "machine/counters.h"
#include "machine/toolchain.h"
#include "report/gate.h"
#include "report/htmlreport.h"
#include "report/mdreport.h"
#include "report/verdicttable.h"
#include "base/term.h"

#include "cmd/claims_cmd.h"
#include "base/banned.h"

static const char claims_help[] =
	"usage: traplab claims [FILE] [--results RUN.json ...] [--quick] "
	"[--check]\n"
	"         [--only ID,...] [--adjust holm|bonferroni|none] [--alpha A]\n"
	"         [--counters MODE] [-o DIR] [--md FILE] [--html FILE]\n"
	"         [--json FILE] [--junit FILE] [--csv FILE] [--github]\n"
	"         [--chaos KIND] [--repeat N] [--toolchains LANG=V1,V2 ...]\n"
	"         [--independent | --strict]\n"
	"\n"
	"Judges the claims of FILE (default " DEFAULT_CLAIMS ") on saved\n"
	"runs, or runs what the claims need first, and writes the reports.\n"
	"\n"
	"options:\n"
	"  -r, --results RUN.json  judge on this saved run (repeatable; a "
	".json\n"
	"                          operand is one too) instead of running\n"
	"  -q, --quick             a quick pass: small params, few rounds\n"
	"      --check             parse and resolve the claims, run nothing\n"
	"      --only ID,...       only these claims (ids or globs: "
	"'defer-*',\n"
	"                          repeatable): only their experiments run "
	"and\n"
	"                          the family-wise correction counts only "
	"them\n"
	"      --adjust METHOD     family-wise correction: holm (default),\n"
	"                          bonferroni, none\n"
	"      --alpha A           family-wise error rate (default 0.05)\n"
	"      --independent       intervals that take every sample as\n"
	"                          independent; by default a workload\n"
	"                          process's samples count as one cluster\n"
	"                          (a host neighbour, a memory layout move\n"
	"                          them together)\n"
	"      --strict            each process one unit: intervals that hold\n"
	"                          however processes differ (the default's\n"
	"                          design effect is estimated from the\n"
	"                          processes seen); up to 4x the processes\n"
	"      --counters MODE     as in `traplab run`\n"
	"  -o, --out DIR           write the reports into DIR\n"
	"      --md, --html, --json FILE\n"
	"                          one report to FILE (defaults\n"
	"                          " DEFAULT_MD ", " DEFAULT_HTML ",\n"
	"                          " DEFAULT_JSON "; another FILE's\n"
	"                          reports go beside it: x.yaml, "
	"x.report.html)\n"
	"      --junit FILE        one JUnit test case per claim; it fails "
	"when\n"
	"                          the verdict differs from the claim's "
	"expect:,\n"
	"                          else when REFUTED (UNTESTABLE is skipped)\n"
	"      --csv FILE          one row per claim, numbers in base units\n"
	"      --github            GitHub annotations on stdout, and a "
	"summary\n"
	"                          appended to $GITHUB_STEP_SUMMARY when it is "
	"set\n"
	"      --chaos KIND        also under interference (cpu, cache, "
	"membw,\n"
	"                          malloc-fail): which verdicts and SLOs "
	"survive\n"
	"      --repeat N          N passes: per claim how often each verdict "
	"came\n"
	"                          out, flips, samples spent against the "
	"fewest\n"
	"                          that would have decided it (oracle bound);\n"
	"                          the runs of passes with an odd verdict are\n"
	"                          kept (claims-repeat-pass-N.json)\n"
	"      --toolchains L=V1,V2\n"
	"                          each listed release in turn (list "
	"--toolchains):\n"
	"                          a claims x toolchains matrix\n"
	"\n"
	"exit: 0 all written, 1 an unresolved claim or a run problem, 2 usage "
	"or\n"
	"a malformed claim file.\n"
	"\n"
	"examples:\n"
	"  traplab claims --quick                       # run, judge, report\n"
	"  traplab claims --results results/latest.json --only 'defer-*'\n"
	"  traplab claims --junit build/claims.xml --github   # a CI gate\n"
	"  traplab help claims                          # the claim language\n";

static void print_diag(const struct tl_diag *d, const char *kind)
{
	size_t i;

	for (i = 0; i < d->msgs.n; i++)
		fprintf(stderr, "%s%s\n", kind, d->msgs.v[i]);
}

int tl__cmd_claims_write(const char *path, const char *data, size_t len)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int err = 0;

	if (slash) {
		*slash = 0;
		if (*dir)
			err = tl_mkdirs(dir);
	}
	free(dir);
	if (!err)
		err = tl_write_file_atomic(path, data, len);
	if (err)
		fprintf(stderr, "traplab: cannot write '%s': %s\n", path,
			strerror(-err));
	return err;
}

const char *tl__cmd_claims_base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static char *output_stem(const struct claims_args *a, const char *root);

/* --only ID[,ID...]: each id or glob of the list, empty ones skipped. */
static void only_add(struct tl_strv *only, const char *list)
{
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");

		if (n)
			tl_strv_push_owned(only, xstrndup(p, n));
		p += n + (p[n] == ',');
	}
}

static int parse_args(int argc, char **argv, struct claims_args *a)
{
	static const struct option longopts[] = {
		{"results", required_argument, NULL, 'r'},
		{"quick", no_argument, NULL, 'q'},
		{"check", no_argument, NULL, 'c'},
		{"adjust", required_argument, NULL, 'a'},
		{"alpha", required_argument, NULL, 'A'},
		{"counters", required_argument, NULL, 'C'},
		{"md", required_argument, NULL, 'm'},
		{"html", required_argument, NULL, 'W'},
		{"json", required_argument, NULL, 'j'},
		{"chaos", required_argument, NULL, 'X'},
		{"toolchains", required_argument, NULL, 'T'},
		{"junit", required_argument, NULL, 'J'},
		{"csv", required_argument, NULL, 'S'},
		{"github", no_argument, NULL, 'G'},
		{"out", required_argument, NULL, 'o'},
		{"repeat", required_argument, NULL, 'R'},
		{"only", required_argument, NULL, 'O'},
		{"independent", no_argument, NULL, 'I'},
		{"strict", no_argument, NULL, 'Y'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	char *end;
	int ch, status;

	optind = 1;
	while ((ch = tl_cmd_getopt_short(argc, argv, "r:qo:", longopts,
					 claims_help, &status)) != -1) {
		switch (ch) {
		case TL_CMD_EXIT:
			return status;
		case 'r':
			tl_strv_push(&a->results, optarg);
			break;
		case 'q':
			a->quick = 1;
			break;
		case 'I':
			a->vo.independent = 1;
			break;
		case 'Y':
			a->vo.strict = 1;
			break;
		case 'c':
			a->check = 1;
			break;
		case 'a':
			if (tl_adjust_parse(optarg, &a->vo.adjust)) {
				fprintf(stderr,
					"traplab: unknown adjustment '%s' "
					"(holm, bonferroni, none)\n",
					optarg);
				return 2;
			}
			break;
		case 'A':
			a->vo.alpha = strtod(optarg, &end);
			if (*end || !(a->vo.alpha > 0 && a->vo.alpha < 0.5)) {
				fprintf(stderr,
					"traplab: --alpha wants a number in "
					"(0, 0.5), not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'C':
			a->counters = optarg;
			break;
		case 'm':
			a->md = optarg;
			break;
		case 'W':
			a->html = optarg;
			break;
		case 'j':
			a->json = optarg;
			break;
		case 'J':
			a->junit = optarg;
			break;
		case 'S':
			a->csv = optarg;
			break;
		case 'G':
			a->github = 1;
			break;
		case 'o':
			a->outdir = optarg;
			break;
		case 'T':
			tl_strv_push(&a->toolchains, optarg);
			break;
		case 'O':
			only_add(&a->only, optarg);
			break;
		case 'R':
			a->repeat = (int)strtol(optarg, &end, 10);
			if (*end || a->repeat < 1 || a->repeat > 100) {
				fprintf(stderr, "traplab: --repeat wants a "
						"count from 1 to 100\n");
				return 2;
			}
			break;
		case 'X': {
			enum tl_chaos_kind k;

			if (tl_chaos_parse(optarg, &k)) {
				fprintf(stderr,
					"traplab: --chaos is cpu, cache, membw "
					"or malloc-fail, not '%s'\n",
					optarg);
				return 2;
			}
			a->chaos = optarg;
			break;
		}
		}
	}
	if (a->vo.independent && a->vo.strict) {
		fprintf(stderr, "traplab: --independent and --strict count "
				"processes in opposite ways; pick one\n");
		return 2;
	}
	/*
	 * Positional arguments: the claim file, and more results files
	 * (`--results a.json b.json` reads as one list).
	 */
	for (; optind < argc; optind++) {
		size_t n = strlen(argv[optind]);

		if (n > 5 && !strcmp(argv[optind] + n - 5, ".json")) {
			tl_strv_push(&a->results, argv[optind]);
		} else if (!a->file) {
			a->file = argv[optind];
		} else {
			fprintf(stderr,
				"traplab: unexpected argument '%s' (one claim "
				"file; results files end in .json)\n",
				argv[optind]);
			return 2;
		}
	}
	return -1;
}

/*
 * Where outputs go, as a prefix to which "report.html" etc. are added:
 * --out DIR/, else ROOT/results/ for the default claim file, else the
 * claim file's path without its extension and a dot ("claims/x.").
 */
static char *output_stem(const struct claims_args *a, const char *root)
{
	char *def = xasprintf("%s/%s", root, DEFAULT_CLAIMS), *rf, *rd, *s;
	const char *dot, *slash;
	int same;

	if (a->outdir) {
		free(def);
		return xasprintf("%s/", a->outdir);
	}
	rf = realpath(a->file, NULL);
	rd = realpath(def, NULL);
	same = rf && rd ? !strcmp(rf, rd) : !strcmp(a->file, def);
	free(rf);
	free(rd);
	free(def);
	if (same)
		return xasprintf("%s/results/", root);
	dot = strrchr(a->file, '.');
	slash = strrchr(a->file, '/');
	if (!dot || (slash && dot < slash))
		dot = a->file + strlen(a->file);
	s = xasprintf("%.*s.", (int)(dot - a->file), a->file);
	return s;
}

/* --junit, --csv and --github; 0 or 1 (each problem printed once). */
static int write_exports(const struct claims_args *a,
			 const struct tl_claimset *cs,
			 const struct tl_verdict *v)
{
	struct tl_case *cases = xcalloc(cs->nclaims + 1, sizeof(*cases));
	struct tl_strv own = TL_STRV_INIT;
	struct tl_buf b = TL_BUF_INIT, err = TL_BUF_INIT;
	int rc = 0;

	if (tl_gate_claims(cs, v, cases, &own, &err)) {
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
		rc = 1;
	}
	if (a->junit) {
		tl_export_junit(&b, cs->path, cases, cs->nclaims);
		rc |= tl__cmd_claims_write(a->junit, b.s, b.len) ? 1 : 0;
		b.len = 0;
	}
	if (a->csv) {
		tl_gate_claims_csv(&b, cs, v);
		rc |= tl__cmd_claims_write(a->csv, b.s, b.len) ? 1 : 0;
	}
	err.len = 0;
	if (a->github && tl_export_github(cs->title ? cs->title : cs->path,
					  cases, cs->nclaims, &err)) {
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
		rc = 1;
	}
	tl_strv_release(&own);
	tl_buf_release(&b);
	tl_buf_release(&err);
	free(cases);
	return rc;
}

/* The claims x machines table for the terminal. */
static void matrix_print(struct tl_buf *b, const struct tl_claimset *cs,
			 struct tl_verdict *const *vm,
			 const char *const *labels, const char *const *fps,
			 const size_t *nrun, size_t n)
{
	size_t i, k;

	tl_buf_puts(b, "machines (runs of one fingerprint pooled, machines "
		       "never averaged):\n");
	for (k = 0; k < n; k++)
		tl_buf_printf(b, "  M%zu  %s  %zu run%s  %s\n", k + 1, fps[k],
			      nrun[k], nrun[k] == 1 ? "" : "s", labels[k]);
	tl_buf_printf(b, "\n%-28s %-5s", "id", "sec");
	for (k = 0; k < n; k++) {
		char h[24];

		snprintf(h, sizeof(h), "M%zu", k + 1);
		tl_buf_printf(b, " %-13s", h);
	}
	tl_buf_puts(b, "\n");
	for (i = 0; i < cs->nclaims; i++) {
		tl_buf_printf(b, "%-28.28s %-5s", cs->claims[i].id,
			      cs->claims[i].section);
		for (k = 0; k < n; k++)
			tl_buf_printf(b, " %-13s",
				      tl_verdict_name(vm[k][i].kind));
		tl_buf_puts(b, "\n");
	}
	{
		size_t *dep = xcalloc(cs->nclaims + 1, sizeof(*dep));
		size_t nd = tl__cmd_claims_tc_dependent(cs, vm, fps, n, dep);

		if (nd) {
			tl_buf_printf(b,
				      "\n%zu claim%s whose verdict changes "
				      "with the toolchain:\n",
				      nd, nd == 1 ? "" : "s");
			for (i = 0; i < nd; i++) {
				tl_buf_printf(b, "  %-28s",
					      cs->claims[dep[i]].id);
				for (k = 0; k < n; k++)
					tl_buf_printf(
						b, " M%zu %s", k + 1,
						tl_verdict_name(
							vm[k][dep[i]].kind));
				tl_buf_puts(b, "\n");
			}
		}
		free(dep);
	}
}

/* {"machines": [{fingerprint, label, verdicts: {id: verdict}}]}. */
static json_t *matrix_json(const struct tl_claimset *cs,
			   struct tl_verdict *const *vm,
			   const char *const *labels, const char *const *fps,
			   size_t n)
{
	json_t *ms = json_array();

	for (size_t k = 0; k < n; k++) {
		json_t *vs = json_object();

		for (size_t i = 0; i < cs->nclaims; i++)
			json_object_set_new(
				vs, cs->claims[i].id,
				json_string(tl_verdict_name(vm[k][i].kind)));
		json_array_append_new(
			ms, json_pack("{s:s,s:s,s:o}", "fingerprint", fps[k],
				      "label", labels[k], "verdicts", vs));
	}
	{
		size_t *dep = xcalloc(cs->nclaims + 1, sizeof(*dep));
		size_t nd = tl__cmd_claims_tc_dependent(cs, vm, fps, n, dep);
		json_t *ids = json_array();

		for (size_t i = 0; i < nd; i++)
			json_array_append_new(
				ids, json_string(cs->claims[dep[i]].id));
		free(dep);
		return json_pack("{s:o,s:o}", "machines", ms,
				 "toolchain_dependent", ids);
	}
}

/* Runs `traplab slo check` on run_path; prints its table. */
static void slo_on(const char *root, const char *run_path)
{
	char *slo = xasprintf("%s/slo/default.yaml", root);
	char *argv[] = {(char *)"slo", (char *)"check",	       (char *)"--slo",
			slo,	       (char *)"--no-history", (char *)run_path,
			NULL};

	cmd_slo(6, argv);
	free(slo);
}

/* The chaos run's results; an out-of-range number costs that number. */
static json_t *load_run(const char *path)
{
	struct tl_diag d = TL_DIAG_INIT;
	json_error_t je;
	json_t *run = NULL;
	char *text;
	size_t len, i;
	int rc = tl_read_file(path, &text, &len);

	if (rc) {
		fprintf(stderr, "traplab: cannot read '%s': %s\n", path,
			strerror(-rc));
		return NULL;
	}
	run = tl_json_parse(path, text, len, &d, &je);
	if (!run)
		fprintf(stderr, "traplab: %s:%d:%d: %s\n", path, je.line,
			je.column, je.text);
	for (i = 0; i < d.msgs.n; i++)
		fprintf(stderr, "traplab: %s\n", d.msgs.v[i]);
	tl_diag_release(&d);
	free(text);
	return run;
}

/*
 * The article's "chaos experiment -> verify" step: the same experiments
 * under interference, the verdicts side by side with the clean ones, and
 * the SLOs on both runs. Returns 0, or 1 when the chaos run failed.
 */
static int chaos_pass(const struct claims_args *a, const char *root,
		      const struct tl_claimset *cs,
		      const struct tl_registry *reg,
		      const struct tl_verdict *clean)
{
	char *path = xasprintf("%s/results/claims-run-chaos-%s.json", root,
			       a->chaos);
	struct tl_verdict *v = NULL;
	json_t *run;
	size_t i, kept = 0, judged = 0;
	int rc;

	fprintf(stderr,
		"traplab: running the claims' experiments again under "
		"--interfere %s\n",
		a->chaos);
	rc = tl__cmd_claims_run(a, root, cs, reg, path, a->chaos);
	if (rc)
		goto out;
	run = load_run(path);
	if (!run) {
		rc = 1;
		goto out;
	}
	v = xcalloc(cs->nclaims + 1, sizeof(*v));
	tl_verdict_eval(cs, &run, 1, &a->vo, v);
	printf("\nunder --interfere %s:\n%-28s %-14s %-14s %s\n", a->chaos,
	       "id", "clean", a->chaos, "survives");
	for (i = 0; i < cs->nclaims; i++) {
		const char *c0 = tl_verdict_name(clean[i].kind);
		const char *c1 = tl_verdict_name(v[i].kind);
		int same = clean[i].kind == v[i].kind;

		if (clean[i].kind != TL_VERDICT_UNTESTABLE) {
			judged++;
			kept += same;
		}
		printf("%-28.28s %-14s %-14s %s\n", cs->claims[i].id, c0, c1,
		       clean[i].kind == TL_VERDICT_UNTESTABLE ? "-"
		       : same				      ? "yes"
							      : "NO");
	}
	printf("%zu of %zu judged verdicts survive --interfere %s\n", kept,
	       judged, a->chaos);
	printf("\nSLOs on the clean run:\n");
	slo_on(root, a->results.v[0]);
	printf("\nSLOs under --interfere %s:\n", a->chaos);
	slo_on(root, path);
	for (i = 0; i < cs->nclaims; i++)
		tl_verdict_release(&v[i]);
	free(v);
	json_decref(run);
out:
	free(path);
	return rc;
}

/* The outputs' defaults: a path that is one of these was not given. */
static const char default_md[] = DEFAULT_MD, default_html[] = DEFAULT_HTML,
		  default_json[] = DEFAULT_JSON;

/*
 * Fills in the paths left at their defaults: the project's claim file
 * (wherever traplab runs from), and outputs named after the claim file's
 * stem, beside it or in --out (so another claim file's outputs never
 * replace the default pass's report). defs[0..3] own what
 * was allocated; returns the stem (the caller frees it).
 */
static char *default_paths(struct claims_args *a, const char *root, char **defs)
{
	char *stem;

	if (!a->file)
		a->file = defs[0] = xasprintf("%s/%s", root, DEFAULT_CLAIMS);
	stem = output_stem(a, root);
	if (a->md == default_md)
		a->md = defs[1] = xasprintf(
			"%s%s", stem, tl__cmd_claims_base_name(DEFAULT_MD));
	if (a->html == default_html)
		a->html = defs[2] = xasprintf(
			"%s%s", stem, tl__cmd_claims_base_name(DEFAULT_HTML));
	if (a->json == default_json)
		a->json = defs[3] = xasprintf(
			"%s%s", stem, tl__cmd_claims_base_name(DEFAULT_JSON));
	return stem;
}

/*
 * Without --results, runs what the claims need (once, once per toolchain,
 * or --repeat times) and adds the run's file to a->results (*run_file
 * owns its name). Returns 0, or the command's exit code.
 */
static int measure_unless_given(struct claims_args *a, const char *root,
				struct tl_claimset *cs, struct tl_registry *reg,
				const char *stem, char **run_file)
{
	int rc;

	if (a->results.n && a->repeat) {
		fprintf(stderr, "traplab: --repeat runs the passes itself; "
				"it does not take --results\n");
		return 2;
	}
	if (a->results.n)
		return 0;
	if (a->toolchains.n)
		return tl__cmd_claims_toolchains(a, root, cs, reg, stem);
	*run_file =
		xasprintf("%s%s", stem, tl__cmd_claims_base_name(CLAIMS_RUN));
	rc = a->repeat
		     ? tl__cmd_claims_repeat(a, root, cs, reg, *run_file, stem)
		     : tl__cmd_claims_run(a, root, cs, reg, *run_file, NULL);
	if (!rc)
		tl_strv_push(&a->results, *run_file);
	return rc;
}

/* The verdicts of a claim set on each machine of the runs read. */
struct judged {
	struct tl_matrix mx;	    /* mx.n machines (fingerprints) */
	size_t m;		    /* numeric claims: the family size */
	json_t **runs;		    /* one pooled run per machine */
	struct tl_verdict **vm;	    /* per machine, per claim */
	const char **labels, **fps; /* per machine */
	size_t *nrun;		    /* runs pooled per machine */
};

/*
 * Reads a->results and judges cs on each machine: one machine's runs are
 * pooled, different machines are judged apart (the verdict matrix).
 * Returns 0, or 1 when a results file cannot be read (said on stderr).
 */
static int judge_runs(struct claims_args *a, struct tl_claimset *cs,
		      struct judged *j)
{
	size_t i, k, mk;

	for (i = 0; i < a->results.n; i++) {
		struct tl_buf err = TL_BUF_INIT;

		if (tl_matrix_add_file(&j->mx, a->results.v[i], &err)) {
			fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
			tl_buf_release(&err);
			return 1;
		}
		tl_buf_release(&err);
	}
	j->runs = xcalloc(j->mx.n, sizeof(*j->runs));
	j->vm = xcalloc(j->mx.n, sizeof(*j->vm));
	j->labels = xcalloc(j->mx.n, sizeof(*j->labels));
	j->fps = xcalloc(j->mx.n, sizeof(*j->fps));
	j->nrun = xcalloc(j->mx.n, sizeof(*j->nrun));
	for (k = 0; k < j->mx.n; k++) {
		const struct tl_matrix_machine *mm =
			tl_matrix_machine(&j->mx, k);

		j->runs[k] = mm->run;
		j->labels[k] = mm->label;
		j->fps[k] = mm->fingerprint;
		j->nrun[k] = mm->nruns;
		j->vm[k] = xcalloc(cs->nclaims + 1, sizeof(**j->vm));
		if (tl__cmd_claims_is_sequential(j->runs[k]))
			a->vo.anytime = 1;
		mk = tl_verdict_eval(cs, &j->runs[k], 1, &a->vo, j->vm[k]);
		if (k == 0)
			j->m = mk;
	}
	return 0;
}

static void judged_release(struct judged *j, size_t nclaims)
{
	size_t i, k;

	for (k = 0; j->vm && k < j->mx.n; k++) {
		for (i = 0; i < nclaims; i++)
			tl_verdict_release(&j->vm[k][i]);
		free(j->vm[k]);
	}
	free(j->vm);
	free(j->labels);
	free(j->fps);
	free(j->nrun);
	free(j->runs);
	tl_matrix_release(&j->mx);
}

/*
 * Writes the verdicts JSON, the Markdown and HTML reports and the
 * exports asked for (the first machine's verdicts; the matrix when there
 * are several). Returns 0, or 1 when a file could not be written.
 */
static int write_reports(struct claims_args *a, struct tl_claimset *cs,
			 const struct judged *j)
{
	struct tl_verdict *v = j->vm[0];
	struct tl_verdict_matrix vmx = {j->mx.n, j->labels, j->fps, j->vm};
	struct tl_buf out = TL_BUF_INIT;
	json_t *vj;
	char *s;
	int rc;

	vj = tl_verdict_json(cs, v, &a->results, &a->vo, j->m,
			     json_object_get(j->runs[0], "env"));
	json_object_set_new(vj, "claims_in_file",
			    json_integer((json_int_t)cs->nfile));
	if (j->mx.n > 1)
		json_object_set_new(
			vj, "matrix",
			matrix_json(cs, j->vm, j->labels, j->fps, j->mx.n));
	s = json_dumps(vj, JSON_INDENT(2));
	rc = tl__cmd_claims_write(a->json, s, strlen(s)) ? 1 : 0;
	free(s);
	json_decref(vj);

	tl_mdreport_render(&out, cs, v, j->runs, 1, &a->vo, j->m);
	if (tl__cmd_claims_write(a->md, out.s, out.len))
		rc = 1;
	out.len = 0;
	tl_htmlreport_render(&out, cs, v, j->runs, 1, &a->vo, j->m, &vmx);
	if (tl__cmd_claims_write(a->html, out.s, out.len))
		rc = 1;
	tl_buf_release(&out);
	if (write_exports(a, cs, v))
		rc = 1;
	return rc;
}

int cmd_claims(int argc, char **argv)
{
	struct claims_args a = {
		.md = default_md,
		.html = default_html,
		.json = default_json,
		.results = TL_STRV_INIT,
		.toolchains = TL_STRV_INIT,
		.only = TL_STRV_INIT,
		.vo = TL_VERDICT_OPTS_INIT,
	};
	struct tl_diag d = TL_DIAG_INIT, rd = TL_DIAG_INIT;
	struct tl_registry reg;
	struct tl_claimset cs;
	struct tl_verdict *v;
	struct judged j = {.mx = TL_MATRIX_INIT};
	struct tl_buf out = TL_BUF_INIT;

	const char *root = tl_cli_root();
	char *defs[5] = {NULL, NULL, NULL, NULL, NULL}, *stem = NULL;
	size_t i;
	int rc, nunres;

	memset(&reg, 0, sizeof(reg));
	rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		goto out_args;
	stem = default_paths(&a, root, defs);
	if (tl_registry_load(&reg, root, &rd) < 0) {
		fprintf(stderr, "traplab: cannot read '%s/experiments'\n",
			root);
		rc = 1;
		goto out_args;
	}
	print_diag(&rd, "traplab: registry: ");
	rc = tl_claims_parse(&cs, a.file, NULL, 0, &d);
	if (rc) {
		/* The parser's diagnostics say what failed, once. */
		print_diag(&d, "traplab: ");
		if (!d.msgs.n)
			fprintf(stderr, "traplab: cannot open '%s': %s\n",
				a.file, strerror(-rc));
		rc = 2;
		goto out_reg;
	}
	if (a.only.n && tl_claims_only(&cs, (const char *const *)a.only.v,
				       a.only.n, &d) < 0) {
		print_diag(&d, "traplab: ");
		rc = 2;
		goto out_cs;
	}
	nunres = tl_claims_resolve(&cs, &reg, &d);
	print_diag(&d, a.check ? "" : "warning: ");
	if (a.check) {
		printf("%s: %zu claims, %d unresolved\n", a.file, cs.nclaims,
		       nunres);
		rc = nunres ? 1 : 0;
		goto out_cs;
	}
	rc = measure_unless_given(&a, root, &cs, &reg, stem, &defs[4]);
	if (rc)
		goto out_cs;
	if (judge_runs(&a, &cs, &j)) {
		rc = 1;
		goto out_runs;
	}
	v = j.vm[0];
	if (j.mx.n > 1)
		matrix_print(&out, &cs, j.vm, j.labels, j.fps, j.nrun, j.mx.n);
	else
		tl_verdicttable_render(&out, &cs, v, tl_term_width(1),
				       tl_term_color(1));
	fputs(tl_buf_str(&out), stdout);
	out.len = 0;
	if (a.only.n)
		printf("%zu of the %zu claims of %s judged (--only); alpha "
		       "%.2g is shared by the %zu numeric ones among them\n",
		       cs.nclaims, cs.nfile, tl__cmd_claims_base_name(a.file),
		       a.vo.alpha, j.m);

	rc = write_reports(&a, &cs, &j);
	printf("report: %s\nverdicts: %s, %s\n", a.html, a.md, a.json);
	if (nunres) {
		fprintf(stderr,
			"traplab: %d claim(s) name experiments, variants or "
			"metrics the registry lacks (see warnings above)\n",
			nunres);
		rc = 1;
	}
	if (a.chaos && chaos_pass(&a, root, &cs, &reg, v))
		rc = 1;
out_runs:
	judged_release(&j, cs.nclaims);
out_cs:
	tl_claimset_release(&cs);
out_reg:
	tl_registry_release(&reg);
out_args:
	tl_buf_release(&out);
	tl_diag_release(&d);
	tl_diag_release(&rd);
	tl_strv_release(&a.results);
	tl_strv_release(&a.toolchains);
	tl_strv_release(&a.only);
	for (i = 0; i < TL_ARRAY_SIZE(defs); i++)
		free(defs[i]);
	free(stem);
	return rc;
}
