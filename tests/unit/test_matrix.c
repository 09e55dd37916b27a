/*
 * test_matrix.c - runs grouped by machine fingerprint: runs of one
 * fingerprint pooled sample by sample, different fingerprints never mixed,
 * pooling conflicts recorded, and the matrix read back from a history.
 */
#include "analyze/matrix.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/history.h"
#include "measure/results.h"
#include "report/expo.h"
#include "base/stats.h"
#include "tl_test.h"

static json_t *load(const char *name)
{
	struct tl_buf err = TL_BUF_INIT;
	char path[4096];
	const char *root = getenv("TL_ROOT");
	json_t *run = NULL;

	snprintf(path, sizeof(path), "%s/tests/data/%s", root ? root : ".",
		 name);
	if (tl_results_load(path, &run, &err))
		fprintf(stderr, "%s\n", tl_buf_str(&err));
	tl_buf_release(&err);
	return run;
}

/* The variant object of experiment/variant in the first case. */
static json_t *variant(json_t *run, const char *exp, const char *var)
{
	json_t *e, *v;
	size_t i, j;

	json_array_foreach(json_object_get(run, "experiments"), i, e)
	{
		if (strcmp(json_string_value(json_object_get(e, "name")), exp))
			continue;
		json_array_foreach(
			json_object_get(
				json_array_get(json_object_get(e, "cases"), 0),
				"variants"),
			j, v)
		{
			if (!strcmp(json_string_value(
					    json_object_get(v, "name")),
				    var))
				return v;
		}
	}
	return NULL;
}

static json_t *metric(json_t *run, const char *exp, const char *var,
		      const char *name)
{
	return json_object_get(
		json_object_get(variant(run, exp, var), "metrics"), name);
}

/* A second machine: run-1.json with another env block. */
static json_t *other_machine(void)
{
	json_t *run = load("run-1.json"), *env;

	if (!run)
		return NULL;
	env = json_object_get(run, "env");
	json_object_set_new(env, "fingerprint",
			    json_string("51d0e8a2c7f3b914"));
	json_object_set_new(env, "cpu_model",
			    json_string("Intel Xeon Gold 6338"));
	json_object_set_new(env, "cpus", json_integer(64));
	json_object_set_new(env, "numa_nodes", json_integer(2));
	json_object_set_new(env, "pmu", json_true());
	json_object_set_new(env, "virtualised", json_false());
	json_object_set_new(env, "hypervisor", json_null());
	json_object_set_new(env, "hostname", json_string("metal-1"));
	return run;
}

static double median_of_two(json_t *a, json_t *b)
{
	double *x, *y, med = NAN;
	size_t nx, ny;

	if (tl_results_samples(a, &x, &nx) || tl_results_samples(b, &y, &ny))
		return NAN;
	x = xrealloc(x, (nx + ny) * sizeof(*x));
	memcpy(x + nx, y, ny * sizeof(*y));
	tl_stats_median(x, nx + ny, &med);
	free(x);
	free(y);
	return med;
}

TL_TEST(one_fingerprint_pools_samples)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_matrix mx = TL_MATRIX_INIT;
	const struct tl_matrix_machine *m;
	json_t *r1 = load("run-1.json"), *r2 = load("run-2.json"), *pm, *m1,
	       *m2;
	struct tl_ci ci;
	double *x, lo, hi, med;
	size_t n;

	TL_CHECK(r1 && r2);
	m1 = metric(r1, "alloc", "c.arena", "ns_per_op");
	m2 = metric(r2, "alloc", "c.arena", "ns_per_op");
	TL_CHECK(m1 && m2);
	med = median_of_two(m1, m2);
	TL_CHECK_INT(tl_matrix_add(&mx, r1, "run-1.json", &err), 0);
	TL_CHECK_INT(tl_matrix_add(&mx, r2, "run-2.json", &err), 0);
	TL_CHECK_INT(mx.n, 1);
	m = tl_matrix_machine(&mx, 0);
	TL_CHECK_STR(m->fingerprint, "9c1e5d0b7a3f4e21");
	TL_CHECK_INT(m->nruns, 2);
	pm = metric(m->run, "alloc", "c.arena", "ns_per_op");
	TL_CHECK_INT(json_integer_value(json_object_get(pm, "n")), 50);
	TL_CHECK_INT(json_integer_value(json_object_get(pm, "runs")), 2);
	TL_CHECK_STR(json_string_value(json_object_get(pm, "unit")), "ns");
	/* The median of the pooled samples, not a mean of two medians. */
	TL_CHECK_INT(tl_results_stat(pm, "median", &lo), 0);
	TL_CHECK_NEAR(lo, med, 0);
	/* The CI as the runner computes it, with the fixed seed. */
	TL_CHECK_INT(tl_results_samples(pm, &x, &n), 0);
	TL_CHECK_INT(n, 50);
	TL_CHECK_INT(tl_stats_boot_median(x, n, NULL, &ci), 0);
	free(x);
	TL_CHECK_INT(tl_results_stat(pm, "ci95_lower", &lo), 0);
	TL_CHECK_INT(tl_results_stat(pm, "ci95_upper", &hi), 0);
	TL_CHECK_NEAR(lo, ci.lo, 0);
	TL_CHECK_NEAR(hi, ci.hi, 0);
	TL_CHECK(lo < hi);
	/* p90 appears with n >= 10; n = 50 has no p99. */
	TL_CHECK_INT(tl_results_stat(pm, "p90", &lo), 0);
	TL_CHECK_INT(tl_results_stat(pm, "p99", &lo), -ENOENT);
	/* Case rounds add up; the pool lists both runs. */
	TL_CHECK_INT(
		json_integer_value(json_object_get(
			json_array_get(
				json_object_get(
					json_array_get(
						json_object_get(m->run,
								"experiments"),
						0),
					"cases"),
				0),
			"rounds")),
		10);
	TL_CHECK_INT(json_array_size(json_object_get(
			     json_object_get(m->run, "pool"), "runs")),
		     2);
	TL_CHECK_INT(json_array_size(json_object_get(
			     json_object_get(m->run, "pool"), "conflicts")),
		     0);
	/* Adding does not touch the caller's runs. */
	TL_CHECK_INT(json_integer_value(json_object_get(m1, "n")), 25);
	tl_matrix_release(&mx);
	json_decref(r1);
	json_decref(r2);
	tl_buf_release(&err);
}

