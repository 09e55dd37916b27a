/*
 * test_verdict.c - verdicts on synthetic results: a CI inside, outside
 * and straddling the claimed region gives HOLDS, REFUTED, INCONCLUSIVE;
 * equivalence needs TOST; every UNTESTABLE path has its reason; the table
 * is widened together; simulated counters are said so.
 */
#include "analyze/verdict.h"
#include "base/confseq.h"
#include "measure/runner.h"
#include "report/verdicttable.h"

#include <math.h>
#include <string.h>

#include "tl_test.h"

/* A run with an env: pmu, numa nodes, and go/zig present or not. */
static json_t *new_run(int pmu, int numa, int have_go)
{
	json_t *tc = json_pack("{s:s, s:s, s:s}", "cc", "gcc 12", "cxx",
			       "g++ 12", "zig", "0.17.1");

	json_object_set_new(tc, "go",
			    have_go ? json_string("go1.26") : json_null());
	return json_pack("{s:s, s:{s:b, s:s, s:i, s:o}, s:[]}", "schema",
			 "traplab.results/1", "env", "pmu", pmu, "pmu_reason",
			 "perf_event_open(cycles): ENOENT", "numa_nodes", numa,
			 "toolchains", tc, "experiments");
}

/* The variant object of exp/case(size=SIZE)/name, created on demand. */
static json_t *variant(json_t *run, const char *exp, const char *size,
		       const char *name)
{
	json_t *exps = json_object_get(run, "experiments"), *e = NULL, *c;
	json_t *cs = NULL, *v;
	size_t i;

	json_array_foreach(exps, i, c)
	{
		if (!strcmp(json_string_value(json_object_get(c, "name")), exp))
			e = c;
	}
	if (!e) {
		e = json_pack("{s:s, s:[]}", "name", exp, "cases");
		json_array_append_new(exps, e);
	}
	json_array_foreach(json_object_get(e, "cases"), i, c)
	{
		if (!strcmp(json_string_value(json_object_get(
				    json_object_get(c, "params"), "size")),
			    size))
			cs = c;
	}
	if (!cs) {
		cs = json_pack("{s:{s:s}, s:[]}", "params", "size", size,
			       "variants");
		json_array_append_new(json_object_get(e, "cases"), cs);
	}
	json_array_foreach(json_object_get(cs, "variants"), i, v)
	{
		if (!strcmp(json_string_value(json_object_get(v, "name")),
			    name))
			return v;
	}
	v = json_pack("{s:s, s:s, s:{}, s:{}, s:{}}", "name", name, "status",
		      "ok", "metrics", "absent", "facts");
	json_array_append_new(json_object_get(cs, "variants"), v);
	return v;
}

/* n samples centred on mid, spread evenly over +-half. */
static void metric(json_t *run, const char *exp, const char *vname,
		   const char *m, const char *source, double mid, double half,
		   int n)
{
	json_t *v = variant(run, exp, "64", vname), *s = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(
			s, json_real(n > 1 ? mid - half + 2 * half * i / (n - 1)
					   : mid));
	json_object_set_new(json_object_get(v, "metrics"), m,
			    json_pack("{s:s, s:i, s:f, s:o}", "source", source,
				      "n", n, "median", mid, "samples", s));
}

static void parse_claims(struct tl_claimset *cs, const char *body)
{
	struct tl_diag d = TL_DIAG_INIT;
	char *text = xasprintf(
		"title: t\nfeatures:\n  async:\n    about: async/await\n"
		"    probe: {experiment: tasks, variant: zig.probe, fact: "
		"async, eq: accepted}\nclaims:\n%s",
		body);
	size_t i;

	if (tl_claims_parse(cs, "t.yaml", text, strlen(text), &d))
		for (i = 0; i < d.msgs.n; i++)
			fprintf(stderr, "%s\n", d.msgs.v[i]);
	free(text);
	tl_diag_release(&d);
}

#define CLAIM(id, measure, pred)                                               \
	"  - id: " id "\n    section: \"2.1\"\n    claim: c\n"                 \
	"    measure: " measure "\n    predicate: " pred "\n"

static void eval(const struct tl_claimset *cs, json_t *run, enum tl_adjust adj,
		 struct tl_verdict *v)
{
	struct tl_verdict_opts o = TL_VERDICT_OPTS_INIT;

	o.adjust = adj;
	tl_verdict_eval(cs, &run, 1, &o, v);
}

static void release_all(struct tl_claimset *cs, struct tl_verdict *v)
{
	size_t i;

	for (i = 0; i < cs->nclaims; i++)
		tl_verdict_release(&v[i]);
	tl_claimset_release(cs);
}

#define VAL(var, metric)                                                       \
	"{experiment: alloc, variant: " var ", metric: " metric                \
	", params: {size: 64}}"

/*
 * Sets variant vj's ns_per_op to the values x taken in the rounds r
 * (both taken), with its median as given.
 */
static void set_nsop(json_t *vj, json_t *x, json_t *r, double median)
{
	json_object_set_new(json_object_get(vj, "metrics"), "ns_per_op",
			    json_pack("{s:s, s:s, s:I, s:f, s:o, s:o}", "unit",
				      "ns", "source", "time", "n",
				      (json_int_t)json_array_size(x), "median",
				      median, "samples", x, "round_of", r));
}

