/*
 * test_claims.c - the claim language: the shipped claim file parses,
 * malformed files give file:line:column errors, quantities convert, and
 * resolution against a registry marks what it cannot serve.
 */
#include "analyze/claims.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "tl_test.h"

static const char head[] = "title: t\nclaims:\n";

static int parse(struct tl_claimset *cs, const char *body, struct tl_diag *d)
{
	char *text = xasprintf("%s%s", head, body);
	int err = tl_claims_parse(cs, "t.yaml", text, strlen(text), d);

	free(text);
	return err;
}

/* Does some diagnostic contain needle? */
static int diag_has(const struct tl_diag *d, const char *needle)
{
	size_t i;

	for (i = 0; i < d->msgs.n; i++)
		if (strstr(d->msgs.v[i], needle))
			return 1;
	return 0;
}

static void dump(const struct tl_diag *d)
{
	size_t i;

	for (i = 0; i < d->msgs.n; i++)
		fprintf(stderr, "    %s\n", d->msgs.v[i]);
}

TL_TEST(shipped_file_parses)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_claimset cs;
	size_t i, ch[5] = {0};
	int err;

	char *path = xasprintf("%s/claims/zig-go-traps.yaml",
			       getenv("TL_ROOT") ? getenv("TL_ROOT") : "..");

	err = tl_claims_parse(&cs, path, NULL, 0, &d);
	free(path);
	if (err == -ENOENT) {
		tl_diag_release(&d);
		err = tl_claims_parse(&cs, "claims/zig-go-traps.yaml", NULL, 0,
				      &d);
	}
	dump(&d);
	TL_CHECK_INT(err, 0);
	TL_CHECK(cs.nclaims >= 25);
	for (i = 0; i < cs.nclaims; i++) {
		int c = cs.claims[i].section[0] - '0';

		/* The audit: every claim says what quantity it speaks of. */
		TL_CHECK(cs.claims[i].quantity && *cs.claims[i].quantity);

		TL_CHECK(c >= 1 && c <= 4);
		ch[c]++;
		TL_CHECK(cs.claims[i].claimed != NULL);
	}
	TL_CHECK(ch[1] && ch[2] && ch[3] && ch[4]);
	tl_claimset_release(&cs);
	tl_diag_release(&d);
}

TL_TEST(value_claim)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_claimset cs;
	const struct tl_claim *c;

	TL_CHECK_INT(parse(&cs,
			   "  - id: a\n"
			   "    section: \"2.1\"\n"
			   "    claim: malloc is 25 ns\n"
			   "    measure: {experiment: alloc, variant: "
			   "c.tcmalloc, metric: ns_per_op, params: {size: "
			   "64}}\n"
			   "    predicate: {approx: 25 ns, tol: 20%}\n"
			   "    needs: [cc, pmu]\n",
			   &d),
		     0);
	c = &cs.claims[0];
	TL_CHECK_INT(c->m.kind, TL_MEASURE_VALUE);
	TL_CHECK_INT(c->m.dim, TL_DIM_TIME);
	TL_CHECK_STR(c->m.side[0].variant, "c.tcmalloc");
	TL_CHECK_INT(c->m.side[0].nparams, 1);
	TL_CHECK_STR(c->m.side[0].params[0].val, "64");
	TL_CHECK_NEAR(c->p.lo, 20, 1e-9);
	TL_CHECK_NEAR(c->p.hi, 30, 1e-9);
	TL_CHECK_INT(c->nneeds, 2);
	TL_CHECK_INT(c->needs[1].kind, TL_NEED_PMU);
	TL_CHECK_STR(c->claimed, "~ 25.0 ns +- 20%");
	tl_claimset_release(&cs);
	tl_diag_release(&d);
}