TL_TEST(different_fingerprints_are_never_mixed)
{
	struct tl_buf err = TL_BUF_INIT, out = TL_BUF_INIT;
	struct tl_matrix mx = TL_MATRIX_INIT;
	const struct tl_matrix_machine *a, *b;
	json_t *r1 = load("run-1.json"), *r2 = load("run-2.json");
	json_t *o = other_machine(), *orig;

	TL_CHECK(r1 && r2 && o);
	orig = json_deep_copy(json_object_get(o, "experiments"));
	TL_CHECK_INT(tl_matrix_add(&mx, r1, "a", &err), 0);
	TL_CHECK_INT(tl_matrix_add(&mx, o, "b", &err), 0);
	TL_CHECK_INT(tl_matrix_add(&mx, r2, "c", &err), 0);
	TL_CHECK_INT(mx.n, 2);
	a = tl_matrix_machine(&mx, 0);
	TL_CHECK_INT(a->nruns, 2);
	b = tl_matrix_find(&mx, "51d0e8a2c7f3b914");
	TL_CHECK(b);
	TL_CHECK_INT(b->nruns, 1);
	TL_CHECK_STR(b->label, "Intel Xeon Gold 6338, 64 CPUs, 2 NUMA nodes, "
			       "PMU, bare metal; go1.26.8, zig 0.17.1");
	TL_CHECK_STR(a->label, "Synthetic CPU \"test\", 2 CPUs, 1 NUMA node, "
			       "no PMU, VM (KVM); go1.26.8, zig 0.17.1");
	TL_CHECK_INT(b->pmu, 1);
	TL_CHECK_INT(b->virtualised, 0);
	TL_CHECK_INT(b->numa_nodes, 2);
	TL_CHECK(b->hypervisor == NULL);
	TL_CHECK_STR(a->hypervisor, "KVM");
	/* A machine of one run keeps its figures exactly. */
	TL_CHECK(json_equal(json_object_get(b->run, "experiments"), orig));
	TL_CHECK_INT(
		json_integer_value(json_object_get(
			metric(a->run, "alloc", "c.glibc", "ns_per_op"), "n")),
		50);
	TL_CHECK(tl_matrix_find(&mx, "nope") == NULL);
	tl_matrix_print(&mx, "ns_per_op", &out);
	TL_CHECK(strstr(tl_buf_str(&out), "M1  9c1e5d0b7a3f4e21  2 runs"));
	TL_CHECK(strstr(tl_buf_str(&out), "M2  51d0e8a2c7f3b914  1 run "));
	TL_CHECK(strstr(tl_buf_str(&out), "alloc size=64 c.arena ns_per_op"));
	TL_CHECK(!strstr(tl_buf_str(&out), "wall_ns"));
	tl_matrix_release(&mx);
	json_decref(orig);
	json_decref(r1);
	json_decref(r2);
	json_decref(o);
	tl_buf_release(&out);
	tl_buf_release(&err);
}

