/*
 * evidence.c - the evidence behind a verdict, read from a saved run.
 *
 * The sides are found exactly as the verdict finds them
 * (tl_verdict_side), so the samples shown are the samples judged. The
 * claimed band is placed on the samples' axis: for a diff A - B the band
 * of A is B's median plus the claimed region, for a ratio A / B it is
 * B's median times it, so one axis shows both sides and where A would
 * have to lie for the claim to hold.
 */
#include "analyze/evidence.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

/* The buffer's contents as an owned string; b is released. */
static char *take(struct tl_buf *b)
{
	char *s = xstrdup(tl_buf_str(b));

	tl_buf_release(b);
	return s;
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* "size=4096 batch=2" from a case's params. */
static char *case_label(json_t *cs)
{
	struct tl_buf b = TL_BUF_INIT;
	const char *k;
	json_t *v;

	json_object_foreach(json_object_get(cs, "params"), k, v)
	{
		if (json_is_string(v))
			tl_buf_printf(&b, "%s%s=%s", b.len ? " " : "", k,
				      json_string_value(v));
		else if (json_is_number(v))
			tl_buf_printf(&b, "%s%s=%g", b.len ? " " : "", k,
				      json_number_value(v));
	}
	return take(&b);
}

static char *build_line(json_t *var)
{
	json_t *b = json_object_get(var, "build");
	struct tl_buf t = TL_BUF_INIT;
	json_t *bytes = json_object_get(b, "binary_bytes");

	if (!b)
		return NULL;
	if (jstr(b, "target"))
		tl_buf_printf(&t, "target %s", jstr(b, "target"));
	if (json_is_integer(bytes))
		tl_buf_printf(&t, "%sbinary %lld bytes", t.len ? ", " : "",
			      (long long)json_integer_value(bytes));
	if (json_is_true(json_object_get(b, "cached")))
		tl_buf_puts(&t, " (cached build)");
	if (!t.len) {
		tl_buf_release(&t);
		return NULL;
	}
	return take(&t);
}

static void fact_of(struct tl_evidence_side *s, json_t *var, const char *f)
{
	json_t *v = json_object_get(json_object_get(var, "facts"), f);
	char num[64];

	if (json_is_string(v)) {
		s->fact = xstrdup(json_string_value(v));
	} else if (json_is_boolean(v)) {
		s->fact = xstrdup(json_is_true(v) ? "true" : "false");
	} else if (json_is_number(v)) {
		snprintf(num, sizeof(num), "%g", json_number_value(v));
		s->fact = xstrdup(num);
	} else {
		s->why = xasprintf("%s reported no fact %s", s->variant, f);
	}
}

static void metric_of(struct tl_evidence_side *s, json_t *var, const char *m)
{
	json_t *mj = json_object_get(json_object_get(var, "metrics"), m);
	json_t *samples = json_object_get(mj, "samples"), *it;
	size_t i;

	if (!mj) {
		const char *absent = json_string_value(
			json_object_get(json_object_get(var, "absent"), m));

		s->why = absent ? xasprintf("%s absent: %s", m, absent)
				: xasprintf("%s did not report %s", s->variant,
					    m);
		return;
	}
	s->median = json_is_number(json_object_get(mj, "median"))
			    ? json_number_value(json_object_get(mj, "median"))
			    : NAN;
	s->source = jstr(mj, "source") ? xstrdup(jstr(mj, "source")) : NULL;
	s->exact = json_is_true(json_object_get(mj, "exact"));
	s->x = xcalloc(json_array_size(samples) + 1, sizeof(double));
	json_array_foreach(samples, i, it)
	{
		if (json_is_number(it) && isfinite(json_number_value(it)))
			s->x[s->n++] = json_number_value(it);
	}
}

static void gather_side(const struct tl_claim *c, const struct tl_side *sd,
			json_t *const *runs, size_t nruns,
			struct tl_evidence_side *s)
{
	json_t *cs = NULL, *var, *ops;
	char *why = NULL;

	s->variant = xstrdup(sd->variant ? sd->variant : "?");
	s->median = NAN;
	var = tl_verdict_side(runs, nruns, c->m.experiment, sd, &cs, &why);
	if (!var) {
		s->why = why;
		return;
	}
	s->params = case_label(cs);
	s->status = xstrdup(jstr(var, "status") ? jstr(var, "status") : "ok");
	s->build = build_line(var);
	ops = json_object_get(var, "ops_per_sample");
	if (!ops)
		ops = json_object_get(cs, "ops_per_sample");
	s->ops = json_is_integer(ops) ? (long long)json_integer_value(ops) : 0;
	if (strcmp(s->status, "ok") && strcmp(s->status, "partial")) {
		s->why = xasprintf("%s %s%s%s", s->variant, s->status,
				   jstr(var, "reason") ? ": " : "",
				   jstr(var, "reason") ? jstr(var, "reason")
						       : "");
		return;
	}
	if (c->m.fact)
		fact_of(s, var, c->m.fact);
	else if (c->m.metric)
		metric_of(s, var, c->m.metric);
}

void tl_evidence_toolchains(struct tl_buf *b, json_t *env)
{
	size_t at = b->len;
	const char *k, *s;
	json_t *v;

	json_object_foreach(json_object_get(env, "toolchains"), k, v)
	{
		size_t kn = strlen(k);

		s = json_is_string(v) ? json_string_value(v) : "absent";
		/* Runs before the compiler's family was named say "cc 12". */
		if (!strncmp(s, k, kn) && s[kn] == ' ')
			s += kn + 1;
		tl_buf_printf(b, "%s%s %s", b->len > at ? ", " : "", k, s);
	}
	if (jstr(env, "valgrind"))
		tl_buf_printf(b, "%svalgrind %s", b->len > at ? ", " : "",
			      jstr(env, "valgrind"));
}

static char *toolchains_line(json_t *env)
{
	struct tl_buf b = TL_BUF_INIT;

	tl_evidence_toolchains(&b, env);
	return take(&b);
}

static char *machine_line(json_t *env)
{
	struct tl_buf b = TL_BUF_INIT;
	json_t *cpus = json_object_get(env, "cpus");
	json_t *numa = json_object_get(env, "numa_nodes");

	tl_buf_puts(&b, jstr(env, "cpu_model") ? jstr(env, "cpu_model")
					       : "unknown CPU");
	if (json_is_integer(cpus))
		tl_buf_printf(&b, ", %lld CPUs",
			      (long long)json_integer_value(cpus));
	if (jstr(env, "kernel"))
		tl_buf_printf(&b, ", kernel %s", jstr(env, "kernel"));
	if (json_is_true(json_object_get(env, "virtualised")))
		tl_buf_printf(&b, ", virtualised (%s)",
			      jstr(env, "hypervisor") ? jstr(env, "hypervisor")
						      : "?");
	tl_buf_puts(&b, json_is_true(json_object_get(env, "pmu")) ? ", PMU"
								  : ", no PMU");
	if (json_is_integer(numa))
		tl_buf_printf(&b, ", %lld NUMA node(s)",
			      (long long)json_integer_value(numa));
	if (jstr(env, "governor"))
		tl_buf_printf(&b, ", governor %s", jstr(env, "governor"));
	else
		tl_buf_puts(&b, ", CPU frequency governor unknown");
	return take(&b);
}

static char *conditions_line(json_t *run)
{
	json_t *o = json_object_get(run, "options");
	struct tl_buf b = TL_BUF_INIT;
	json_t *pin = json_object_get(o, "pin");
	json_t *noise = json_object_get(run, "noise");

	tl_buf_printf(&b, "%s pass",
		      json_is_true(json_object_get(o, "quick")) ? "quick"
								: "default");
	if (jstr(o, "counters"))
		tl_buf_printf(&b, ", counters %s", jstr(o, "counters"));
	if (jstr(o, "target"))
		tl_buf_printf(&b, ", target %s", jstr(o, "target"));
	if (json_is_integer(pin) && json_integer_value(pin) >= 0)
		tl_buf_printf(&b, ", pinned to CPU %lld",
			      (long long)json_integer_value(pin));
	else
		tl_buf_puts(&b, ", not pinned");
	if (jstr(o, "interfere"))
		tl_buf_printf(&b, ", under interference %s",
			      jstr(o, "interfere"));
	if (json_is_number(json_object_get(noise, "aa_mde_pct")))
		tl_buf_printf(&b, ", A/A noise floor %.3g%%",
			      json_number_value(
				      json_object_get(noise, "aa_mde_pct")));
	return take(&b);
}

void tl_evidence_gather(const struct tl_claim *c, json_t *const *runs,
			size_t nruns, struct tl_evidence *ev)
{
	json_t *env = nruns ? json_object_get(runs[0], "env") : NULL;
	size_t k;

	memset(ev, 0, sizeof(*ev));
	ev->nsides =
		c->m.kind == TL_MEASURE_RATIO || c->m.kind == TL_MEASURE_DIFF
			? 2
			: 1;
	for (k = 0; k < ev->nsides; k++)
		gather_side(c, &c->m.side[k], runs, nruns, &ev->side[k]);
	ev->toolchains = toolchains_line(env);
	ev->machine = machine_line(env);
	ev->conditions = nruns ? conditions_line(runs[0]) : NULL;
	if (c->m.fact || c->p.text)
		return;
	ev->band_lo = c->p.lo;
	ev->band_hi = c->p.hi;
	ev->has_band = 1;
	if (ev->nsides == 2) {
		double b = ev->side[1].median;

		if (!isfinite(b)) {
			ev->has_band = 0;
		} else if (c->m.kind == TL_MEASURE_DIFF) {
			ev->band_lo += b;
			ev->band_hi += b;
		} else {
			ev->band_lo *= b;
			ev->band_hi *= b;
			if (b < 0) {
				double t = ev->band_lo;

				ev->band_lo = ev->band_hi;
				ev->band_hi = t;
			}
		}
	}
}

void tl_evidence_release(struct tl_evidence *ev)
{
	size_t k;

	for (k = 0; k < 2; k++) {
		struct tl_evidence_side *s = &ev->side[k];

		free(s->variant);
		free(s->params);
		free(s->status);
		free(s->why);
		free(s->x);
		free(s->source);
		free(s->fact);
		free(s->build);
	}
	free(ev->toolchains);
	free(ev->machine);
	free(ev->conditions);
	memset(ev, 0, sizeof(*ev));
}

double tl_evidence_samples_to_decide(const struct tl_claim *c,
				     const struct tl_verdict *v)
{
	double half, d = INFINITY;
	size_t n;

	if (v->kind != TL_VERDICT_INCONCLUSIVE)
		return 0;
	if (!v->has_ci || !(v->ci.hi > v->ci.lo))
		return -1;
	/* The nearest bound, and the CI's reach towards it. */
	half = 0;
	if (isfinite(c->p.lo) && fabs(v->ci.point - c->p.lo) < d) {
		d = fabs(v->ci.point - c->p.lo);
		half = c->p.lo < v->ci.point ? v->ci.point - v->ci.lo
					     : v->ci.hi - v->ci.point;
	}
	if (isfinite(c->p.hi) && fabs(v->ci.point - c->p.hi) < d) {
		d = fabs(v->ci.point - c->p.hi);
		half = c->p.hi < v->ci.point ? v->ci.point - v->ci.lo
					     : v->ci.hi - v->ci.point;
	}
	if (!isfinite(d))
		return -1;
	if (!(d > half * 0.02))
		return INFINITY;
	n = v->n[0];
	if (v->n[1] && v->n[1] < n)
		n = v->n[1];
	if (!n)
		return -1;
	/* The CI must shrink to the distance: n' = n (half / d)^2. */
	return ceil((double)n * (half / d) * (half / d));
}

const char *tl_evidence_testable_on(const char *reason)
{
	static const struct {
		const char *pat, *hint;
	} hints[] = {
		{"no PMU", "a machine whose hardware performance counters "
			   "reach perf_event_open: bare metal, or a VM with a "
			   "virtual PMU (KVM -cpu host,pmu=on), with "
			   "perf_event_paranoid <= 2"},
		{"NUMA", "a machine with two or more NUMA nodes (numactl "
			 "--hardware); two-socket servers and large cloud "
			 "instances have them"},
		{"feature absent", "a Zig that still has language-level async "
				   "(0.10.1 or older: `traplab list "
				   "--toolchains`)"},
		{"toolchain missing", "the missing toolchain installed "
				      "(scripts/deps.sh installs cc, c++, Go "
				      "and the pinned Zig)"},
		{"simulated runs differ", "a machine with a PMU (Go's runtime "
					  "is not deterministic under "
					  "valgrind; hardware counts need "
					  "no repeat)"},
		{"differenced count is negative",
		 "a machine with a PMU, or a longer run: the simulated "
		 "difference is below the simulation's noise"},
		{"does not build",
		 "none with this compiler: the program does not build, so it "
		 "has no build time (the time to the compiler's answer is "
		 "another claim's quantity)"},
		{"is not in this run", "a run that holds the case: `traplab "
				       "claims` runs every case its claims "
				       "name"},
		{"too few", "a longer run (more rounds or samples)"},
	};
	size_t i;

	if (!reason)
		return NULL;
	for (i = 0; i < TL_ARRAY_SIZE(hints); i++)
		if (strstr(reason, hints[i].pat))
			return hints[i].hint;
	return NULL;
}