/*
 * A run whose alloc[size=64] variant name has n ns/op values value(i),
 * per values a process (round i / per), with its median as given.
 */
static json_t *run_in_processes(const char *name, double (*value)(int), int n,
				int per, double median)
{
	json_t *run = new_run(0, 1, 1);
	json_t *x = json_array(), *r = json_array();

	for (int i = 0; i < n; i++) {
		json_array_append_new(x, json_real(value(i)));
		json_array_append_new(r, json_integer(i / per));
	}
	set_nsop(variant(run, "alloc", "64", name), x, r, median);
	return run;
}

TL_TEST(inside_outside_straddling)
{
	struct tl_claimset cs;
	struct tl_verdict v[8];
	json_t *run = new_run(0, 1, 1);

	/* 25 samples in 24.5..25.5 ns: a tight CI around 25. */
	metric(run, "alloc", "c.a", "ns_per_op", "time", 25, 0.5, 25);
	/* 25 samples in 10..40 ns: a wide CI around 25. */
	metric(run, "alloc", "c.w", "ns_per_op", "time", 25, 15, 25);
	parse_claims(&cs,
		     CLAIM("in", VAL("c.a", "ns_per_op"),
			   "{approx: 25 ns, tol: 20%}")
			     CLAIM("out", VAL("c.a", "ns_per_op"),
				   "{approx: 80 ns, tol: 50%}")
				     CLAIM("straddle", VAL("c.w", "ns_per_op"),
					   "{between: [20, 30]}")
					     CLAIM("lt",
						   VAL("c.a", "ns_per_op"),
						   "{lt: 30 ns}")
						     CLAIM("gt-refuted",
							   VAL("c.a", "ns_per_o"
								      "p"),
							   "{gt: 30 "
							   "ns}"));
	TL_CHECK_INT(cs.nclaims, 5);
	eval(&cs, run, TL_ADJUST_HOLM, v);
	TL_CHECK_INT(v[0].kind, TL_VERDICT_HOLDS);
	TL_CHECK_INT(v[1].kind, TL_VERDICT_REFUTED);
	TL_CHECK_INT(v[2].kind, TL_VERDICT_INCONCLUSIVE);
	TL_CHECK_INT(v[3].kind, TL_VERDICT_HOLDS);
	TL_CHECK_INT(v[4].kind, TL_VERDICT_REFUTED);
	TL_CHECK(v[0].has_ci && v[0].ci.lo <= 25 && v[0].ci.hi >= 25);
	TL_CHECK(v[0].ci.lo >= 24.5 && v[0].ci.hi <= 25.5);
	TL_CHECK(v[0].level > 0.95);
	TL_CHECK(v[0].reason == NULL);
	release_all(&cs, v);
	json_decref(run);
}

/*
 * The unit the run stored is read, not the name's: 25 samples stored in
 * us (0.0245..0.0255) are judged as 24.5..25.5 ns; a unit of another
 * dimension makes the claim untestable with the reason.
 */
TL_TEST(stored_unit_is_read)
{
	struct tl_claimset cs;
	struct tl_verdict v[2];
	json_t *run = new_run(0, 1, 1), *m;

	metric(run, "alloc", "c.us", "ns_per_op", "time", 0.025, 0.0005, 25);
	m = json_object_get(
		json_object_get(variant(run, "alloc", "64", "c.us"), "metrics"),
		"ns_per_op");
	json_object_set_new(m, "unit", json_string("us"));
	metric(run, "alloc", "c.b", "ns_per_op", "time", 25, 0.5, 25);
	m = json_object_get(
		json_object_get(variant(run, "alloc", "64", "c.b"), "metrics"),
		"ns_per_op");
	json_object_set_new(m, "unit", json_string("bytes"));
	parse_claims(&cs, CLAIM("us", VAL("c.us", "ns_per_op"),
				"{approx: 25 ns, tol: 20%}")
				  CLAIM("bytes", VAL("c.b", "ns_per_op"),
					"{approx: 25 ns, tol: 20%}"));
	TL_CHECK_INT(cs.nclaims, 2);
	eval(&cs, run, TL_ADJUST_HOLM, v);
	TL_CHECK_INT(v[0].kind, TL_VERDICT_HOLDS);
	TL_CHECK(v[0].ci.lo >= 24.5 && v[0].ci.hi <= 25.5);
	TL_CHECK_INT(v[1].kind, TL_VERDICT_UNTESTABLE);
	TL_CHECK(v[1].reason && strstr(v[1].reason, "stored in 'bytes'"));
	release_all(&cs, v);
	json_decref(run);
}

