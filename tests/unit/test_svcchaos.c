/*
 * test_svcchaos.c - the chaos experiment's verdict on a scripted service
 * and a fake clock: a fault that hurts and heals (recovery time, budget
 * burned), one the service shrugs off (recovered in 0 s), and one it
 * never recovers from.
 */
#include "analyze/svcchaos.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_test.h"

struct world {
	double t;	    /* fake clock, seconds */
	int fault_on;	    /* what the experiment asked */
	double fault_on_t;  /* when it started */
	double fault_off_t; /* when it ended */
	double heal_s;	    /* bad this long after the fault ends */
	double bad_share;   /* while hurt */
	int starts, stops;
};

/* The share of [t - win, t] the service was hurt. */
static double hurt_share(const struct world *w, double win)
{
	double a = w->fault_on_t, b, lo = w->t - win;

	if (a <= 0)
		return 0;
	b = w->fault_on ? w->t : w->fault_off_t + w->heal_s;
	a = fmax(a, lo);
	b = fmin(b, w->t);
	return b > a ? (b - a) / win : 0;
}

/* Answers as Prometheus would: averaged over the query's range. */
static int query(void *ctx, const char *q, double *v, struct tl_buf *err)
{
	struct world *w = ctx;
	const char *r = strchr(q, '[');
	char range[32] = "1s";
	double win = 1, share;
	size_t n;

	(void)err;
	if (r && (n = strcspn(r + 1, "]")) < sizeof(range)) {
		memcpy(range, r + 1, n);
		range[n] = 0;
		tl_svc_parse_duration(range, &win);
	}
	share = hurt_share(w, win);
	if (strstr(q, "histogram_quantile"))
		*v = share > 0.01 && w->bad_share > 0 ? 0.3 : 0.01;
	else if (strstr(q, "\n/\n"))
		*v = share * w->bad_share;
	else
		*v = 1;
	return 0;
}

static int fault(void *ctx, int on, struct tl_buf *err)
{
	struct world *w = ctx;

	(void)err;
	if (on && !w->fault_on) {
		w->starts++;
		w->fault_on_t = w->t;
	}
	if (!on && w->fault_on) {
		w->stops++;
		w->fault_off_t = w->t;
	}
	w->fault_on = on;
	return 0;
}

static void fake_sleep(void *ctx, double s)
{
	((struct world *)ctx)->t += s;
}

static double fake_now(void *ctx)
{
	return ((struct world *)ctx)->t;
}

static void load(struct tl_svc_slo *slo)
{
	static const char text[] =
		"service: api\nwindow: 30d\n"
		"slo: {latency: {p99: 150ms, budget: 99%}}\n";
	struct tl_diag d = TL_DIAG_INIT;

	TL_CHECK_INT(tl_svc_slo_load(slo, "s.yaml", text, strlen(text), &d), 0);
	tl_diag_release(&d);
}

static int run(struct world *w, double recover_s,
	       struct tl_svcchaos_result *res)
{
	struct tl_svcchaos_opts o = {10, recover_s, 1, 5,	   3, query,
				     w,	 fault,	    w, fake_sleep, w, fake_now};
	struct tl_buf err = TL_BUF_INIT;
	struct tl_svc_slo slo;
	FILE *devnull = fopen("/dev/null", "w");
	int rc;

	load(&slo);
	rc = tl_svcchaos_run(&slo, &o, devnull, res, &err);
	fclose(devnull);
	tl_svc_slo_release(&slo);
	tl_buf_release(&err);
	return rc;
}

TL_TEST(hurt_then_healed)
{
	struct world w = {.t = 100, .heal_s = 4.5, .bad_share = 0.5};
	struct tl_svcchaos_result res;

	TL_CHECK_INT(run(&w, 30, &res), 0);
	TL_CHECK_INT(w.starts, 1);
	TL_CHECK_INT(w.stops, 1);
	TL_CHECK(res.baseline_ok);
	TL_CHECK(!res.stayed_within);
	TL_CHECK(res.recovered);
	/*
	 * Hurt until 4.5 s after the end, and a 5 s watch window holds some
	 * of it for 5 s more: the first clean window is 10 s after.
	 */
	TL_CHECK_NEAR(res.recover_s, 10, 1e-9);
	TL_CHECK_INT(res.failed_samples, 10 + 9);
	/* Hurt 14.5 s of the experiment at 0.5 / 0.01 = 50x. */
	TL_CHECK_NEAR(res.obj[0].burn, 50 * 14.5 / res.experiment_s, 1e-9);
	TL_CHECK_NEAR(res.obj[0].budget_burned,
		      res.obj[0].burn * res.experiment_s / (30 * 86400.0),
		      1e-12);
	tl_svcchaos_release(&res);
}

TL_TEST(shrugged_off)
{
	struct world w = {.t = 100, .heal_s = 0, .bad_share = 0};
	struct tl_svcchaos_result res;

	TL_CHECK_INT(run(&w, 30, &res), 0);
	TL_CHECK(res.stayed_within);
	TL_CHECK(res.recovered);
	TL_CHECK_NEAR(res.recover_s, 0, 1e-12);
	TL_CHECK_INT(res.failed_samples, 0);
	tl_svcchaos_release(&res);
}

TL_TEST(never_recovers)
{
	struct world w = {.t = 100, .heal_s = 1e9, .bad_share = 0.2};
	struct tl_svcchaos_result res;

	TL_CHECK_INT(run(&w, 8, &res), 0);
	TL_CHECK(!res.recovered);
	TL_CHECK(isnan(res.recover_s));
	TL_CHECK_INT(w.stops, 1);
	tl_svcchaos_release(&res);
}

TL_TEST_MAIN()
