/*
 * test_svccheck.c - the service SLO check on fixed PromQL answers: pass,
 * fail on the SLI, fail on the quantile, NODATA for a window without
 * requests, a hard query error, and the evidence JSON.
 */
#include "analyze/svccheck.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tl_test.h"

/* Answers: by the shape of the query. */
struct fake {
	double quantile, bad_share, cpu, rate;
	int nodata, hard;
	int calls;
};

static int fake_fn(void *ctx, const char *q, double *v, struct tl_buf *err)
{
	struct fake *f = ctx;

	f->calls++;
	if (f->hard) {
		tl_buf_printf(err, "refused");
		return -EPROTO;
	}
	if (f->nodata && strstr(q, "_count"))
		return -ENODATA;
	if (strstr(q, "histogram_quantile"))
		*v = f->quantile;
	else if (strstr(q, "process_cpu_seconds_total"))
		*v = f->cpu;
	else if (strstr(q, "\n/\n"))
		*v = f->bad_share;
	else
		*v = f->rate;
	return 0;
}

static void load(struct tl_svc_slo *slo)
{
	static const char text[] = "service: api\n"
				   "slo:\n"
				   "  latency: {p99: 150ms, budget: 99.9%}\n"
				   "  constraints:\n"
				   "    - {type: resource-bound, target: cpu, "
				   "max_utilization: 65%}\n";
	struct tl_diag d = TL_DIAG_INIT;

	TL_CHECK_INT(tl_svc_slo_load(slo, "s.yaml", text, strlen(text), &d), 0);
	tl_diag_release(&d);
}

TL_TEST(healthy_service_passes)
{
	struct fake f = {.quantile = 0.012, .bad_share = 0.0002, .cpu = 0.1};
	struct tl_buf err = TL_BUF_INIT;
	struct tl_svc_report rep;
	struct tl_svc_slo slo;

	load(&slo);
	TL_CHECK_INT(tl_svc_check(&slo, 60, fake_fn, &f, &rep, &err), 0);
	TL_CHECK_INT(rep.n, 2);
	TL_CHECK_INT(rep.r[0].outcome, TL_SLO_PASS);
	TL_CHECK_NEAR(rep.r[0].sli, 0.9998, 1e-12);
	TL_CHECK_NEAR(rep.r[0].burn_long, 0.2, 1e-9);
	TL_CHECK_NEAR(rep.r[0].budget_left, 0.8, 1e-9);
	TL_CHECK_INT(rep.r[1].outcome, TL_SLO_PASS);
	TL_CHECK(!tl_svc_report_violated(&rep));
	tl_svc_report_release(&rep);
	tl_svc_slo_release(&slo);
	tl_buf_release(&err);
}

TL_TEST(slow_service_fails_and_burns)
{
	struct fake f = {.quantile = 0.24, .bad_share = 0.5, .cpu = 0.9};
	struct tl_buf err = TL_BUF_INIT;
	struct tl_svc_report rep;
	struct tl_svc_slo slo;
	json_t *j;

	load(&slo);
	TL_CHECK_INT(tl_svc_check(&slo, 60, fake_fn, &f, &rep, &err), 0);
	TL_CHECK_INT(rep.r[0].outcome, TL_SLO_FAIL);
	TL_CHECK_NEAR(rep.r[0].burn_long, 500, 1e-6);
	TL_CHECK(rep.r[0].burning);
	TL_CHECK_INT(rep.r[1].outcome, TL_SLO_FAIL);
	TL_CHECK_INT(rep.failed, 2);
	j = tl_svc_report_json(&slo, &rep);
	TL_CHECK_STR(
		json_string_value(json_object_get(
			json_array_get(json_object_get(j, "objectives"), 0),
			"outcome")),
		"FAIL");
	TL_CHECK(json_is_true(json_object_get(j, "violated")));
	json_decref(j);
	tl_svc_report_release(&rep);
	/* The quantile alone over the threshold fails too. */
	f.bad_share = 0;
	f.cpu = 0.1;
	TL_CHECK_INT(tl_svc_check(&slo, 60, fake_fn, &f, &rep, &err), 0);
	TL_CHECK_INT(rep.r[0].outcome, TL_SLO_FAIL);
	TL_CHECK(strstr(rep.r[0].reason, "p99"));
	tl_svc_report_release(&rep);
	tl_svc_slo_release(&slo);
	tl_buf_release(&err);
}

TL_TEST(no_requests_is_nodata_and_fails_the_gate)
{
	struct fake f = {.quantile = 0.01, .nodata = 1, .cpu = 0.1};
	struct tl_buf err = TL_BUF_INIT;
	struct tl_svc_report rep;
	struct tl_svc_slo slo;

	load(&slo);
	TL_CHECK_INT(tl_svc_check(&slo, 60, fake_fn, &f, &rep, &err), 0);
	TL_CHECK_INT(rep.r[0].outcome, TL_SLO_NODATA);
	TL_CHECK(isnan(rep.r[0].sli));
	TL_CHECK_INT(rep.nodata, 1);
	TL_CHECK(tl_svc_report_violated(&rep));
	tl_svc_report_release(&rep);
	tl_svc_slo_release(&slo);
	tl_buf_release(&err);
}

TL_TEST(a_refused_query_is_an_error)
{
	struct fake f = {.hard = 1};
	struct tl_buf err = TL_BUF_INIT;
	struct tl_svc_report rep;
	struct tl_svc_slo slo;

	load(&slo);
	TL_CHECK_INT(tl_svc_check(&slo, 60, fake_fn, &f, &rep, &err), -EPROTO);
	TL_CHECK_STR(tl_buf_str(&err), "refused");
	TL_CHECK_INT(f.calls, 1);
	tl_svc_slo_release(&slo);
	tl_buf_release(&err);
}

TL_TEST_MAIN()