TL_TEST(ratio_and_equivalence_by_tost)
{
	struct tl_claimset cs;
	struct tl_verdict v[4];
	json_t *run = new_run(0, 1, 1);

	metric(run, "alloc", "c.a", "ns_per_op", "time", 10, 0.1, 25);
	metric(run, "alloc", "c.b", "ns_per_op", "time", 10, 0.1, 25);
	metric(run, "alloc", "c.c", "ns_per_op", "time", 20, 0.2, 25);
	/* Same median as c.a but so noisy that equality cannot be shown. */
	metric(run, "alloc", "c.n", "ns_per_op", "time", 10, 8, 25);
	parse_claims(
		&cs,
		CLAIM("same",
		      "{experiment: alloc, metric: ns_per_op, params: "
		      "{size: 64}, ratio: [c.a, c.b]}",
		      "{equivalent: 1, margin: 5%}")
			CLAIM("twice",
			      "{experiment: alloc, metric: ns_per_op, params: "
			      "{size: 64}, ratio: [c.c, c.a]}",
			      "{approx: 2, tol: 10%}")
				CLAIM("noisy",
				      "{experiment: alloc, metric: ns_per_op, "
				      "params: {size: 64}, diff: [c.n, c.a]}",
				      "{equivalent: 0, margin: 0.5 ns}")
					CLAIM("differs",
					      "{experiment: alloc, metric: "
					      "ns_per_op, params: {size: 64}, "
					      "ratio: [c.c, c.a]}",
					      "{equivalent: 1, margin: 5%}"));
	eval(&cs, run, TL_ADJUST_HOLM, v);
	TL_CHECK_INT(v[0].kind, TL_VERDICT_HOLDS);
	TL_CHECK_INT(v[1].kind, TL_VERDICT_HOLDS);
	TL_CHECK_NEAR(v[1].ci.point, 2, 1e-9);
	/* No difference found is not equivalence. */
	TL_CHECK_INT(v[2].kind, TL_VERDICT_INCONCLUSIVE);
	TL_CHECK_NEAR(v[2].ci.point, 0, 1e-9);
	TL_CHECK_INT(v[3].kind, TL_VERDICT_REFUTED);
	release_all(&cs, v);
	json_decref(run);
}

TL_TEST(untestable_paths)
{
	struct tl_claimset cs;
	struct tl_verdict v[10];
	json_t *run = new_run(0, 1, 0), *sk, *pr;

	metric(run, "alloc", "c.a", "ns_per_op", "time", 10, 0.1, 25);
	metric(run, "alloc", "c.two", "ns_per_op", "time", 10, 0.1, 2);
	json_object_set_new(
		json_object_get(variant(run, "alloc", "64", "c.a"), "absent"),
		"cycles_per_op", json_string("no PMU: perf_event_open ENOENT"));
	sk = variant(run, "alloc", "64", "c.tcmalloc");
	json_object_set_new(sk, "status", json_string("skipped"));
	json_object_set_new(sk, "reason",
			    json_string("pkg-config: libtcmalloc missing"));
	pr = variant(run, "tasks", "64", "zig.probe");
	json_object_set_new(json_object_get(pr, "facts"), "async",
			    json_string("rejected"));
	parse_claims(
		&cs,
		CLAIM("pmu", VAL("c.a", "ns_per_op"),
		      "{gt: 1}") "    needs: "
				 "[pmu]\n" CLAIM("numa", VAL("c.a", "ns_per_op"), "{gt: 1}") "    needs: [numa]\n" CLAIM(
					 "go", VAL("c.a", "ns_per_op"),
					 "{gt: 1}") "    needs: [go]\n" CLAIM("feature",
									      VAL("c.a",
										  "ns_per_op"),
									      "{gt: 1}") "    needs: [\"feature:async\"]\n" CLAIM("absent",
																  VAL("c.a",
																      "cycles_per_op"),
																  "{gt: 1}")
					 CLAIM("skipped",
					       VAL("c.tcmalloc", "ns_per_op"),
					       "{gt: 1}") CLAIM("noexp",
								"{experiment: "
								"escape, "
								"variant: "
								"go.x, fact: "
								"f}",
								"{eq: "
								"\"true\"}")
						 CLAIM("nocase",
						       "{experiment: alloc, "
						       "variant: c.a, metric: "
						       "ns_per_op, params: "
						       "{size: 16}}",
						       "{gt: 1}")
							 CLAIM("few",
							       VAL("c.two",
								   "ns_per_op"),
							       "{gt: 1}")
								 CLAIM("unres",
								       VAL("c."
									   "a",
									   "ns_"
									   "per"
									   "_"
									   "o"
									   "p"),
								       "{gt: "
								       "1}"));
	TL_CHECK_INT(cs.nclaims, 10);
	cs.claims[9].unresolved = xstrdup("experiment 'alloc' is missing");
	eval(&cs, run, TL_ADJUST_HOLM, v);
	/* An unmet machine need says what machine could test the claim. */
	TL_CHECK_STR(v[0].reason,
		     "no PMU: perf_event_open(cycles): ENOENT; a machine whose "
		     "PMU counts the hardware events (bare metal, or a VM "
		     "with a virtual "
		     "PMU and perf_event_paranoid <= 2) can test it");
	TL_CHECK_STR(v[1].reason,
		     "one NUMA node on this machine; a machine with two or "
		     "more NUMA nodes (two sockets, or sub-NUMA clustering) "
		     "can test it");
	TL_CHECK_STR(v[2].reason, "toolchain missing: go");
	TL_CHECK(v[3].reason && strstr(v[3].reason, "feature absent: "
						    "async/await"));
	TL_CHECK_STR(v[4].reason,
		     "cycles_per_op absent: no PMU: perf_event_open ENOENT");
	TL_CHECK(v[5].reason && strstr(v[5].reason, "skipped: pkg-config"));
	TL_CHECK_STR(v[6].reason, "experiment 'escape' is not in this run");
	TL_CHECK_STR(v[7].reason, "case size=16 of 'alloc' is not in this "
				  "run");
	TL_CHECK(v[8].reason && strstr(v[8].reason, "too few"));
	TL_CHECK_STR(v[9].reason, "experiment 'alloc' is missing");
	for (size_t i = 0; i < cs.nclaims; i++) {
		TL_CHECK_INT(v[i].kind, TL_VERDICT_UNTESTABLE);
		TL_CHECK(!v[i].in_family);
	}
	release_all(&cs, v);
	json_decref(run);
}