/* A tolerance in percent is relative, for fractions too. */
TL_TEST(fraction_tolerance_is_relative)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_claimset cs;
	const struct tl_claim *c;

	TL_CHECK_INT(parse(&cs,
			   "  - id: f\n"
			   "    section: \"4.2\"\n"
			   "    claim: a miss rate of 9.7%\n"
			   "    measure: {experiment: json, variant: "
			   "go.encoding_json, metric: l1d_miss_ratio}\n"
			   "    predicate: {approx: 9.7%, tol: 50%}\n"
			   "  - id: g\n"
			   "    section: \"4.2\"\n"
			   "    claim: the same, absolute\n"
			   "    measure: {experiment: json, variant: "
			   "go.encoding_json, metric: l1d_miss_ratio}\n"
			   "    predicate: {approx: 9.7%, tol: 0.02}\n",
			   &d),
		     0);
	c = &cs.claims[0];
	TL_CHECK_INT(c->m.dim, TL_DIM_FRACTION);
	TL_CHECK_NEAR(c->p.lo, 0.0485, 1e-12);
	TL_CHECK_NEAR(c->p.hi, 0.1455, 1e-12);
	c = &cs.claims[1];
	TL_CHECK_NEAR(c->p.lo, 0.077, 1e-12);
	TL_CHECK_NEAR(c->p.hi, 0.117, 1e-12);
	tl_claimset_release(&cs);
	tl_diag_release(&d);
}

TL_TEST(ratio_sides_merge_params)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_claimset cs;
	const struct tl_claim *c;
	struct tl_buf b = TL_BUF_INIT;

	TL_CHECK_INT(parse(&cs,
			   "  - id: r\n"
			   "    section: \"4.4\"\n"
			   "    claim: x\n"
			   "    measure:\n"
			   "      experiment: build\n"
			   "      metric: wall_ns\n"
			   "      params: {mode: inc}\n"
			   "      ratio:\n"
			   "        - {variant: z, params: {logs: 47}}\n"
			   "        - z\n"
			   "    predicate: {between: [8, 32x]}\n",
			   &d),
		     0);
	dump(&d);
	c = &cs.claims[0];
	TL_CHECK_INT(c->m.kind, TL_MEASURE_RATIO);
	TL_CHECK_INT(c->m.dim, TL_DIM_FACTOR);
	TL_CHECK_INT(c->m.side[0].nparams, 2);
	TL_CHECK_INT(c->m.side[1].nparams, 1);
	TL_CHECK_NEAR(c->p.hi, 32, 0);
	tl_claims_fmt_measure(&b, &c->m);
	TL_CHECK_STR(tl_buf_str(&b), "build/z[mode=inc,logs=47] / z[mode=inc] "
				     "wall_ns");
	tl_buf_release(&b);
	tl_claimset_release(&cs);
	tl_diag_release(&d);
}

/* One malformed claim and the diagnostic it must produce. */
static const struct bad {
	const char *body, *want;
} bads[] = {
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: ns_per_op}\n"
	 "    predicate: {lt: 3}\n    code: [f]\n",
	 "t.yaml:8:11: code: expected a mapping"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    quantity: {a: b}\n"
	 "    measure: {experiment: e, variant: v, metric: ns_per_op}\n"
	 "    predicate: {lt: 3}\n",
	 "t.yaml:6:15:"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n    mesure: {}\n",
	 "t.yaml:6:5: unknown key 'mesure'"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: ns_per_op}\n"
	 "    predicate: {lt: 3, gt: 1}\n",
	 "t.yaml:7:16: predicate: give exactly one"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: ns_per_op}\n"
	 "    predicate: {lt: 3 MB}\n",
	 "t.yaml:7:21: predicate: '3 MB': expected a time"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: ns_per_op}\n"
	 "    predicate: {between: [5, 1]}\n",
	 "between: low is above high"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: ns_per_op}\n"
	 "    predicate: {approx: 5}\n",
	 "predicate: missing 'tol'"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: ns_per_op}\n"
	 "    predicate: {gt: 5 parsecs}\n",
	 "unknown unit"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: m, fact: f}\n"
	 "    predicate: {gt: 5}\n",
	 "exactly one of 'metric' or 'fact'"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, ratio: [a], metric: m}\n"
	 "    predicate: {gt: 5}\n",
	 "ratio: expected a list of two sides"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: m, stat: p42}\n"
	 "    predicate: {gt: 5}\n",
	 "stat: expected median"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: m}\n"
	 "    predicate: {gt: 5}\n    needs: [gpu]\n",
	 "t.yaml:8:13: needs: unknown 'gpu'"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: m}\n"
	 "    predicate: {gt: 5}\n    needs: [\"feature:warp\"]\n",
	 "feature 'warp' is not declared"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: m}\n"
	 "    predicate: {gt: 5}\n"
	 "  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: m}\n"
	 "    predicate: {gt: 5}\n",
	 "claim id 'a' already used at line 3"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: m}\n",
	 "needs 'measure' and 'predicate'"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: m}\n"
	 "    predicate: {gt: [1]}\n",
	 "expected a number"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: m\n",
	 "t.yaml:7:1: YAML syntax"},
	{"  - [1, 2]\n", "claim: expected a mapping"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, diff: [a, b], metric: m, stat: p99}\n"
	 "    predicate: {gt: 5}\n",
	 "compares medians"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: ns_per_op}\n"
	 "    predicate: {approx: 0, tol: 10%}\n",
	 "t.yaml:7:33: tol: a percentage of 0 is no band"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: ns_per_op}\n"
	 "    predicate: {dup: 1, dup: 2}\n",
	 "duplicate key 'dup'"},
	{"  - id: a\n    section: \"1\"\n    claim: c\n"
	 "    measure: {experiment: e, variant: v, metric: ns_per_op}\n"
	 "    predicate: {lt: 3}\n---\nx: 1\n",
	 "a second YAML document"},
};