/* Toolchains are an axis like machines: never pooled across releases. */
TL_TEST(different_toolchains_are_never_pooled)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_matrix mx = TL_MATRIX_INIT;
	json_t *r1 = load("run-1.json"), *r2 = load("run-2.json"), *r3;
	json_t *tc = json_pack("{s:s,s:s}", "go", "go1.26.8", "zig", "0.17.1");

	TL_CHECK(r1 && r2);
	json_object_set(json_object_get(r1, "env"), "toolchains", tc);
	json_object_set(json_object_get(r2, "env"), "toolchains", tc);
	r3 = json_deep_copy(r2);
	json_object_set_new(
		json_object_get(json_object_get(r3, "env"), "toolchains"),
		"zig", json_string("0.13.0"));
	TL_CHECK_INT(tl_matrix_add(&mx, r1, "a", &err), 0);
	TL_CHECK_INT(tl_matrix_add(&mx, r3, "b", &err), 0);
	TL_CHECK_INT(tl_matrix_add(&mx, r2, "c", &err), 0);
	TL_CHECK_INT(mx.n, 2);
	TL_CHECK_INT(tl_matrix_machine(&mx, 0)->nruns, 2);
	TL_CHECK_INT(tl_matrix_machine(&mx, 1)->nruns, 1);
	TL_CHECK_STR(tl_matrix_machine(&mx, 0)->toolchains,
		     "go1.26.8, zig 0.17.1");
	TL_CHECK_STR(tl_matrix_machine(&mx, 1)->toolchains,
		     "go1.26.8, zig 0.13.0");
	TL_CHECK_STR(tl_matrix_machine(&mx, 0)->fingerprint,
		     tl_matrix_machine(&mx, 1)->fingerprint);
	TL_CHECK(strstr(tl_matrix_machine(&mx, 1)->label, "; go1.26.8, zig "
							  "0.13.0"));
	tl_matrix_release(&mx);
	json_decref(tc);
	json_decref(r1);
	json_decref(r2);
	json_decref(r3);
	tl_buf_release(&err);
}

TL_TEST(pooling_conflicts_are_recorded)
{
	struct tl_buf err = TL_BUF_INIT, out = TL_BUF_INIT;
	struct tl_matrix mx = TL_MATRIX_INIT;
	const struct tl_matrix_machine *m;
	json_t *r1 = load("run-1.json"), *r2 = load("run-2.json"), *v, *conf;

	TL_CHECK(r1 && r2);
	/* Run 2: go.new ran, c.hello reports another fact, glibc lost a CI. */
	v = variant(r2, "alloc", "go.new");
	json_object_set_new(v, "status", json_string("ok"));
	json_object_set(json_object_get(v, "metrics"), "ns_per_op",
			metric(r2, "alloc", "c.glibc", "ns_per_op"));
	json_object_set_new(
		json_object_get(variant(r2, "startup", "c.hello"), "facts"),
		"binary_bytes", json_string("16000"));
	json_object_set_new(
		json_object_get(variant(r2, "alloc", "c.glibc"), "metrics"),
		"cycles_per_op", json_pack("{s:f}", "median", 40.0));
	json_object_set_new(json_object_get(r2, "env"), "cpus",
			    json_integer(3));
	TL_CHECK_INT(tl_matrix_add(&mx, r1, "r1", &err), 0);
	TL_CHECK_INT(tl_matrix_add(&mx, r2, "r2", &err), 0);
	m = tl_matrix_machine(&mx, 0);
	v = variant(m->run, "alloc", "go.new");
	TL_CHECK_STR(json_string_value(json_object_get(v, "status")),
		     "partial");
	TL_CHECK(strstr(json_string_value(json_object_get(v, "reason")),
			"skipped, ok"));
	/* A metric only one run has is kept with its own samples. */
	TL_CHECK_INT(
		json_integer_value(json_object_get(
			metric(m->run, "alloc", "go.new", "ns_per_op"), "n")),
		25);
	/* Measured in one run: no longer absent. */
	v = variant(m->run, "alloc", "c.glibc");
	TL_CHECK(json_object_get(json_object_get(v, "metrics"),
				 "cycles_per_op"));
	TL_CHECK(!json_object_get(json_object_get(v, "absent"),
				  "cycles_per_op"));
	TL_CHECK_STR(
		json_string_value(json_object_get(
			json_object_get(variant(m->run, "startup", "c.hello"),
					"facts"),
			"binary_bytes")),
		"15960");
	conf = json_object_get(json_object_get(m->run, "pool"), "conflicts");
	TL_CHECK_INT(json_array_size(conf), 2);
	TL_CHECK(strstr(json_string_value(json_array_get(conf, 0)),
			"env.cpus differs"));
	TL_CHECK(strstr(json_string_value(json_array_get(conf, 1)),
			"fact binary_bytes: r2 says 16000"));
	tl_matrix_print(&mx, NULL, &out);
	TL_CHECK(strstr(tl_buf_str(&out), "2 pooling conflicts"));
	TL_CHECK(strstr(tl_buf_str(&out), "(partial)"));
	tl_matrix_release(&mx);
	json_decref(r1);
	json_decref(r2);
	tl_buf_release(&out);
	tl_buf_release(&err);
}