TL_TEST(facts_and_simulated_counters)
{
	struct tl_claimset cs;
	struct tl_verdict v[5];
	json_t *run = new_run(0, 1, 1), *f;

	f = json_object_get(variant(run, "alloc", "64", "go.h"), "facts");
	json_object_set_new(f, "slice_header_bytes", json_string("24"));
	json_object_set_new(f, "code_bytes", json_string("14336"));
	json_object_set_new(f, "odd", json_string("absent:not isolable"));
	metric(run, "alloc", "c.a", "instructions_per_op", "sim", 31, 0, 1);
	parse_claims(
		&cs,
		CLAIM("eq",
		      "{experiment: alloc, variant: go.h, fact: "
		      "slice_header_bytes, params: {size: 64}}",
		      "{eq: \"24\"}")
			CLAIM("ne",
			      "{experiment: alloc, variant: go.h, fact: "
			      "slice_header_bytes, params: {size: 64}}",
			      "{eq: \"16\"}")
				CLAIM("num",
				      "{experiment: alloc, variant: go.h, "
				      "fact: code_bytes, params: {size: 64}}",
				      "{approx: 14 KB, tol: 10%}")
					CLAIM("absent",
					      "{experiment: alloc, variant: "
					      "go.h, fact: odd, params: "
					      "{size: 64}}",
					      "{gt: 1}")
						CLAIM("sim",
						      VAL("c.a",
							  "instructions_per_"
							  "op"),
						      "{approx: 31, tol: 1}"));
	eval(&cs, run, TL_ADJUST_BONFERRONI, v);
	TL_CHECK_INT(v[0].kind, TL_VERDICT_HOLDS);
	TL_CHECK_STR(v[0].fact, "24");
	TL_CHECK_INT(v[1].kind, TL_VERDICT_REFUTED);
	TL_CHECK_INT(v[2].kind, TL_VERDICT_HOLDS);
	TL_CHECK_NEAR(v[2].ci.point, 14336, 0);
	TL_CHECK_INT(v[3].kind, TL_VERDICT_UNTESTABLE);
	TL_CHECK_STR(v[3].reason, "fact odd absent: not isolable");
	TL_CHECK_INT(v[4].kind, TL_VERDICT_HOLDS);
	TL_CHECK(v[4].simulated && v[4].exact);
	TL_CHECK(v[4].notes && strstr(v[4].notes, "simulated"));
	release_all(&cs, v);
	json_decref(run);
}

/*
 * nedge claims decided at 95% alone, and 20 - nedge clear ones. Widening
 * the table must be able to change a verdict; Holm's step-down frees the
 * last claim when it is the only marginal one.
 */
static void family(int nedge, const enum tl_verdict_kind *want)
{
	struct tl_buf body = TL_BUF_INIT;
	struct tl_claimset cs;
	struct tl_verdict v[20];
	json_t *run = new_run(0, 1, 1);
	int i, a;

	/* 25 samples 90..110: the 95% CI of the median starts near 95.8. */
	metric(run, "alloc", "c.m", "ns_per_op", "time", 100, 10, 25);
	metric(run, "alloc", "c.x", "ns_per_op", "time", 10, 0.1, 25);
	for (i = 0; i < 20; i++) {
		char *c = i < nedge ? xasprintf(CLAIM("e%d",
						      VAL("c.m", "ns_per_op"),
						      "{gt: 94.5 ns}"),
						i)
				    : xasprintf(CLAIM("x%d",
						      VAL("c.x", "ns_per_op"),
						      "{lt: 11 ns}"),
						i);

		tl_buf_puts(&body, c);
		free(c);
	}
	parse_claims(&cs, tl_buf_str(&body));
	TL_CHECK_INT(cs.nclaims, 20);
	for (a = 0; a < TL_ADJUST_COUNT_; a++) {
		eval(&cs, run, (enum tl_adjust)a, v);
		for (i = 0; i < nedge; i++) {
			TL_CHECK_INT(v[i].kind, want[a]);
			TL_CHECK(v[i].p < 0.05 && v[i].p > 0.05 / 20);
		}
		TL_CHECK_INT(v[19].kind, TL_VERDICT_HOLDS);
		for (i = 0; i < 20; i++)
			tl_verdict_release(&v[i]);
	}
	tl_claimset_release(&cs);
	tl_buf_release(&body);
	json_decref(run);
}