TL_TEST(malformed_files)
{
	size_t i;

	for (i = 0; i < TL_ARRAY_SIZE(bads); i++) {
		struct tl_diag d = TL_DIAG_INIT;
		struct tl_claimset cs;
		int err = parse(&cs, bads[i].body, &d);

		if (err != -EINVAL || !diag_has(&d, bads[i].want)) {
			dump(&d);
			TL_FAIL("case %zu: err %d, wanted '%s'", i, err,
				bads[i].want);
		}
		TL_CHECK(cs.claims == NULL);
		tl_diag_release(&d);
	}
}

TL_TEST(top_level_problems)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_claimset cs;

	TL_CHECK_INT(tl_claims_parse(&cs, "t.yaml", "", 0, &d), -EINVAL);
	TL_CHECK(diag_has(&d, "empty claim file"));
	tl_diag_release(&d);
	TL_CHECK_INT(tl_claims_parse(&cs, "t.yaml", "title: t\n", 9, &d),
		     -EINVAL);
	TL_CHECK(diag_has(&d, "missing 'claims'"));
	tl_diag_release(&d);
	TL_CHECK_INT(tl_claims_parse(&cs, "/nonexistent/x.yaml", NULL, 0, &d),
		     -ENOENT);
	tl_diag_release(&d);
}

TL_TEST(quantities)
{
	const char *why;
	double v;

	TL_CHECK_INT(tl_claims_quantity("25ns", TL_DIM_TIME, &v, &why), 0);
	TL_CHECK_NEAR(v, 25, 0);
	TL_CHECK_INT(tl_claims_quantity("1.2 us", TL_DIM_TIME, &v, &why), 0);
	TL_CHECK_NEAR(v, 1200, 1e-9);
	TL_CHECK_INT(tl_claims_quantity("3.2 s", TL_DIM_TIME, &v, &why), 0);
	TL_CHECK_NEAR(v, 3.2e9, 1);
	TL_CHECK_INT(tl_claims_quantity("120 MB", TL_DIM_BYTES, &v, &why), 0);
	TL_CHECK_NEAR(v, 120e6, 0);
	TL_CHECK_INT(tl_claims_quantity("2KiB", TL_DIM_BYTES, &v, &why), 0);
	TL_CHECK_NEAR(v, 2048, 0);
	TL_CHECK_INT(tl_claims_quantity("12.6%", TL_DIM_FRACTION, &v, &why), 0);
	TL_CHECK_NEAR(v, 0.126, 1e-12);
	TL_CHECK_INT(tl_claims_quantity("3x", TL_DIM_FACTOR, &v, &why), 0);
	TL_CHECK_NEAR(v, 3, 0);
	TL_CHECK_INT(tl_claims_quantity("7", TL_DIM_COUNT, &v, &why), 0);
	TL_CHECK_INT(tl_claims_quantity("3 ms", TL_DIM_BYTES, &v, &why),
		     -EINVAL);
	TL_CHECK_INT(tl_claims_quantity("ms", TL_DIM_TIME, &v, &why), -EINVAL);
	TL_CHECK_INT(tl_claims_quantity("nan", TL_DIM_TIME, &v, &why), -EINVAL);
	TL_CHECK_INT(tl_metric_dim("ns_per_op", NULL), TL_DIM_TIME);
	TL_CHECK_INT(tl_metric_dim("wall_ns", NULL), TL_DIM_TIME);
	TL_CHECK_INT(tl_metric_dim("rss_bytes_per_task", NULL), TL_DIM_BYTES);
	TL_CHECK_INT(tl_metric_dim("l1d_miss_ratio", NULL), TL_DIM_FRACTION);
	TL_CHECK_INT(tl_metric_dim("allocs_per_op", NULL), TL_DIM_COUNT);
}