TL_TEST(bad_runs_are_refused)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_matrix mx = TL_MATRIX_INIT;
	json_t *r = load("run-1.json");

	TL_CHECK(r);
	json_array_append_new(
		json_object_get(metric(r, "alloc", "c.arena", "ns_per_op"),
				"samples"),
		json_string("fast"));
	TL_CHECK_INT(tl_matrix_add(&mx, r, "bad.json", &err), -EINVAL);
	TL_CHECK(strstr(tl_buf_str(&err), "c.arena ns_per_op"));
	TL_CHECK(strstr(tl_buf_str(&err), "bad.json"));
	json_object_del(json_object_get(r, "env"), "fingerprint");
	TL_CHECK_INT(tl_matrix_add(&mx, r, "nofp.json", &err), -EINVAL);
	TL_CHECK_INT(mx.n, 0);
	TL_CHECK_INT(tl_matrix_add_file(&mx, "/nonexistent.json", &err),
		     -ENOENT);
	tl_matrix_release(&mx);
	json_decref(r);
	tl_buf_release(&err);
}

TL_TEST(matrix_from_a_history)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_matrix mx = TL_MATRIX_INIT;
	struct tl_history *h;
	char dir[] = "/tmp/tl-matrix-XXXXXX", *db, *text;
	json_t *o = other_machine();
	size_t len;
	const char *root = getenv("TL_ROOT");
	const char *names[] = {"run-1.json", "run-2.json", "run-3.json"};
	char path[4096];
	size_t i;

	TL_CHECK(o && mkdtemp(dir));
	db = xasprintf("%s/h.sqlite", dir);
	TL_CHECK_INT(tl_history_open(db, 1, &h, &err), 0);
	for (i = 0; i < TL_ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/tests/data/%s",
			 root ? root : ".", names[i]);
		TL_CHECK_INT(tl_read_file(path, &text, &len), 0);
		TL_CHECK_INT(
			tl_history_add(h, text, len, NULL, NULL, NULL, &err),
			0);
		free(text);
	}
	text = json_dumps(o, JSON_COMPACT);
	TL_CHECK_INT(
		tl_history_add(h, text, strlen(text), NULL, NULL, NULL, &err),
		0);
	free(text);
	/* A run under interference answers another question: left out. */
	snprintf(path, sizeof(path), "%s/tests/data/run-slow.json",
		 root ? root : ".");
	TL_CHECK_INT(tl_read_file(path, &text, &len), 0);
	TL_CHECK_INT(tl_history_add(h, text, len, "cpu", NULL, NULL, &err), 0);
	free(text);
	TL_CHECK_INT(tl_matrix_add_history(&mx, h, NULL, 0, &err), 0);
	TL_CHECK_INT(mx.n, 2);
	TL_CHECK_STR(tl_matrix_machine(&mx, 0)->fingerprint,
		     "9c1e5d0b7a3f4e21");
	TL_CHECK_INT(tl_matrix_machine(&mx, 0)->nruns, 3);
	TL_CHECK_STR(
		json_string_value(json_object_get(
			json_array_get(
				json_object_get(
					json_object_get(
						tl_matrix_machine(&mx, 0)->run,
						"pool"),
					"runs"),
				0),
			"source")),
		"history run 1");
	TL_CHECK_INT(tl_matrix_machine(&mx, 1)->nruns, 1);
	tl_matrix_release(&mx);
	/* The newest 2 of each machine; one machine only. */
	TL_CHECK_INT(tl_matrix_add_history(&mx, h, NULL, 2, &err), 0);
	TL_CHECK_INT(tl_matrix_machine(&mx, 0)->nruns, 2);
	tl_matrix_release(&mx);
	TL_CHECK_INT(tl_matrix_add_history(&mx, h, "51d0e8a2c7f3b914", 0, &err),
		     0);
	TL_CHECK_INT(mx.n, 1);
	TL_CHECK_STR(tl_matrix_machine(&mx, 0)->label,
		     "Intel Xeon Gold 6338, 64 CPUs, 2 NUMA nodes, PMU, "
		     "bare metal; go1.26.8, zig 0.17.1");
	tl_matrix_release(&mx);
	tl_history_close(h);
	tl_rmtree(dir);
	free(db);
	json_decref(o);
	tl_buf_release(&err);
}

TL_TEST_MAIN()
