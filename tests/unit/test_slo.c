/*
 * test_slo.c - SLO files (errors at file:line:column), thresholds with
 * units, the error-budget and burn-rate arithmetic, and the per-run
 * verdicts on the synthetic runs in tests/data.
 */
#include "analyze/slo.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure/results.h"
#include "report/expo.h"
#include "tl_test.h"

static const char *data(const char *name)
{
	static char buf[4096];
	const char *root = getenv("TL_ROOT");

	snprintf(buf, sizeof(buf), "%s/tests/data/%s", root ? root : ".", name);
	return buf;
}

#define HEAD                                                                   \
	"apiVersion: traplab/v1\n"                                             \
	"kind: SLO\n"                                                          \
	"metadata: {name: t}\n"                                                \
	"spec:\n"                                                              \
	"  timeWindow: [{duration: 10runs, isRolling: true}]\n"                \
	"  budgetingMethod: Occurrences\n"                                     \
	"  objectives:\n"

/* Loads text; returns the diagnostics joined by '|' (owned). */
static char *load(const char *text, struct tl_slo *slo, int *rc)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_buf b = TL_BUF_INIT;
	size_t i;

	*rc = tl_slo_load(slo, "t.yaml", text, strlen(text), &d);
	for (i = 0; i < d.msgs.n; i++)
		tl_buf_printf(&b, "%s%s", i ? "|" : "", d.msgs.v[i]);
	tl_diag_release(&d);
	return b.s ? b.s : xstrdup("");
}

TL_TEST(loads_a_good_file)
{
	struct tl_slo slo;
	char *msg;
	int rc;

	msg = load(HEAD "    - experiment: alloc\n"
			"      variant: c.arena\n"
			"      params: {size: 64}\n"
			"      metric: ns_per_op\n"
			"      stat: p99\n"
			"      op: lt\n"
			"      value: 150ms\n"
			"      target: 99.5%\n"
			"    - displayName: ratio\n"
			"      experiment: alloc\n"
			"      variant: c.arena\n"
			"      ratioTo: c.glibc\n"
			"      metric: ns_per_op\n"
			"      op: gte\n"
			"      value: 0.5\n"
			"      target: 0.9\n",
		   &slo, &rc);
	TL_CHECK_STR(msg, "");
	free(msg);
	TL_CHECK_INT(rc, 0);
	TL_CHECK_INT(slo.window_runs, 10);
	TL_CHECK_INT(slo.nobj, 2);
	TL_CHECK_STR(slo.obj[0].params, "size=64");
	TL_CHECK_STR(slo.obj[0].stat, "p99");
	TL_CHECK_INT(slo.obj[0].op, TL_SLO_LT);
	TL_CHECK_NEAR(slo.obj[0].value, 150e6, 1e-6);
	TL_CHECK_NEAR(slo.obj[0].target, 0.995, 1e-12);
	TL_CHECK_STR(slo.obj[0].name, "alloc/c.arena ns_per_op p99");
	TL_CHECK_INT(slo.obj[0].line, 8);
	TL_CHECK_STR(slo.obj[1].ratio_to, "c.glibc");
	TL_CHECK_STR(slo.obj[1].stat, "median");
	TL_CHECK_INT(slo.obj[1].op, TL_SLO_GTE);
	tl_slo_release(&slo);
}

TL_TEST(the_shipped_files_load)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_slo slo;
	char path[4096];
	const char *root = getenv("TL_ROOT");

	snprintf(path, sizeof(path), "%s/slo/default.yaml", root ? root : ".");
	TL_CHECK_INT(tl_slo_load(&slo, path, NULL, 0, &d), 0);
	TL_CHECK(slo.nobj >= 4);
	tl_slo_release(&slo);
	TL_CHECK_INT(tl_slo_load(&slo, data("slo-test.yaml"), NULL, 0, &d), 0);
	tl_slo_release(&slo);
	TL_CHECK_INT(d.msgs.n, 0);
}

struct bad_case {
	const char *text, *want;
};

