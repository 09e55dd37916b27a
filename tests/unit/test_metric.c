/*
 * test_metric.c - the table of metrics: lookups, the fallback rule, the
 * stored unit winning over the name, units and printing, and that every
 * metric the experiments and claims name is a row of the table.
 */
#include "measure/metric.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/claims.h"
#include "measure/registry.h"
#include "tl_test.h"

static char *root_path(const char *rel)
{
	const char *root = getenv("TL_ROOT");

	return xasprintf("%s/%s", root ? root : ".", rel);
}

TL_TEST(table_rows)
{
	struct tl_metric m;

	tl_metric_describe("ns_per_op", NULL, &m);
	TL_CHECK_INT(m.known, 1);
	TL_CHECK_INT(m.dim, TL_DIM_TIME);
	TL_CHECK_STR(m.unit, "ns");
	TL_CHECK_INT(m.better, TL_BETTER_LOWER);
	TL_CHECK_STR(m.om_name, "op_duration");
	TL_CHECK_STR(m.om_unit, "seconds");
	TL_CHECK_NEAR(m.om_divisor, 1e9, 0);

	tl_metric_describe("peak_rss_bytes", NULL, &m);
	TL_CHECK_INT(m.dim, TL_DIM_BYTES);
	TL_CHECK_STR(m.om_name, "peak_rss");
	tl_metric_describe("ipc", NULL, &m);
	TL_CHECK_INT(m.dim, TL_DIM_COUNT);
	TL_CHECK_INT(m.better, TL_BETTER_HIGHER);
	tl_metric_describe("l1d_miss_ratio", NULL, &m);
	TL_CHECK_INT(m.dim, TL_DIM_FRACTION);
	TL_CHECK_STR(m.unit, "ratio");
	tl_metric_describe("mb_per_s", NULL, &m);
	TL_CHECK_INT(m.dim, TL_DIM_RATE);
	TL_CHECK_STR(m.om_name, "throughput");
	TL_CHECK_NEAR(m.om_divisor, 1e-6, 0);
	tl_metric_describe("build_s", NULL, &m);
	TL_CHECK_STR(m.unit, "s");
	TL_CHECK_NEAR(tl_metric_base_factor(&m), 1e9, 0);
	TL_CHECK_STR(tl_metric_unit("rss_bytes_per_task"), "bytes");
	TL_CHECK_STR(tl_metric_unit("allocs_per_op"), "count");
}

TL_TEST(fallback_rule)
{
	struct tl_metric m;

	tl_metric_describe("wake_ns_p99", NULL, &m);
	TL_CHECK_INT(m.known, 0);
	TL_CHECK_INT(m.dim, TL_DIM_TIME);
	tl_metric_describe("parse_ns_per_doc", NULL, &m);
	TL_CHECK_INT(m.dim, TL_DIM_TIME);
	TL_CHECK_STR(m.om_name, "doc_parse");
	tl_metric_describe("ns_per_msg", NULL, &m);
	TL_CHECK_STR(m.om_name, "msg_duration");
	tl_metric_describe("heap_bytes_per_conn", NULL, &m);
	TL_CHECK_INT(m.dim, TL_DIM_BYTES);
	TL_CHECK_STR(m.om_name, "heap_per_conn");
	tl_metric_describe("latency_s", NULL, &m);
	TL_CHECK_STR(m.unit, "s");
	TL_CHECK_STR(m.om_name, "latency_duration");
	TL_CHECK_NEAR(m.om_divisor, 1, 0);
	tl_metric_describe("hit_rate", NULL, &m);
	TL_CHECK_INT(m.dim, TL_DIM_FRACTION);
	tl_metric_describe("cpu_pct", NULL, &m);
	TL_CHECK_INT(m.dim, TL_DIM_FRACTION);
	TL_CHECK_NEAR(tl_metric_base_factor(&m), 0.01, 0);
	TL_CHECK_NEAR(m.om_divisor, 100, 0);
	tl_metric_describe("req_per_s", NULL, &m);
	TL_CHECK_INT(m.dim, TL_DIM_RATE);
	TL_CHECK_STR(m.om_unit, "per_second");
	tl_metric_describe("widgets", NULL, &m);
	TL_CHECK_INT(m.dim, TL_DIM_COUNT);
	TL_CHECK_STR(m.unit, "count");
	TL_CHECK_STR(m.om_unit, "");
	tl_metric_describe("allocs-per.op", NULL, &m);
	TL_CHECK_STR(m.om_name, "allocs_per_op");
}