/* A build-time claim on a program that does not build is refuted. */
TL_TEST(no_build_no_build_time)
{
	struct tl_claimset cs;
	struct tl_verdict v[2];
	json_t *run = new_run(0, 1, 1);
	json_t *var = variant(run, "alloc", "64", "c.logs");

	json_object_set_new(json_object_get(var, "facts"), "builds",
			    json_string("false"));
	json_object_set_new(
		json_object_get(var, "facts"), "first_error",
		json_string("main.zig:1:1: error: found compile log"));
	variant(run, "alloc", "64", "c.gone");
	parse_claims(&cs,
		     CLAIM("nobuild", VAL("c.logs", "build_ns"), "{lt: 1 s}")
			     CLAIM("silent", VAL("c.gone", "build_ns"),
				   "{lt: 1 s}"));
	eval(&cs, run, TL_ADJUST_HOLM, v);
	TL_CHECK_INT(v[0].kind, TL_VERDICT_REFUTED);
	TL_CHECK(v[0].notes && strstr(v[0].notes, "does not build"));
	TL_CHECK(strstr(v[0].notes, "found compile log"));
	/* Without the builds=false fact a missing metric stays untestable. */
	TL_CHECK_INT(v[1].kind, TL_VERDICT_UNTESTABLE);
	release_all(&cs, v);
	json_decref(run);
}

TL_TEST(family_widening)
{
	static const enum tl_verdict_kind one[TL_ADJUST_COUNT_] = {
		[TL_ADJUST_HOLM] = TL_VERDICT_HOLDS,
		[TL_ADJUST_BONFERRONI] = TL_VERDICT_INCONCLUSIVE,
		[TL_ADJUST_NONE] = TL_VERDICT_HOLDS};
	static const enum tl_verdict_kind twelve[TL_ADJUST_COUNT_] = {
		[TL_ADJUST_HOLM] = TL_VERDICT_INCONCLUSIVE,
		[TL_ADJUST_BONFERRONI] = TL_VERDICT_INCONCLUSIVE,
		[TL_ADJUST_NONE] = TL_VERDICT_HOLDS};

	family(1, one);
	family(12, twelve);
}

TL_TEST(deterministic_and_reported)
{
	struct tl_claimset cs;
	struct tl_verdict v[1], w[1];
	struct tl_buf b = TL_BUF_INIT;
	json_t *run = new_run(0, 1, 1), *j;
	char *s;

	metric(run, "alloc", "c.w", "ns_per_op", "time", 25, 15, 25);
	parse_claims(&cs, CLAIM("s", VAL("c.w", "ns_per_op"),
				"{between: [20, 30]}"));
	eval(&cs, run, TL_ADJUST_HOLM, v);
	eval(&cs, run, TL_ADJUST_HOLM, w);
	TL_CHECK(v[0].ci.lo == w[0].ci.lo && v[0].ci.hi == w[0].ci.hi);
	tl_verdicttable_render(&b, &cs, v, 80, 0);
	TL_CHECK(strstr(tl_buf_str(&b), "INCONCLUSIVE"));
	TL_CHECK(strstr(tl_buf_str(&b), "1 claims: 0 hold"));
	j = tl_verdict_json(&cs, v, NULL,
			    &(struct tl_verdict_opts)TL_VERDICT_OPTS_INIT, 1,
			    NULL);
	s = json_dumps(j, JSON_COMPACT);
	TL_CHECK(strstr(s, "\"verdict\":\"INCONCLUSIVE\""));
	TL_CHECK(strstr(s, "\"schema\":\"traplab.verdicts/1\""));
	free(s);
	json_decref(j);
	tl_buf_release(&b);
	tl_verdict_release(&v[0]);
	tl_verdict_release(&w[0]);
	tl_claimset_release(&cs);
	json_decref(run);
}

/*
 * The sequential rule: with anytime-valid intervals, a claim far from its
 * bound is decided (no variant needed), one that straddles it stays open
 * and names the variants its sides read; a ratio needs both sides; too few
 * samples leave the interval open whatever the point (and the variant is
 * marked short of values, so its rounds may go past the budget).
 */
/*
 * Two variants of one case whose rounds drift together (the machine got
 * slower and faster): each side alone spreads over +-30%, but round by
 * round the ratio is 1.01. Paired on round_of, the equivalence within 5%
 * is decided; without round_of the same samples are not.
 */
static void drifting(json_t *run, const char *vname, double scale, int rounds)
{
	json_t *v = variant(run, "defer", "64", vname), *s = json_array();
	json_t *r = json_array();

	for (int i = 0; i < 40; i++) {
		double drift = 1 + 0.3 * sin(i * 0.7);

		json_array_append_new(s, json_real(10 * scale * drift));
		json_array_append_new(r, json_integer(i / 5));
	}
	json_object_set_new(json_object_get(v, "metrics"), "ns_per_op",
			    json_pack("{s:s, s:s, s:i, s:f, s:o}", "unit", "ns",
				      "source", "time", "n", 40, "median",
				      10 * scale, "samples", s));
	if (rounds)
		json_object_set_new(
			json_object_get(json_object_get(v, "metrics"),
					"ns_per_op"),
			"round_of", r);
	else
		json_decref(r);
}