TL_TEST(errors_name_file_line_column)
{
	static const struct bad_case cases[] = {
		{"apiVersion: traplab/v1\nkind: Service\n",
		 "t.yaml:2:7: kind: expected SLO, found 'Service'"},
		{HEAD "    - experiment: alloc\n"
		      "      variant: c.arena\n"
		      "      metirc: ns_per_op\n",
		 "t.yaml:10:7: unknown key 'metirc' in objectives[0]"},
		{HEAD "    - experiment: alloc\n"
		      "      variant: c.arena\n"
		      "      metric: ns_per_op\n"
		      "      op: le\n"
		      "      value: 3\n"
		      "      target: 0.9\n",
		 "t.yaml:11:11: op: expected lt, lte, gt or gte, found 'le'"},
		{HEAD "    - experiment: alloc\n"
		      "      variant: c.arena\n"
		      "      metric: peak_rss_bytes\n"
		      "      op: lte\n"
		      "      value: 5ms\n"
		      "      target: 0.9\n",
		 "t.yaml:12:14: value: unit 'ms' does not fit metric "
		 "'peak_rss_bytes'"},
		{HEAD "    - experiment: alloc\n"
		      "      variant: c.arena\n"
		      "      metric: ns_per_op\n"
		      "      op: lte\n"
		      "      value: 3\n"
		      "      target: 150%\n",
		 "t.yaml:13:15: target: expected a fraction in (0, 1]"},
		{HEAD "    - experiment: alloc\n"
		      "      variant: c.arena\n"
		      "      op: lte\n"
		      "      value: 3\n"
		      "      target: 0.9\n",
		 "t.yaml:8:7: objectives[0]: missing key 'metric'"},
		{HEAD "    - experiment: alloc\n"
		      "      variant: c.arena\n"
		      "      metric: ns_per_op\n"
		      "      stat: p42\n"
		      "      op: lte\n"
		      "      value: 3\n"
		      "      target: 0.9\n",
		 "t.yaml:11:13: stat: unknown statistic 'p42'"},
		{"apiVersion: traplab/v1\nkind: SLO\nspec:\n"
		 "  timeWindow: [{duration: 7 fortnights}]\n"
		 "  objectives: []\n",
		 "t.yaml:4:27: duration: unknown unit 'fortnights'"},
		{"apiVersion: traplab/v1\nkind: SLO\nspec:\n"
		 "  budgetingMethod: Timeslices\n  objectives: [}\n",
		 "t.yaml:5:16: YAML syntax"},
	};
	struct tl_slo slo;
	size_t i;
	char *msg;
	int rc;

	for (i = 0; i < TL_ARRAY_SIZE(cases); i++) {
		msg = load(cases[i].text, &slo, &rc);
		if (rc != -EINVAL || !strstr(msg, cases[i].want)) {
			fprintf(stderr, "case %zu: rc %d, got: %s\n", i, rc,
				msg);
			free(msg);
			TL_FAIL("want: %s", cases[i].want);
		}
		free(msg);
	}
}

TL_TEST(values_with_units)
{
	struct tl_buf err = TL_BUF_INIT;
	double v;

	TL_CHECK_INT(tl_slo_parse_value("150ms", "ns_per_op", &v, &err), 0);
	TL_CHECK_NEAR(v, 1.5e8, 1e-6);
	TL_CHECK_INT(tl_slo_parse_value("2.5 us", "wall_ns", &v, &err), 0);
	TL_CHECK_NEAR(v, 2500, 1e-9);
	TL_CHECK_INT(tl_slo_parse_value("64MiB", "peak_rss_bytes", &v, &err),
		     0);
	TL_CHECK_NEAR(v, 67108864, 0);
	TL_CHECK_INT(tl_slo_parse_value("500ms", "build_s", &v, &err), 0);
	TL_CHECK_NEAR(v, 0.5, 1e-12);
	TL_CHECK_INT(tl_slo_parse_value("99.95%", NULL, &v, &err), 0);
	TL_CHECK_NEAR(v, 0.9995, 1e-12);
	TL_CHECK_INT(tl_slo_parse_value("7", "minor_faults", &v, &err), 0);
	TL_CHECK_NEAR(v, 7, 0);
	TL_CHECK_INT(tl_slo_parse_value("3ns", "minor_faults", &v, &err),
		     -EINVAL);
	TL_CHECK_INT(tl_slo_parse_value("3 parsecs", "wall_ns", &v, &err),
		     -EINVAL);
	TL_CHECK_INT(tl_slo_parse_value("fast", "wall_ns", &v, &err), -EINVAL);
	tl_buf_release(&err);
}

#define P TL_SLO_PASS
#define F TL_SLO_FAIL
#define I TL_SLO_INCONCLUSIVE
#define N TL_SLO_NODATA