/* A registry built by hand: experiment alloc, variants a and b. */
static void fake_registry(struct tl_registry *r)
{
	struct tl_experiment *e;

	memset(r, 0, sizeof(*r));
	r->exps = xcalloc(1, sizeof(*r->exps));
	r->nexps = 1;
	e = &r->exps[0];
	e->name = xstrdup("alloc");
	e->variants = xcalloc(2, sizeof(*e->variants));
	e->nvariants = 2;
	e->variants[0].name = xstrdup("c.a");
	e->variants[1].name = xstrdup("c.b");
	e->params = xcalloc(2, sizeof(*e->params));
	e->nparams = 2;
	e->params[0].name = xstrdup("size");
	tl_strv_push(&e->params[0].defaults, "16");
	tl_strv_push(&e->params[0].defaults, "64");
	e->params[1].name = xstrdup("mode");
	tl_strv_push(&e->params[1].defaults, "x");
	tl_strv_push(&e->metrics, "allocs_per_op");
}

static void fake_release(struct tl_registry *r)
{
	struct tl_experiment *e = &r->exps[0];
	size_t i;

	for (i = 0; i < e->nvariants; i++) {
		free(e->variants[i].name);
		tl_strv_release(&e->variants[i].reads);
	}
	free(e->variants);
	for (i = 0; i < e->nparams; i++) {
		free(e->params[i].name);
		tl_strv_release(&e->params[i].defaults);
	}
	free(e->params);
	tl_strv_release(&e->metrics);
	free(e->name);
	free(r->exps);
}