TL_TEST(paired_rounds_cancel_drift)
{
	for (int rounds = 1; rounds >= 0; rounds--) {
		struct tl_claimset cs;
		struct tl_verdict v[1];
		struct tl_verdict_opts o = TL_VERDICT_OPTS_INIT;
		json_t *run = new_run(0, 1, 1);

		drifting(run, "zig.defer", 1.01, rounds);
		drifting(run, "zig.none", 1.0, rounds);
		parse_claims(&cs,
			     CLAIM("free",
				   "{experiment: defer, ratio: [zig.defer, "
				   "zig.none], metric: ns_per_op, params: "
				   "{size: 64}}",
				   "{equivalent: 1, margin: 5%}"));
		TL_CHECK_INT(cs.nclaims, 1);
		o.anytime = 1;
		tl_verdict_eval(&cs, &run, 1, &o, v);
		if (rounds) {
			TL_CHECK_INT(v[0].kind, TL_VERDICT_HOLDS);
			TL_CHECK(fabs(v[0].ci.point - 1.01) < 1e-9);
			TL_CHECK(v[0].notes && strstr(v[0].notes, "40 pairs"));
		} else {
			TL_CHECK_INT(v[0].kind, TL_VERDICT_INCONCLUSIVE);
		}
		release_all(&cs, v);
		json_decref(run);
	}
}

/*
 * One value claim on 30 processes of 5 samples each whose levels differ
 * (10 to 21 ns, within a process +-0.05): taken as 150 independent
 * values the median (15.5) is shown under 18 ns; counted per process (30
 * values' worth, the default) it is not, and under --independent the
 * verdict says so. Both the value and the ratio paths follow
 * opts.independent.
 */
static double spread_processes(int i)
{
	return 10 + (i / 5) % 12 + 0.05 * (i % 5 - 2);
}

TL_TEST(per_process_widens)
{
	for (int pp = 0; pp <= 1; pp++) {
		struct tl_claimset cs;
		struct tl_verdict v[1];
		struct tl_verdict_opts o = TL_VERDICT_OPTS_INIT;
		json_t *run =
			run_in_processes("c.a", spread_processes, 150, 5, 15.5);

		parse_claims(&cs, CLAIM("under", VAL("c.a", "ns_per_op"),
					"{lt: 18 ns}"));
		o.anytime = 1;
		o.independent = !pp;
		tl_verdict_eval(&cs, &run, 1, &o, v);
		TL_CHECK_INT(v[0].kind,
			     pp ? TL_VERDICT_INCONCLUSIVE : TL_VERDICT_HOLDS);
		/* Decided on independent samples, it says what per process. */
		TL_CHECK(pp || (v[0].notes &&
				strstr(v[0].notes, "counted per process") &&
				strstr(v[0].notes, "INCONCLUSIVE")));
		release_all(&cs, v);
		json_decref(run);
	}
}

/*
 * A p99 whose first three of 40 processes were wholly slower (a noisy
 * start: 20 ns against 12): the processes differ on the upper side, so
 * the design effect takes each as about one value and the p99's upper
 * end stays open. The verdict says which end and what the processes
 * were worth, not only that it is undecided.
 */
static double noisy_start(int i)
{
	return (i < 300 ? 20 : 12) + 0.001 * (i % 100);
}

TL_TEST(open_end_says_what_processes_were_worth)
{
	struct tl_claimset cs;
	struct tl_verdict v[1];
	struct tl_verdict_opts o = TL_VERDICT_OPTS_INIT;
	json_t *run = run_in_processes("c.a", noisy_start, 4000, 100, 12.05);

	parse_claims(&cs, CLAIM("tail",
				"{experiment: alloc, variant: c.a, metric: "
				"ns_per_op, stat: p99, params: {size: 64}}",
				"{approx: 12 us, tol: 50%}"));
	o.anytime = 1;
	tl_verdict_eval(&cs, &run, 1, &o, v);
	TL_CHECK_INT(v[0].kind, TL_VERDICT_INCONCLUSIVE);
	TL_CHECK(!isfinite(v[0].ci.hi));
	TL_CHECK(v[0].notes &&
		 strstr(v[0].notes, "its upper end is still "
				    "open") &&
		 strstr(v[0].notes, "from 40 processes count as about"));
	release_all(&cs, v);
	json_decref(run);
}

/*
 * A compiler's processes (the build experiment): 3 processes a variant, 8
 * updates each that speed up alike (1.5x to 1.06x), and a process level
 * +-2% of its own. Paired by position the trend cancels and each
 * process's 8 pairs are one value (design effect 8: no interval from 3);
 * each side's processes agree (design effect about 1), so the sides'
 * own interval decides, and the pairs intersected with it do too.
 */