TL_TEST(budget_and_burn_rate)
{
	static const enum tl_slo_outcome nine_one[] = {P, P, P, P, P,
						       P, P, P, P, F};
	static const enum tl_slo_outcome two_bad[] = {F, P, P, P, P,
						      P, P, P, P, F};
	static const enum tl_slo_outcome old_bad[] = {F, F, P, P, P, P,
						      P, P, P, P, P, P};
	static const enum tl_slo_outcome mixed[] = {N, I, P, N, F, I};
	static const enum tl_slo_outcome none[] = {N, N};
	struct tl_slo_budget b;

	/* 1 bad of 10 at target 90%: the budget is spent, not overspent. */
	tl_slo_budget(nine_one, 10, 0.9, &b);
	TL_CHECK_INT(b.good, 9);
	TL_CHECK_INT(b.bad, 1);
	TL_CHECK_NEAR(b.sli, 0.9, 1e-12);
	TL_CHECK_NEAR(b.burn_long, 1.0, 1e-9);
	TL_CHECK_NEAR(b.budget_left, 0.0, 1e-9);
	TL_CHECK_INT(b.violated, 0);
	/* Short window: 10 / 4 = 2 newest runs, 1 bad: 0.5 / 0.1 = 5. */
	TL_CHECK_INT(b.short_runs, 2);
	TL_CHECK_NEAR(b.burn_short, 5.0, 1e-9);
	/* Two bad: burn 2, violated and burning now. */
	tl_slo_budget(two_bad, 10, 0.9, &b);
	TL_CHECK_NEAR(b.burn_long, 2.0, 1e-9);
	TL_CHECK_NEAR(b.budget_left, -1.0, 1e-9);
	TL_CHECK_INT(b.violated, 1);
	TL_CHECK_INT(b.burning, 1);
	/* Bad runs long ago: violated, but not burning now. */
	tl_slo_budget(old_bad, 12, 0.9, &b);
	TL_CHECK_NEAR(b.burn_long, (2.0 / 12) / 0.1, 1e-9);
	TL_CHECK_INT(b.short_runs, 3);
	TL_CHECK_NEAR(b.burn_short, 0.0, 0);
	TL_CHECK_INT(b.violated, 1);
	TL_CHECK_INT(b.burning, 0);
	/* Inconclusive runs are not evidence; NODATA runs are skipped. */
	tl_slo_budget(mixed, 6, 0.75, &b);
	TL_CHECK_INT(b.runs, 4);
	TL_CHECK_INT(b.inconclusive, 2);
	TL_CHECK_NEAR(b.sli, 0.5, 1e-12);
	TL_CHECK_NEAR(b.burn_long, 2.0, 1e-9);
	/* Target 1: no budget at all. */
	tl_slo_budget(nine_one, 10, 1.0, &b);
	TL_CHECK(isinf(b.burn_long));
	TL_CHECK_INT(b.violated, 1);
	tl_slo_budget(nine_one, 9, 1.0, &b);
	TL_CHECK_NEAR(b.burn_long, 0, 0);
	TL_CHECK_INT(b.violated, 0);
	tl_slo_budget(none, 2, 0.9, &b);
	TL_CHECK(isnan(b.sli) && isnan(b.burn_long));
	TL_CHECK_INT(b.violated, 0);
}

static json_t *run(const char *name)
{
	struct tl_buf err = TL_BUF_INIT;
	json_t *r = NULL;

	tl_results_load(data(name), &r, &err);
	tl_buf_release(&err);
	return r;
}

TL_TEST(check_synthetic_runs)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_slo_report rep;
	struct tl_slo slo;
	json_t *past[6], *slow = run("run-slow.json");
	size_t i;
	char name[32];

	TL_CHECK_INT(tl_slo_load(&slo, data("slo-test.yaml"), NULL, 0, &d), 0);
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "run-%zu.json", i + 1);
		past[i] = run(name);
		TL_CHECK(past[i]);
	}
	TL_CHECK(slow);
	/* The last good run alone. */
	tl_slo_check(&slo, past[5], past, 5, &rep);
	TL_CHECK_INT(rep.n, 5);
	TL_CHECK_INT(rep.violated, 0);
	TL_CHECK_INT(rep.r[0].now, TL_SLO_PASS);
	TL_CHECK_INT(rep.r[0].budget.good, 6);
	TL_CHECK_STR(rep.r[0].params, "size=64");
	TL_CHECK_STR(rep.r[0].unit, "ns");
	TL_CHECK(rep.r[0].lo <= rep.r[0].value &&
		 rep.r[0].value <= rep.r[0].hi);
	/* Ratio with its bootstrap CI. */
	TL_CHECK_STR(rep.r[1].unit, "ratio");
	TL_CHECK(rep.r[1].value > 0.1 && rep.r[1].value < 0.25);
	TL_CHECK(!isnan(rep.r[1].lo) && rep.r[1].lo < rep.r[1].hi);
	/* The skipped Go variant is no data, not a failure. */
	TL_CHECK_INT(rep.r[4].now, TL_SLO_NODATA);
	TL_CHECK(strstr(rep.r[4].reason, "toolchain missing"));
	tl_slo_report_release(&rep);

	/* The slowed arena: caught in this run and by the budget. */
	tl_slo_check(&slo, slow, past, 6, &rep);
	TL_CHECK_INT(rep.r[0].now, TL_SLO_FAIL);
	TL_CHECK_INT(rep.r[0].budget.bad, 1);
	TL_CHECK_INT(rep.r[0].budget.good, 6);
	TL_CHECK_NEAR(rep.r[0].budget.burn_long, (1.0 / 7) / 0.1, 1e-9);
	TL_CHECK_INT(rep.r[0].budget.violated, 1);
	TL_CHECK_INT(rep.r[1].now, TL_SLO_FAIL);
	TL_CHECK_INT(rep.r[2].now, TL_SLO_PASS);
	TL_CHECK_INT(rep.violated, 2);
	tl_slo_report_release(&rep);

	tl_slo_release(&slo);
	json_decref(slow);
	for (i = 0; i < 6; i++)
		json_decref(past[i]);
}