TL_TEST(stored_unit_wins)
{
	struct tl_metric m;

	/* A name that says nothing, stored in ns: a time. */
	tl_metric_describe("widgets", "ns", &m);
	TL_CHECK_INT(m.dim, TL_DIM_TIME);
	TL_CHECK_STR(m.om_unit, "seconds");
	TL_CHECK_NEAR(m.om_divisor, 1e9, 0);
	/* Same dimension, another unit: the stem stays, the scale follows. */
	tl_metric_describe("build_s", "ms", &m);
	TL_CHECK_STR(m.om_name, "build_duration");
	TL_CHECK_NEAR(m.om_divisor, 1e3, 0);
	TL_CHECK_NEAR(tl_metric_base_factor(&m), 1e6, 0);
	/* Another dimension: the name is kept as it is. */
	tl_metric_describe("ns_per_op", "bytes", &m);
	TL_CHECK_INT(m.dim, TL_DIM_BYTES);
	TL_CHECK_STR(m.om_name, "ns_per_op");
	TL_CHECK_STR(m.om_unit, "bytes");
	/* "count" is the old writers' catch-all: the name decides. */
	tl_metric_describe("rss_bytes_per_task", "count", &m);
	TL_CHECK_INT(m.dim, TL_DIM_BYTES);
	TL_CHECK_STR(m.om_name, "rss_per_task");
	/* A unit nobody knows is shown, never scaled. */
	tl_metric_describe("ns_per_op", "furlongs", &m);
	TL_CHECK_STR(m.unit, "furlongs");
	TL_CHECK_NEAR(m.om_divisor, 1, 0);
	TL_CHECK_NEAR(tl_metric_base_factor(&m), 1, 0);
	TL_CHECK_INT(tl_metric_dim("widgets", "%"), TL_DIM_FRACTION);
}

TL_TEST(units_and_printing)
{
	struct tl_buf b = TL_BUF_INIT;
	struct tl_metric m;
	enum tl_dim dim;
	double f;
	size_t i;

	TL_CHECK_INT(tl_metric_unit_find("ms", &dim, &f), 0);
	TL_CHECK_INT(dim, TL_DIM_TIME);
	TL_CHECK_NEAR(f, 1e6, 0);
	TL_CHECK_INT(tl_metric_unit_find("KiB", &dim, &f), 0);
	TL_CHECK_NEAR(f, 1024, 0);
	TL_CHECK_INT(tl_metric_unit_find("parsecs", &dim, &f), -ENOENT);
	for (i = 0; tl_metric_unit_at(i, &dim, &f); i++)
		TL_CHECK(f > 0);
	TL_CHECK_INT(i, 14);
	TL_CHECK_STR(tl_dim_base_unit(TL_DIM_TIME), "ns");
	TL_CHECK_STR(tl_dim_name(TL_DIM_FRACTION), "fraction");

	tl_metric_fmt_value(&b, 25300, TL_DIM_TIME);
	TL_CHECK_STR(tl_buf_str(&b), "25.3 us");
	b.len = 0;
	tl_metric_fmt_value(&b, 0.126, TL_DIM_FRACTION);
	TL_CHECK_STR(tl_buf_str(&b), "12.6%");
	b.len = 0;
	/* A stored value in s prints as a time: 2.5 s, not 2.5 ns. */
	tl_metric_describe("build_s", NULL, &m);
	tl_metric_fmt(&b, 2.5, &m);
	TL_CHECK_STR(tl_buf_str(&b), "2.5 s");
	tl_buf_release(&b);
}

static void check_known(const char *name, const char *where)
{
	struct tl_metric m;

	tl_metric_describe(name, NULL, &m);
	if (!m.known)
		fprintf(stderr, "  %s: metric '%s' is not in TL_METRICS\n",
			where, name);
	TL_CHECK_INT(m.known, 1);
}

/* Every metric an experiment declares is a row of the table. */
TL_TEST(experiments_metrics_in_table)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_registry r;
	char *root = root_path("");
	size_t i, k, n = 0;
	int got;

	got = tl_registry_load(&r, root, &d);
	free(root);
	TL_CHECK(got > 0);
	for (i = 0; got > 0 && i < r.nexps; i++)
		for (k = 0; k < r.exps[i].metrics.n; k++, n++)
			check_known(r.exps[i].metrics.v[k], r.exps[i].path);
	TL_CHECK(n >= 20);
	if (got > 0)
		tl_registry_release(&r);
	tl_diag_release(&d);
}

/* Every metric a claim file measures is a row of the table. */
TL_TEST(claims_metrics_in_table)
{
	static const char *const files[] = {"claims/zig-go-traps.yaml",
					    "claims/traplab-self.yaml"};
	size_t f, i, n = 0;

	for (f = 0; f < TL_ARRAY_SIZE(files); f++) {
		struct tl_diag d = TL_DIAG_INIT;
		struct tl_claimset cs;
		char *path = root_path(files[f]);

		TL_CHECK_INT(tl_claims_parse(&cs, path, NULL, 0, &d), 0);
		for (i = 0; i < cs.nclaims; i++)
			if (cs.claims[i].m.metric) {
				check_known(cs.claims[i].m.metric, path);
				n++;
			}
		tl_claimset_release(&cs);
		tl_diag_release(&d);
		free(path);
	}
	TL_CHECK(n >= 20);
}

TL_TEST_MAIN()