static void compiler(json_t *run, const char *vname, double scale, int shift)
{
	json_t *v = variant(run, "build", "64", vname), *s = json_array();
	json_t *r = json_array();

	for (int i = 0; i < 24; i++) {
		double level = 1 + 0.02 * ((i / 8 + shift) % 3 - 1);

		json_array_append_new(
			s, json_real(scale * (1.5 - (i % 8) / 16.0) * level));
		json_array_append_new(r, json_integer(i / 8));
	}
	set_nsop(v, s, r, scale);
}

TL_TEST(paired_sides_intersect)
{
	struct tl_claimset cs;
	struct tl_verdict v[1];
	struct tl_verdict_opts o = TL_VERDICT_OPTS_INIT;
	json_t *run = new_run(0, 1, 1);
	json_t *a, *b;
	double pairs[24], rounds[24];
	struct tl_ci ci;

	compiler(run, "c.log", 10, 0);
	compiler(run, "c.none", 20, 1);
	a = json_object_get(
		json_object_get(variant(run, "build", "64", "c.log"),
				"metrics"),
		"ns_per_op");
	b = json_object_get(
		json_object_get(variant(run, "build", "64", "c.none"),
				"metrics"),
		"ns_per_op");
	for (int i = 0; i < 24; i++) {
		pairs[i] = json_real_value(json_array_get(
				   json_object_get(a, "samples"), (size_t)i)) /
			   json_real_value(json_array_get(
				   json_object_get(b, "samples"), (size_t)i));
		rounds[i] = i / 8;
	}
	/* The pairs alone, per process: no interval. */
	TL_CHECK_INT(
		tl_confseq_quantile_rounds(pairs, rounds, 24, 0.5, 0.025, &ci),
		0);
	TL_CHECK(isinf(ci.lo) && isinf(ci.hi));
	parse_claims(&cs, CLAIM("faster",
				"{experiment: build, ratio: [c.log, c.none], "
				"metric: ns_per_op, params: {size: 64}}",
				"{lt: 0.9}"));
	o.anytime = 1;
	tl_verdict_eval(&cs, &run, 1, &o, v);
	TL_CHECK_INT(v[0].kind, TL_VERDICT_HOLDS);
	TL_CHECK(v[0].ci.hi < 0.9 && v[0].ci.lo <= v[0].ci.point &&
		 v[0].ci.point <= v[0].ci.hi);
	release_all(&cs, v);
	json_decref(run);
}

/*
 * The claims in play when an experiment is sampled (the sequential Holm
 * count): the table less the claims a machine need leaves untestable and
 * the other experiments' decided claims; the experiment's own claims stay
 * in play however they stand.
 */
TL_TEST(claims_in_play)
{
	struct tl_claimset cs;
	struct tl_verdict_opts o = TL_VERDICT_OPTS_INIT;
	json_t *run = new_run(0, 1, 1);
	size_t m;

	metric(run, "alloc", "c.a", "ns_per_op", "time", 25, 0.5, 30);
	metric(run, "alloc", "c.w", "ns_per_op", "time", 25, 15, 30);
	parse_claims(
		&cs,
		CLAIM("far", VAL("c.a", "ns_per_op"), "{lt: 1 us}") CLAIM(
			"straddle", VAL("c.w", "ns_per_op"), "{lt: 26 ns}")
			CLAIM("pmu", VAL("c.a", "ns_per_op"),
			      "{gt: 1}") "    needs: [pmu]\n" CLAIM("later",
								    "{experimen"
								    "t: json, "
								    "variant: "
								    "c.x, "
								    "metric: "
								    "ns_per_"
								    "op}",
								    "{gt: 1}"));
	o.anytime = 1;
	m = tl_verdict_family_size(&cs);
	TL_CHECK_INT(m, 4);
	/* json: far is decided, pmu untestable here; straddle, later left. */
	TL_CHECK_INT(
		tl_verdict_in_play(&cs, &run, 1, &o, m, "json", NULL, NULL), 2);
	/* alloc's own claims count whatever they show. */
	TL_CHECK_INT(
		tl_verdict_in_play(&cs, &run, 1, &o, m, "alloc", NULL, NULL),
		3);
	/* Without Holm the rule keeps the whole table. */
	o.adjust = TL_ADJUST_BONFERRONI;
	TL_CHECK_INT(
		tl_verdict_in_play(&cs, &run, 1, &o, m, "json", NULL, NULL), 4);
	tl_claimset_release(&cs);
	json_decref(run);
}

/* The first case of run's first experiment. */
static json_t *first_case(json_t *run)
{
	return json_array_get(
		json_object_get(
			json_array_get(json_object_get(run, "experiments"), 0),
			"cases"),
		0);
}

