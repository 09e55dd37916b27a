/*
 * test_svctune.c - thresholds proposed from fixed PromQL answers: the
 * latency rounded up to a bucket bound at the budget's margin, an error
 * rate doubled, bounds kept; the file rewritten with its quotes and the
 * unified diff of the change.
 */
#include "analyze/svctune.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_test.h"

static const char text[] = "service: api\n"
			   "slo:\n"
			   "  latency:\n"
			   "    p99: \"150ms\"   # the article's\n"
			   "    budget: 99.9%\n"
			   "  error_rate: 0.02%\n"
			   "  constraints:\n"
			   "    - {type: flow-control, target: http-requests, "
			   "limit: 1200rps}\n";

struct fake {
	double failed;
	char last[512];
};

static int query(void *ctx, const char *q, double *v, struct tl_buf *err)
{
	struct fake *f = ctx;

	(void)err;
	snprintf(f->last, sizeof(f->last), "%s", q);
	if (strstr(q, "histogram_quantile(0.9995,"))
		*v = 0.0213;
	else if (strstr(q, "\n/\n"))
		*v = f->failed;
	else
		return -ENODATA;
	return 0;
}

static int labels(void *ctx, const char *q, const char *label,
		  struct tl_strv *out, struct tl_buf *err)
{
	static const char *const les[] = {"0.005", "0.01", "0.025", "0.05",
					  "+Inf"};
	size_t i;

	(void)ctx;
	(void)err;
	if (strcmp(label, "le") || !strstr(q, "count by (le)"))
		return -EINVAL;
	for (i = 0; i < TL_ARRAY_SIZE(les); i++)
		tl_strv_push(out, les[i]);
	return 0;
}

TL_TEST(proposes_and_rewrites)
{
	struct fake f = {.failed = 0.00004};
	struct tl_buf err = TL_BUF_INIT, out = TL_BUF_INIT;
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_svc_proposal *p;
	struct tl_svc_slo slo;
	char *dt = NULL;
	size_t n, dl;
	FILE *mf;

	TL_CHECK_INT(tl_svc_slo_load(&slo, "s.yaml", text, strlen(text), &d),
		     0);
	TL_CHECK_INT(tl_svc_tune(&slo, 3600, query, labels, &f, &p, &n, &err),
		     0);
	TL_CHECK_INT(n, 3);
	/* Half the 0.1% budget: the 99.95th percentile, 21.3 ms -> 25 ms. */
	TL_CHECK_NEAR(p[0].achieved, 0.0213, 1e-12);
	TL_CHECK_NEAR(p[0].proposed, 0.025, 1e-12);
	TL_CHECK_STR(p[0].text, "25ms");
	TL_CHECK(p[0].changed);
	/* 0.004% failed: twice that, 0.008%. */
	TL_CHECK_NEAR(p[1].proposed, 0.00008, 1e-12);
	TL_CHECK_STR(p[1].text, "0.008%");
	TL_CHECK(!p[2].changed);
	TL_CHECK(strstr(p[2].why, "a bound"));
	TL_CHECK_INT(tl_svc_tune_rewrite(text, p, n, &out, &err), 0);
	TL_CHECK(strstr(tl_buf_str(&out),
			"    p99: \"25ms\"   # the article's\n"));
	TL_CHECK(strstr(tl_buf_str(&out), "  error_rate: 0.008%\n"));
	TL_CHECK(strstr(tl_buf_str(&out), "limit: 1200rps}"));
	mf = open_memstream(&dt, &dl);
	tl_svc_tune_diff("s.yaml", text, tl_buf_str(&out), mf);
	fclose(mf);
	TL_CHECK_STR(dt, "--- a/s.yaml\n+++ b/s.yaml\n"
			 "@@ -4 +4 @@\n"
			 "-    p99: \"150ms\"   # the article's\n"
			 "+    p99: \"25ms\"   # the article's\n"
			 "@@ -6 +6 @@\n"
			 "-  error_rate: 0.02%\n"
			 "+  error_rate: 0.008%\n");
	free(dt);
	tl_svc_proposals_free(p, n);
	tl_svc_slo_release(&slo);
	tl_diag_release(&d);
	tl_buf_release(&err);
	tl_buf_release(&out);
}

TL_TEST(nothing_failed_keeps_the_error_rate)
{
	struct fake f = {.failed = 0};
	struct tl_buf err = TL_BUF_INIT;
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_svc_proposal *p;
	struct tl_svc_slo slo;
	size_t n;

	TL_CHECK_INT(tl_svc_slo_load(&slo, "s.yaml", text, strlen(text), &d),
		     0);
	TL_CHECK_INT(tl_svc_tune(&slo, 3600, query, labels, &f, &p, &n, &err),
		     0);
	TL_CHECK(!p[1].changed);
	TL_CHECK(strstr(p[1].why, "no failed request"));
	tl_svc_proposals_free(p, n);
	tl_svc_slo_release(&slo);
	tl_diag_release(&d);
	tl_buf_release(&err);
}

TL_TEST_MAIN()
