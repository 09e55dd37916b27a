/*
 * test_svcslo.c - service SLOs: the article's service-slo.yaml and OpenSLO
 * v1 read into one model, durations, burn-rate windows scaled to the
 * period, and errors at file:line:column.
 */
#include "analyze/svcslo.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/promrules.h"
#include "tl_test.h"

static char *load(const char *text, struct tl_svc_slo *slo, int *rc)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_buf b = TL_BUF_INIT;
	size_t i;

	*rc = tl_svc_slo_load(slo, "s.yaml", text, strlen(text), &d);
	for (i = 0; i < d.msgs.n; i++)
		tl_buf_printf(&b, "%s%s", i ? "|" : "", d.msgs.v[i]);
	tl_diag_release(&d);
	return b.s ? b.s : xstrdup("");
}

#define ARTICLE                                                                \
	"service: risk-decision-api\n"                                         \
	"slo:\n"                                                               \
	"  latency:\n"                                                         \
	"    p99: \"150ms\"\n"                                                 \
	"    budget: \"99.95%\"\n"                                             \
	"  error_rate: \"0.02%\"\n"                                            \
	"  constraints:\n"                                                     \
	"    - type: \"resource-bound\"\n"                                     \
	"      target: \"cpu\"\n"                                              \
	"      max_utilization: \"65%\"\n"                                     \
	"      enforcement: \"k8s-horizontal-pod-autoscaler-v2\"\n"            \
	"    - type: \"flow-control\"\n"                                       \
	"      target: \"http-requests\"\n"                                    \
	"      limit: \"1200rps\"\n"                                           \
	"      enforcement: \"istio-ratelimit-service\"\n"

TL_TEST(article_file_as_written)
{
	struct tl_svc_slo slo;
	char *msg;
	int rc;

	msg = load(ARTICLE, &slo, &rc);
	TL_CHECK_STR(msg, "");
	TL_CHECK_INT(rc, 0);
	TL_CHECK_STR(slo.service, "risk-decision-api");
	TL_CHECK_NEAR(slo.window_s, 30 * 86400.0, 1e-9);
	TL_CHECK_INT(slo.nobj, 4);
	TL_CHECK_INT(slo.obj[0].kind, TL_SVC_LATENCY);
	TL_CHECK_NEAR(slo.obj[0].threshold, 0.150, 1e-12);
	TL_CHECK_NEAR(slo.obj[0].quantile, 0.99, 1e-12);
	TL_CHECK_NEAR(slo.obj[0].target, 0.9995, 1e-12);
	TL_CHECK(strstr(slo.obj[0].bad, "le=\"0.15\""));
	TL_CHECK_INT(slo.obj[1].kind, TL_SVC_ERRORS);
	TL_CHECK_NEAR(slo.obj[1].threshold, 0.0002, 1e-12);
	TL_CHECK_NEAR(slo.obj[1].target, 0.9998, 1e-12);
	TL_CHECK_INT(slo.obj[2].kind, TL_SVC_BOUND);
	TL_CHECK_NEAR(slo.obj[2].threshold, 0.65, 1e-12);
	TL_CHECK_STR(slo.obj[2].enforcement,
		     "k8s-horizontal-pod-autoscaler-v2");
	TL_CHECK_NEAR(slo.obj[3].threshold, 1200, 1e-9);
	TL_CHECK(!slo.action_command);
	tl_svc_slo_release(&slo);
	free(msg);
}

TL_TEST(article_errors_have_positions)
{
	struct tl_svc_slo slo;
	char *msg;
	int rc;

	msg = load("service: a\n"
		   "slo:\n"
		   "  latency: {p99: 3 furlongs}\n"
		   "  error_rate: 150%\n"
		   "  colour: blue\n",
		   &slo, &rc);
	TL_CHECK_INT(rc, -EINVAL);
	TL_CHECK(strstr(msg, "s.yaml:3:18: p99: unknown unit 'furlongs'"));
	TL_CHECK(strstr(msg, "s.yaml:4:15: error_rate: expected a fraction"));
	TL_CHECK(strstr(msg, "s.yaml:5:3: unknown key 'colour'"));
	free(msg);
}

TL_TEST(budget_defaults_to_the_quantile)
{
	struct tl_svc_slo slo;
	char *msg;
	int rc;

	msg = load("service: a\nwindow: 7d\nslo: {latency: {p90: 20ms}}\n"
		   "action: {command: 'true'}\n",
		   &slo, &rc);
	TL_CHECK_STR(msg, "");
	TL_CHECK_NEAR(slo.obj[0].target, 0.9, 1e-12);
	TL_CHECK_NEAR(slo.window_s, 7 * 86400.0, 1e-9);
	TL_CHECK_STR(slo.action_command, "true");
	tl_svc_slo_release(&slo);
	free(msg);
}