TL_TEST(sequential_open_claims)
{
	struct tl_claimset cs;
	struct tl_verdict v[4];
	struct tl_verdict_opts o = TL_VERDICT_OPTS_INIT;
	json_t *run = new_run(0, 1, 1), *cj;
	unsigned char need[8];

	metric(run, "alloc", "c.a", "ns_per_op", "time", 25, 0.5, 30);
	metric(run, "alloc", "c.w", "ns_per_op", "time", 25, 15, 30);
	metric(run, "alloc", "c.b", "ns_per_op", "time", 50, 0.5, 30);
	metric(run, "alloc", "c.few", "ns_per_op", "time", 25, 0.5, 6);
	parse_claims(&cs,
		     CLAIM("far", VAL("c.a", "ns_per_op"), "{lt: 1 us}") CLAIM(
			     "straddle", VAL("c.w", "ns_per_op"), "{lt: 26 ns}")
			     CLAIM("ratio",
				   "{experiment: alloc, ratio: [c.b, "
				   "c.w], metric: ns_per_op, params: "
				   "{size: 64}}",
				   "{gt: 1.9}")
				     CLAIM("few", VAL("c.few", "ns_per_op"),
					   "{lt: 1 us}"));
	TL_CHECK_INT(cs.nclaims, 4);
	TL_CHECK_INT(tl_verdict_family_size(&cs), 4);
	o.anytime = 1;
	cj = first_case(run);
	/* straddle (c.w), ratio (c.b, c.w) and few (c.few) are open. */
	TL_CHECK_INT(tl_verdict_open(&cs, &run, 1, &o, 4, "alloc", cj, need),
		     3);
	/* c.a: read by a decided claim only */
	TL_CHECK_INT(need[0], TL_NEED_READ);
	TL_CHECK_INT(need[1], TL_NEED_READ | TL_NEED_MORE);
	TL_CHECK_INT(need[2], TL_NEED_READ | TL_NEED_MORE);
	/*
	 * c.few has 6 values, short of the first exact look (9 values at
	 * 0.05 / 4, 7 at 0.05: base/confseq.h tl_confseq_first_look).
	 */
	TL_CHECK_INT(need[3], TL_NEED_READ | TL_NEED_SHORT);
	/* Another experiment's case reads nothing here. */
	TL_CHECK_INT(tl_verdict_open(&cs, &run, 1, &o, 4, "json", cj, need), 0);
	/* The final verdicts use the same intervals, and say how far. */
	tl_verdict_eval(&cs, &run, 1, &o, v);
	TL_CHECK_INT(v[0].kind, TL_VERDICT_HOLDS);
	TL_CHECK_INT(v[1].kind, TL_VERDICT_INCONCLUSIVE);
	TL_CHECK(v[1].more_factor > 1);
	TL_CHECK_INT(v[3].kind, TL_VERDICT_INCONCLUSIVE);
	TL_CHECK(isinf(v[3].ci.hi));
	release_all(&cs, v);
	json_decref(run);
}

/*
 * A claim out of reach: 6 rounds of 5 values that each span 10 to 40 ns
 * (processes alike), against a bound a hair above the median. Its
 * interval would need about 100x the samples: with a budget of 6 rounds
 * it stops; with 1000 it is still open.
 */
static double spanning(int i)
{
	return 10 + ((i % 5) * 6 + i / 5) * 30.0 / 29;
}

TL_TEST(out_of_reach_claims_stop)
{
	struct tl_claimset cs;
	struct tl_verdict_opts o = TL_VERDICT_OPTS_INIT;
	json_t *run = run_in_processes("c.w", spanning, 30, 5, 25.0), *cj;
	unsigned char need[2];

	parse_claims(&cs,
		     CLAIM("hair", VAL("c.w", "ns_per_op"), "{lt: 26 ns}"));
	o.anytime = 1;
	cj = first_case(run);
	json_object_set_new(cj, "budget_rounds", json_integer(1000));
	TL_CHECK_INT(tl_verdict_open(&cs, &run, 1, &o, 1, "alloc", cj, need),
		     1);
	TL_CHECK_INT(need[0], TL_NEED_READ | TL_NEED_MORE);
	json_object_set_new(cj, "budget_rounds", json_integer(6));
	TL_CHECK_INT(tl_verdict_open(&cs, &run, 1, &o, 1, "alloc", cj, need),
		     0);
	TL_CHECK_INT(need[0], TL_NEED_READ);
	tl_claimset_release(&cs);
	json_decref(run);
}

/*
 * A counter figure is counted in the case's counting phase, not its
 * rounds: a claim on one asks no round of its variant, even open.
 */
TL_TEST(counter_claims_ask_no_rounds)
{
	struct tl_claimset cs;
	struct tl_verdict_opts o = TL_VERDICT_OPTS_INIT;
	json_t *run = new_run(0, 1, 1), *cj;
	unsigned char need[8];

	metric(run, "alloc", "c.a", "l1i_miss_ratio", "sim", 0.001, 0.001, 2);
	metric(run, "alloc", "c.b", "ns_per_op", "time", 25, 15, 30);
	parse_claims(
		&cs,
		CLAIM("icache", VAL("c.a", "l1i_miss_ratio"), "{lt: 0.1%}")
			CLAIM("time", VAL("c.b", "ns_per_op"), "{lt: 18 ns}"));
	o.anytime = 1;
	cj = first_case(run);
	TL_CHECK_INT(tl_verdict_open(&cs, &run, 1, &o, 2, "alloc", cj, need),
		     1);
	TL_CHECK_INT(need[0], 0);
	TL_CHECK_INT(need[1], TL_NEED_READ | TL_NEED_MORE);
	tl_claimset_release(&cs);
	json_decref(run);
}

TL_TEST_MAIN()
