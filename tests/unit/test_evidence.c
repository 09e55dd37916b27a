/*
 * test_evidence.c - a differenced measure recovers a known marginal cost
 * from noisy synthetic samples; the evidence of a verdict holds the
 * samples judged, the band on their axis, and what would decide it; the
 * text and HTML views draw them.
 */
#include "analyze/evidence.h"

#include <math.h>
#include <string.h>

#include "report/evidence_view.h"
#include "tl_test.h"

/* splitmix64: fixed-seed noise, the same on every machine. */
static double noise(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0; /* [0, 1) */
}

/*
 * One variant of experiment alloc, case size=4096: n samples of
 * base + marginal + noise, where the noise is uniform over 2 ns with one
 * sample in ten an outlier (+15 ns: an interrupt, a migration).
 */
static json_t *synthetic(const char *name, double base, double marginal, int n,
			 uint64_t seed)
{
	json_t *s = json_array();
	int i;

	for (i = 0; i < n; i++) {
		double x = base + marginal + 2 * noise(&seed);

		if (i % 10 == 7)
			x += 15;
		json_array_append_new(s, json_real(x));
	}
	return json_pack("{s:s, s:s, s:{s:{s:s, s:i, s:f, s:o}}}", "name", name,
			 "status", "ok", "metrics", "ns_per_op", "source",
			 "time", "n", n, "median", base + marginal + 1,
			 "samples", s);
}

static json_t *run_with(double marginal)
{
	json_t *vars = json_array();

	json_array_append_new(vars, synthetic("c.with", 20, marginal, 60, 1));
	json_array_append_new(vars, synthetic("c.without", 20, 0, 60, 2));
	return json_pack("{s:s, s:{s:b, s:i, s:{s:s}}, s:[{s:s, s:[{s:{s:s}, "
			 "s:o}]}]}",
			 "schema", "traplab.results/1", "env", "pmu", 0,
			 "numa_nodes", 1, "toolchains", "cc", "gcc 12",
			 "experiments", "name", "alloc", "cases", "params",
			 "size", "4096", "variants", vars);
}

static void parse(struct tl_claimset *cs, const char *pred)
{
	struct tl_diag d = TL_DIAG_INIT;
	char *text = xasprintf(
		"title: t\nclaims:\n  - id: marginal\n    section: \"1\"\n"
		"    claim: c\n    quantity: what the buffer adds\n"
		"    measure: {experiment: alloc, metric: ns_per_op, params: "
		"{size: \"4096\"}, diff: [c.with, c.without]}\n"
		"    predicate: %s\n",
		pred);

	TL_CHECK_INT(tl_claims_parse(cs, "t.yaml", text, strlen(text), &d), 0);
	free(text);
	tl_diag_release(&d);
}

static void judge(const char *pred, double marginal, struct tl_verdict *v)
{
	struct tl_verdict_opts o = TL_VERDICT_OPTS_INIT;
	struct tl_claimset cs;
	json_t *run = run_with(marginal);

	parse(&cs, pred);
	tl_verdict_eval(&cs, &run, 1, &o, v);
	tl_claimset_release(&cs);
	json_decref(run);
}

TL_TEST(differenced_measure_recovers_a_known_marginal_cost)
{
	static const double truth[] = {0.5, 3, 10};
	struct tl_verdict v;
	size_t i;

	for (i = 0; i < TL_ARRAY_SIZE(truth); i++) {
		judge("{gt: 0}", truth[i], &v);
		/* The CI of the difference holds the true marginal cost... */
		TL_CHECK(v.has_ci);
		TL_CHECK(v.ci.lo <= truth[i] && v.ci.hi >= truth[i]);
		/* ...and is far narrower than the 20 ns operation. */
		TL_CHECK(v.ci.hi - v.ci.lo < 1.5);
		TL_CHECK_INT(v.kind, TL_VERDICT_HOLDS);
		tl_verdict_release(&v);
	}
	/* "The buffer costs under 1 ns" holds for 0.5, fails for 3. */
	judge("{lt: 1 ns}", 0.5, &v);
	TL_CHECK(v.kind != TL_VERDICT_REFUTED);
	tl_verdict_release(&v);
	judge("{lt: 1 ns}", 3, &v);
	TL_CHECK_INT(v.kind, TL_VERDICT_REFUTED);
	tl_verdict_release(&v);
}