TL_TEST(openslo_ratio_and_threshold)
{
	struct tl_svc_slo slo;
	char *msg;
	int rc;

	msg = load("apiVersion: openslo/v1\nkind: SLO\n"
		   "metadata: {name: avail}\n"
		   "spec:\n"
		   "  service: api\n"
		   "  indicator:\n"
		   "    metadata: {name: i}\n"
		   "    spec:\n"
		   "      ratioMetric:\n"
		   "        counter: true\n"
		   "        good: {metricSource: {type: Prometheus, spec: "
		   "{query: 'req{code=\"200\"}'}}}\n"
		   "        total: {metricSource: {type: Prometheus, spec: "
		   "{query: req}}}\n"
		   "  timeWindow: [{duration: 28d, isRolling: true}]\n"
		   "  budgetingMethod: Occurrences\n"
		   "  objectives: [{displayName: a, target: 0.999}]\n",
		   &slo, &rc);
	TL_CHECK_STR(msg, "");
	TL_CHECK_INT(slo.nobj, 1);
	TL_CHECK_INT(slo.obj[0].kind, TL_SVC_RATIO);
	TL_CHECK_STR(slo.obj[0].total, "sum(rate(req[{{.window}}]))");
	TL_CHECK(strstr(slo.obj[0].bad, "- (sum(rate(req{code=\"200\"}"));
	TL_CHECK_NEAR(slo.window_s, 28 * 86400.0, 1e-9);
	tl_svc_slo_release(&slo);
	free(msg);

	msg = load(
		"apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: t}\n"
		"spec:\n"
		"  indicator:\n"
		"    spec:\n"
		"      thresholdMetric: {metricSource: {type: Datadog, spec: "
		"{query: x}}}\n"
		"  objectives: [{op: below, value: 1, target: 0.9}]\n",
		&slo, &rc);
	TL_CHECK_INT(rc, -EINVAL);
	TL_CHECK(
		strstr(msg, "s.yaml:7:46: metricSource.type: only Prometheus"));
	TL_CHECK(strstr(msg, "s.yaml:8:21: op: expected lt"));
	free(msg);
}

TL_TEST(run_based_files_are_not_service_slos)
{
	struct tl_svc_slo slo;
	char *msg;
	int rc;

	msg = load(
		"apiVersion: traplab/v1\nkind: SLO\nspec: {objectives: []}\n",
		&slo, &rc);
	TL_CHECK_INT(rc, 1);
	TL_CHECK_STR(msg, "");
	free(msg);
}

TL_TEST(durations)
{
	char buf[32];
	double s;

	TL_CHECK_INT(tl_svc_parse_duration("1h30m", &s), 0);
	TL_CHECK_NEAR(s, 5400, 1e-9);
	TL_CHECK_INT(tl_svc_parse_duration("250ms", &s), 0);
	TL_CHECK_NEAR(s, 0.25, 1e-12);
	TL_CHECK_INT(tl_svc_parse_duration("3 days", &s), -EINVAL);
	TL_CHECK_INT(tl_svc_parse_duration("", &s), -EINVAL);
	tl_svc_fmt_duration(5400, buf, sizeof(buf));
	TL_CHECK_STR(buf, "1h30m");
	tl_svc_fmt_duration(30 * 86400.0, buf, sizeof(buf));
	TL_CHECK_STR(buf, "30d");
	tl_svc_fmt_duration(0.25, buf, sizeof(buf));
	TL_CHECK_STR(buf, "250ms");
}

TL_TEST(burn_windows_scale_with_the_period)
{
	struct tl_burn_window w[TL_BURN_WINDOWS];

	tl_burn_windows(30 * 86400.0, w);
	TL_CHECK_NEAR(w[0].factor, 14.4, 1e-9);
	TL_CHECK_NEAR(w[0].long_s, 3600, 1e-9);
	TL_CHECK_NEAR(w[0].short_s, 300, 1e-9);
	TL_CHECK_NEAR(w[1].factor, 6, 1e-9);
	TL_CHECK_NEAR(w[2].factor, 3, 1e-9);
	TL_CHECK_NEAR(w[3].factor, 1, 1e-9);
	TL_CHECK_NEAR(w[3].long_s, 3 * 86400.0, 1e-9);
	/* 12h: every window 1/60 as long, factors unchanged. */
	tl_burn_windows(12 * 3600.0, w);
	TL_CHECK_NEAR(w[0].long_s, 60, 1e-9);
	TL_CHECK_NEAR(w[0].short_s, 5, 1e-9);
	TL_CHECK_NEAR(w[0].factor, 14.4, 1e-9);
	TL_CHECK_NEAR(w[1].factor, 6, 1e-9);
}

TL_TEST_MAIN()