TL_TEST(resolve_against_registry)
{
	static const char body[] =
		"  - id: ok\n    section: \"1\"\n    claim: c\n"
		"    measure: {experiment: alloc, variant: c.a, metric: "
		"allocs_per_op, params: {size: 64}}\n"
		"    predicate: {gt: 0}\n"
		"  - id: noexp\n    section: \"1\"\n    claim: c\n"
		"    measure: {experiment: nope, variant: c.a, metric: m}\n"
		"    predicate: {gt: 0}\n"
		"  - id: novar\n    section: \"1\"\n    claim: c\n"
		"    measure: {experiment: alloc, variant: c.z, metric: "
		"ns_per_op, params: {size: 64}}\n"
		"    predicate: {gt: 0}\n"
		"  - id: nometric\n    section: \"1\"\n    claim: c\n"
		"    measure: {experiment: alloc, variant: c.a, metric: "
		"bogus_per_op, params: {size: 64}}\n"
		"    predicate: {gt: 0}\n"
		"  - id: noparam\n    section: \"1\"\n    claim: c\n"
		"    measure: {experiment: alloc, variant: c.a, metric: "
		"ns_per_op, params: {size: 64, colour: red}}\n"
		"    predicate: {gt: 0}\n"
		"  - id: vague\n    section: \"1\"\n    claim: c\n"
		"    measure: {experiment: alloc, ratio: [c.a, c.b], metric: "
		"ns_per_op}\n"
		"    predicate: {gt: 0}\n"
		"  - id: outside\n    section: \"1\"\n    claim: c\n"
		"    quantity: a size the sweep does not hold\n"
		"    measure: {experiment: alloc, variant: c.a, metric: "
		"ipc, params: {size: 65}}\n"
		"    predicate: {gt: 0}\n"
		"  - id: unread\n    section: \"1\"\n    claim: c\n"
		"    measure: {experiment: alloc, variant: c.b, metric: "
		"ns_per_op}\n"
		"    predicate: {gt: 0}\n";
	struct tl_diag d = TL_DIAG_INIT, d2 = TL_DIAG_INIT;
	struct tl_registry r;
	struct tl_claimset cs;
	struct tl_strv exps = TL_STRV_INIT;

	fake_registry(&r);
	/* c.b reads only mode: a claim on it need not pin size. */
	r.exps[0].variants[1].reads_declared = 1;
	tl_strv_push(&r.exps[0].variants[1].reads, "mode");
	TL_CHECK_INT(parse(&cs, body, &d), 0);
	TL_CHECK_INT(tl_claims_resolve(&cs, &r, &d2), 5);
	dump(&d2);
	TL_CHECK(cs.claims[0].unresolved == NULL);
	TL_CHECK_STR(cs.claims[1].unresolved, "experiment 'nope' is missing");
	TL_CHECK(diag_has(&d2, "t.yaml:11:14: claim 'noexp'"));
	TL_CHECK(strstr(cs.claims[2].unresolved, "variant 'c.z'"));
	TL_CHECK(strstr(cs.claims[3].unresolved, "metric 'bogus_per_op'"));
	TL_CHECK(strstr(cs.claims[4].unresolved, "no param 'colour'"));
	TL_CHECK(strstr(cs.claims[5].unresolved, "say which value"));
	/* A value outside the sweep is run, not refused. */
	TL_CHECK(cs.claims[6].unresolved == NULL);
	TL_CHECK_STR(cs.claims[6].quantity, "a size the sweep does not hold");
	TL_CHECK(cs.claims[7].unresolved == NULL);
	tl_claims_experiments(&cs, &exps);
	TL_CHECK_INT(exps.n, 2);
	TL_CHECK_STR(exps.v[0], "alloc");
	TL_CHECK_STR(exps.v[1], "nope");
	tl_strv_release(&exps);
	tl_claimset_release(&cs);
	fake_release(&r);
	tl_diag_release(&d);
	tl_diag_release(&d2);
}

/* --only: ids and globs keep claims in file order, and their features. */
TL_TEST(only_keeps_the_named_claims_and_their_features)
{
	static const char text[] =
		"title: t\nfeatures:\n  warp:\n    about: w\n"
		"    probe: {experiment: e, variant: v, fact: f, eq: x}\n"
		"claims:\n"
		"  - {id: a-1, section: '1', claim: c, measure: {experiment: "
		"e, "
		"variant: v, metric: ns_per_op}, predicate: {lt: 1 ns}}\n"
		"  - {id: b-1, section: '1', claim: c, measure: {experiment: "
		"e, "
		"variant: v, metric: ns_per_op}, predicate: {lt: 1 ns}, "
		"needs: [\"feature:warp\"]}\n"
		"  - {id: a-2, section: '1', claim: c, measure: {experiment: "
		"e, "
		"variant: v, metric: ns_per_op}, predicate: {lt: 1 ns}}\n";
	const char *glob[] = {"a-*"}, *typo[] = {"a-1", "b-2"};
	const char *both[] = {"b-1", "a-2"};
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_claimset cs;

	TL_CHECK_INT(tl_claims_parse(&cs, "t.yaml", text, strlen(text), &d), 0);
	dump(&d);
	TL_CHECK_INT(cs.nfile, 3);
	TL_CHECK_INT(tl_claims_only(&cs, typo, 2, &d), -EINVAL);
	TL_CHECK(diag_has(&d, "no claim 'b-2' (did you mean 'b-1'?)"));
	TL_CHECK_INT(cs.nclaims, 3);
	TL_CHECK_INT(tl_claims_only(&cs, both, 2, &d), 2);
	TL_CHECK_STR(cs.claims[0].id, "b-1");
	TL_CHECK_STR(cs.claims[1].id, "a-2");
	TL_CHECK_INT(cs.nfeatures, 1);
	TL_CHECK_INT(tl_claims_only(&cs, glob, 1, &d), 1);
	TL_CHECK_STR(cs.claims[0].id, "a-2");
	TL_CHECK_INT(cs.nfeatures, 0);
	TL_CHECK_INT(cs.nfile, 3);
	tl_claimset_release(&cs);
	tl_diag_release(&d);
}

TL_TEST_MAIN()