TL_TEST(evidence_holds_the_samples_and_the_band)
{
	struct tl_verdict_opts o = TL_VERDICT_OPTS_INIT;
	struct tl_claimset cs;
	struct tl_evidence ev;
	struct tl_verdict v;
	struct tl_buf b = TL_BUF_INIT;
	json_t *run = run_with(3);

	parse(&cs, "{between: [1 ns, 5 ns]}");
	tl_verdict_eval(&cs, &run, 1, &o, &v);
	tl_evidence_gather(&cs.claims[0], &run, 1, &ev);
	TL_CHECK_INT(ev.nsides, 2);
	TL_CHECK_STR(ev.side[0].variant, "c.with");
	TL_CHECK_STR(ev.side[0].params, "size=4096");
	TL_CHECK_INT(ev.side[0].n, 60);
	TL_CHECK_INT(ev.side[1].n, 60);
	/* The band of a diff sits on side 2's median: 21 + [1, 5]. */
	TL_CHECK(ev.has_band);
	TL_CHECK_NEAR(ev.band_lo, 22, 1e-9);
	TL_CHECK_NEAR(ev.band_hi, 26, 1e-9);
	TL_CHECK(strstr(ev.toolchains, "cc gcc 12"));
	tl_evidence_text(&b, &cs.claims[0], &ev, 80);
	TL_CHECK(strstr(tl_buf_str(&b), "c.with"));
	TL_CHECK(strstr(tl_buf_str(&b), "claimed band"));
	TL_CHECK(strstr(tl_buf_str(&b), "["));
	b.len = 0;
	tl_evidence_html(&b, &cs.claims[0], &v, &ev);
	TL_CHECK(strstr(tl_buf_str(&b), "<svg class=\"evidence\""));
	TL_CHECK(strstr(tl_buf_str(&b), "<td>size=4096</td>"));
	TL_CHECK(strstr(tl_buf_str(&b), "<circle"));
	tl_buf_release(&b);
	tl_evidence_release(&ev);
	tl_verdict_release(&v);
	tl_claimset_release(&cs);
	json_decref(run);
}

TL_TEST(what_would_decide_or_test_it)
{
	struct tl_claimset cs;
	struct tl_verdict v;

	parse(&cs, "{lt: 1 ns}");
	memset(&v, 0, sizeof(v));
	v.kind = TL_VERDICT_INCONCLUSIVE;
	v.has_ci = 1;
	v.n[0] = v.n[1] = 10;
	/* Point 0.5, bound 1: the CI reaches 1.5, three times too far. */
	v.ci.point = 0.5;
	v.ci.lo = 0.2;
	v.ci.hi = 2;
	TL_CHECK_NEAR(tl_evidence_samples_to_decide(&cs.claims[0], &v), 90,
		      1e-9);
	/* On the bound: no sample count will likely decide it. */
	v.ci.point = 1;
	TL_CHECK(isinf(tl_evidence_samples_to_decide(&cs.claims[0], &v)));
	v.kind = TL_VERDICT_HOLDS;
	TL_CHECK_NEAR(tl_evidence_samples_to_decide(&cs.claims[0], &v), 0, 0);
	TL_CHECK(strstr(tl_evidence_testable_on("no PMU: ENOENT, VM"),
			"perf_event_open"));
	TL_CHECK(strstr(tl_evidence_testable_on("one NUMA node on this "
						"machine"),
			"two or more NUMA nodes"));
	TL_CHECK(tl_evidence_testable_on("alloc/c.x crashed") == NULL);
	tl_claimset_release(&cs);
}

/* A run recorded before the compiler's family was named says "cc 12". */
TL_TEST(toolchains_say_the_compiler_once)
{
	json_t *env = json_pack("{s:{s:s, s:s, s:n}, s:s}", "toolchains", "cc",
				"cc 12.2.0", "cxx", "g++ 12.2.0", "go",
				"valgrind", "3.19.0");
	struct tl_buf b = TL_BUF_INIT;

	tl_evidence_toolchains(&b, env);
	TL_CHECK_STR(tl_buf_str(&b),
		     "cc 12.2.0, cxx g++ 12.2.0, go absent, valgrind 3.19.0");
	tl_buf_release(&b);
	json_decref(env);
}

TL_TEST_MAIN()