/* Every ns_per_op of run restated in us, as a writer that chose us would. */
static void restate_in_us(json_t *run)
{
	json_t *e, *c, *v, *m, *x;
	size_t ie, ic, iv, k;
	const char *key;

	json_array_foreach(json_object_get(run, "experiments"), ie, e)
		json_array_foreach(json_object_get(e, "cases"), ic, c)
			json_array_foreach(json_object_get(c, "variants"), iv,
					   v)
	{
		m = json_object_get(json_object_get(v, "metrics"), "ns_per_op");
		if (!m)
			continue;
		json_object_set_new(m, "unit", json_string("us"));
		json_object_foreach(m, key, x) if (json_is_number(x) &&
						   strcmp(key, "n"))
			json_real_set(x, json_number_value(x) / 1e3);
		json_array_foreach(json_object_get(m, "samples"), k, x)
			json_real_set(x, json_number_value(x) / 1e3);
		json_array_foreach(json_object_get(m, "ci95"), k, x)
			json_real_set(x, json_number_value(x) / 1e3);
	}
}

/* The unit a run stored is read: a run in us is judged as the same run. */
TL_TEST(stored_unit_is_read)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_slo_report a, b;
	struct tl_slo slo;
	json_t *r = run("run-6.json"), *us = json_deep_copy(r);
	size_t i;

	TL_CHECK_INT(tl_slo_load(&slo, data("slo-test.yaml"), NULL, 0, &d), 0);
	restate_in_us(us);
	tl_slo_check(&slo, r, NULL, 0, &a);
	tl_slo_check(&slo, us, NULL, 0, &b);
	TL_CHECK_INT(a.n, b.n);
	for (i = 0; i < a.n && i < b.n; i++) {
		TL_CHECK_INT(a.r[i].now, b.r[i].now);
		if (!isnan(a.r[i].value))
			TL_CHECK_NEAR(b.r[i].value, a.r[i].value,
				      1e-9 * fabs(a.r[i].value));
	}
	TL_CHECK_STR(b.r[0].unit, "ns");
	TL_CHECK(!isnan(b.r[0].value) && b.r[0].value > 1);
	tl_slo_report_release(&a);
	tl_slo_report_release(&b);
	tl_slo_release(&slo);
	tl_diag_release(&d);
	json_decref(r);
	json_decref(us);
}

TL_TEST(inconclusive_when_the_ci_straddles)
{
	struct tl_slo_report rep;
	struct tl_slo slo;
	json_t *r = run("run-1.json");
	char *msg;
	int rc;

	/* c.arena's median CI in run-1 is [2.0633, 2.1123] ns. */
	msg = load(HEAD "    - experiment: alloc\n"
			"      variant: c.arena\n"
			"      metric: ns_per_op\n"
			"      op: lte\n"
			"      value: 2.09ns\n"
			"      target: 0.9\n"
			"    - experiment: alloc\n"
			"      variant: c.arena\n"
			"      metric: ns_per_op\n"
			"      op: gt\n"
			"      value: 2.2ns\n"
			"      target: 0.9\n",
		   &slo, &rc);
	free(msg);
	TL_CHECK_INT(rc, 0);
	tl_slo_check(&slo, r, NULL, 0, &rep);
	TL_CHECK_INT(rep.r[0].now, TL_SLO_INCONCLUSIVE);
	TL_CHECK_INT(rep.r[0].budget.runs, 1);
	TL_CHECK_INT(rep.r[0].budget.violated, 0);
	TL_CHECK_INT(rep.r[1].now, TL_SLO_FAIL);
	TL_CHECK_INT(rep.violated, 1);
	tl_slo_report_release(&rep);
	tl_slo_release(&slo);
	json_decref(r);
}

TL_TEST_MAIN()
