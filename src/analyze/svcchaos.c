/*
 * svcchaos.c - a chaos experiment on a service and its verdict
 * (svcchaos.h).
 *
 * Sample output:
 *      t  phase   result  latency           error_rate  cpu     request_rate
 *    0.0  before  PASS    p99 9.9 ms        0           0.017   40
 *    1.0  fault   PASS    p99 11 ms         0           0.021   40
 *   ...
 *   stayed within the objectives: no (3 of 20 samples failed)
 *   recovered 4.0 s after the fault ended (3 passing samples in a row)
 *   error budget burned: latency 0.0012% of the 30d budget (burn 3.1x
 *   over 25 s)
 */
#include "analyze/svcchaos.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

static double mono_s(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void real_sleep(void *ctx, double s)
{
	struct timespec ts;

	(void)ctx;
	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

struct run {
	const struct tl_svc_slo *slo;
	const struct tl_svcchaos_opts *o;
	FILE *log;
	struct tl_svcchaos_result *res;
	struct tl_buf *err;
	double t0;
};

static double now(const struct run *r)
{
	return r->o->now ? r->o->now(r->o->sleep_ctx) : mono_s(NULL);
}

static void nap(const struct run *r, double s)
{
	if (r->o->sleep)
		r->o->sleep(r->o->sleep_ctx, s);
	else
		real_sleep(NULL, s);
}

static void header(const struct run *r)
{
	size_t i;

	fprintf(r->log, "%7s  %-6s  %-6s", "t", "phase", "result");
	for (i = 0; i < r->slo->nobj; i++)
		fprintf(r->log, "  %-14.14s", r->slo->obj[i].name);
	fputc('\n', r->log);
}

/*
 * One sample over the watch window: 1 passed, 0 failed, -errno on a
 * hard error. Counts failures per objective when counting is set.
 */
static int sample(struct run *r, const char *phase, int counting)
{
	struct tl_svc_report rep;
	size_t i;
	int rc;

	rc = tl_svc_check(r->slo, r->o->watch_s, r->o->query, r->o->query_ctx,
			  &rep, r->err);
	if (rc)
		return rc;
	fprintf(r->log, "%7.1f  %-6s  %-6s", now(r) - r->t0, phase,
		tl_svc_report_violated(&rep) ? "FAIL" : "PASS");
	for (i = 0; i < rep.n; i++) {
		const struct tl_svc_result *x = &rep.r[i];
		char v[32];

		if (x->outcome == TL_SLO_NODATA)
			snprintf(v, sizeof(v), "NODATA");
		else if (x->obj->kind == TL_SVC_LATENCY)
			snprintf(v, sizeof(v), "p%g %.3g ms%s",
				 100 * x->obj->quantile, 1e3 * x->value,
				 x->outcome == TL_SLO_FAIL ? "!" : "");
		else
			snprintf(v, sizeof(v), "%.4g%s", x->value,
				 x->outcome == TL_SLO_FAIL ? "!" : "");
		fprintf(r->log, "  %-14s", v);
		if (counting && x->outcome != TL_SLO_PASS)
			r->res->obj[i].failed_samples++;
	}
	fputc('\n', r->log);
	fflush(r->log);
	rc = !tl_svc_report_violated(&rep);
	if (counting) {
		r->res->samples++;
		if (!rc)
			r->res->failed_samples++;
	}
	tl_svc_report_release(&rep);
	return rc;
}

/* Burn and budget spent over the whole experiment, per objective. */
static int budget(struct run *r, double span_s)
{
	struct tl_svc_report rep;
	size_t i;
	int rc;

	rc = tl_svc_check(r->slo, span_s, r->o->query, r->o->query_ctx, &rep,
			  r->err);
	if (rc)
		return rc;
	for (i = 0; i < rep.n; i++) {
		struct tl_svcchaos_obj *b = &r->res->obj[i];

		b->burn = rep.r[i].burn_long;
		b->budget_burned = b->burn * span_s / r->slo->window_s;
	}
	tl_svc_report_release(&rep);
	return 0;
}

static int watch(struct run *r)
{
	const struct tl_svcchaos_opts *o = r->o;
	double t_end, first_pass = NAN;
	int rc, streak = 0;

	t_end = now(r) + o->fault_s;
	while (now(r) < t_end) {
		nap(r, o->interval_s);
		rc = sample(r, "fault", 1);
		if (rc < 0)
			return rc;
		streak = rc ? streak + 1 : 0;
	}
	rc = o->fault(o->fault_ctx, 0, r->err);
	if (rc)
		return rc;
	t_end = now(r);
	/* Passing when the fault ended: nothing to recover from (0 s). */
	if (streak)
		first_pass = 0;
	while (now(r) < t_end + o->recover_s) {
		nap(r, o->interval_s);
		rc = sample(r, "after", 1);
		if (rc < 0)
			return rc;
		if (!rc) {
			streak = 0;
			continue;
		}
		if (!streak++)
			first_pass = now(r) - t_end;
		if (streak >= o->streak) {
			r->res->recovered = 1;
			r->res->recover_s = first_pass;
			break;
		}
	}
	return 0;
}

int tl_svcchaos_run(const struct tl_svc_slo *slo,
		    const struct tl_svcchaos_opts *o, FILE *log,
		    struct tl_svcchaos_result *res, struct tl_buf *err)
{
	struct run r = {slo, o, log, res, err, 0};
	double start;
	size_t i;
	int rc;

	memset(res, 0, sizeof(*res));
	res->recover_s = NAN;
	res->nobj = slo->nobj;
	res->obj = xcalloc(slo->nobj + 1, sizeof(*res->obj));
	for (i = 0; i < slo->nobj; i++)
		res->obj[i].burn = res->obj[i].budget_burned = NAN;
	r.t0 = now(&r);
	header(&r);
	rc = sample(&r, "before", 0);
	if (rc < 0)
		return rc;
	res->baseline_ok = rc;
	start = now(&r);
	rc = o->fault(o->fault_ctx, 1, err);
	if (rc)
		return rc;
	rc = watch(&r);
	if (rc) {
		struct tl_buf ignored = TL_BUF_INIT;

		/* The fault goes off whatever failed. */
		o->fault(o->fault_ctx, 0, &ignored);
		tl_buf_release(&ignored);
		return rc;
	}
	res->experiment_s = now(&r) - start;
	res->stayed_within = !res->failed_samples;
	return budget(&r, res->experiment_s);
}

void tl_svcchaos_release(struct tl_svcchaos_result *res)
{
	free(res->obj);
	memset(res, 0, sizeof(*res));
}

void tl_svcchaos_print(const struct tl_svc_slo *slo,
		       const struct tl_svcchaos_result *res, FILE *f)
{
	char period[32];
	size_t i;

	tl_svc_fmt_duration(slo->window_s, period, sizeof(period));
	fprintf(f, "baseline before the fault: %s\n",
		res->baseline_ok ? "within the objectives" : "ALREADY FAILING");
	fprintf(f,
		"stayed within the objectives: %s (%zu of %zu samples "
		"failed)\n",
		res->stayed_within ? "yes" : "no", res->failed_samples,
		res->samples);
	if (res->recovered && !res->failed_samples)
		fprintf(f, "recovered: nothing to recover from (no sample "
			   "failed)\n");
	else if (res->recovered)
		fprintf(f, "recovered %.1f s after the fault ended\n",
			res->recover_s);
	else
		fprintf(f, "NOT RECOVERED within the watch after the fault\n");
	for (i = 0; i < res->nobj; i++) {
		const struct tl_svcchaos_obj *b = &res->obj[i];

		if (slo->obj[i].kind == TL_SVC_BOUND || isnan(b->burn))
			continue;
		fprintf(f,
			"error budget burned: %s %.4g%% of the %s budget (burn "
			"rate %.3gx over %.0f s)\n",
			slo->obj[i].name, 100 * b->budget_burned, period,
			b->burn, res->experiment_s);
	}
}
