/*
 * test_metrics.c - the Prometheus exposition writer and the results walker.
 *
 * Besides promtool (run when installed), checks what promtool does not:
 * label escaping byte for byte, value spelling, one TYPE per family with
 * its lines contiguous, cumulative buckets that end at le="+Inf" equal to
 * _count, no duplicate series, and base units in names.
 */
#include "measure/results.h"
#include "report/expo.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_test.h"

static const char *data(const char *name)
{
	static char buf[4096];
	const char *root = getenv("TL_ROOT");

	snprintf(buf, sizeof(buf), "%s/tests/data/%s", root ? root : ".", name);
	return buf;
}

TL_TEST(escape_label_values)
{
	struct tl_buf b = TL_BUF_INIT;

	tl_expo_escape_label(&b, "a\\b\"c\nd");
	TL_CHECK_STR(tl_buf_str(&b), "a\\\\b\\\"c\\nd");
	tl_buf_release(&b);
}

TL_TEST(format_values)
{
	struct tl_buf b = TL_BUF_INIT;

	tl_expo_format_value(&b, INFINITY);
	tl_buf_puts(&b, " ");
	tl_expo_format_value(&b, -INFINITY);
	tl_buf_puts(&b, " ");
	tl_expo_format_value(&b, NAN);
	tl_buf_puts(&b, " ");
	tl_expo_format_value(&b, 0.1);
	tl_buf_puts(&b, " ");
	tl_expo_format_value(&b, 12.414 / 1e9);
	tl_buf_puts(&b, " ");
	tl_expo_format_value(&b, 1703936);
	TL_CHECK_STR(tl_buf_str(&b), "+Inf -Inf NaN 0.1 1.2414e-08 1703936");
	tl_buf_release(&b);
}

TL_TEST(names)
{
	char *base, *unit;
	double div;

	TL_CHECK(tl_expo_is_metric_name("traplab_x:y_1"));
	TL_CHECK(!tl_expo_is_metric_name("1abc"));
	TL_CHECK(!tl_expo_is_metric_name("a-b"));
	TL_CHECK(!tl_expo_is_metric_name(""));
	TL_CHECK(tl_expo_is_label_name("le"));
	TL_CHECK(!tl_expo_is_label_name("__name__"));
	TL_CHECK(!tl_expo_is_label_name("a:b"));

	tl_expo_prom_name("ns_per_op", "ns", &base, &unit, &div);
	TL_CHECK_STR(base, "op_duration");
	TL_CHECK_STR(unit, "seconds");
	TL_CHECK_NEAR(div, 1e9, 0);
	free(base);
	free(unit);
	tl_expo_prom_name("wall_ns", "ns", &base, &unit, &div);
	TL_CHECK_STR(base, "wall");
	TL_CHECK_STR(unit, "seconds");
	free(base);
	free(unit);
	tl_expo_prom_name("peak_rss_bytes", "bytes", &base, &unit, &div);
	TL_CHECK_STR(base, "peak_rss");
	TL_CHECK_STR(unit, "bytes");
	TL_CHECK_NEAR(div, 1, 0);
	free(base);
	free(unit);
	tl_expo_prom_name("build_s", "s", &base, &unit, &div);
	TL_CHECK_STR(base, "build_duration");
	TL_CHECK_STR(unit, "seconds");
	TL_CHECK_NEAR(div, 1, 0);
	free(base);
	free(unit);
	tl_expo_prom_name("mb_per_s", "MB/s", &base, &unit, &div);
	TL_CHECK_STR(base, "throughput");
	TL_CHECK_STR(unit, "bytes_per_second");
	TL_CHECK_NEAR(12.5 / div, 12.5e6, 1e-3);
	free(base);
	free(unit);
	tl_expo_prom_name("task_clock_ns_per_op", "count", &base, &unit, &div);
	TL_CHECK_STR(base, "op_task_clock");
	TL_CHECK_STR(unit, "seconds");
	TL_CHECK_NEAR(div, 1e9, 0);
	free(base);
	free(unit);
	tl_expo_prom_name("rss_bytes_per_task", "count", &base, &unit, &div);
	TL_CHECK_STR(base, "rss_per_task");
	TL_CHECK_STR(unit, "bytes");
	free(base);
	free(unit);
	tl_expo_prom_name("error_fraction", "count", &base, &unit, &div);
	TL_CHECK_STR(base, "error");
	TL_CHECK_STR(unit, "ratio");
	free(base);
	free(unit);
	tl_expo_prom_name("allocs-per.op", "count", &base, &unit, &div);
	TL_CHECK_STR(base, "allocs_per_op");
	TL_CHECK_STR(unit, "");
	free(base);
	free(unit);
}

TL_TEST(families_are_grouped_and_typed_once)
{
	struct tl_expo *e = tl_expo_new();
	struct tl_buf b = TL_BUF_INIT;
	struct tl_label l = {"k", "v"};

	TL_CHECK_INT(
		tl_expo_add(e, "a_total", TL_EXPO_COUNTER, "A", "", &l, 1, 1),
		0);
	TL_CHECK_INT(
		tl_expo_add(e, "b", TL_EXPO_GAUGE, "B\nline", "", NULL, 0, 2),
		0);
	l.value = "w";
	TL_CHECK_INT(
		tl_expo_add(e, "a_total", TL_EXPO_COUNTER, "A", "", &l, 1, 3),
		0);
	/* A family keeps its type; bad names are refused. */
	TL_CHECK_INT(tl_expo_add(e, "b", TL_EXPO_COUNTER, "B", "", NULL, 0, 2),
		     -EINVAL);
	TL_CHECK_INT(tl_expo_add(e, "9b", TL_EXPO_GAUGE, "", "", NULL, 0, 2),
		     -EINVAL);
	l.name = "bad-label";
	TL_CHECK_INT(tl_expo_add(e, "c", TL_EXPO_GAUGE, "", "", &l, 1, 2),
		     -EINVAL);
	tl_expo_write(e, &b);
	TL_CHECK_STR(tl_buf_str(&b), "# HELP a_total A\n"
				     "# TYPE a_total counter\n"
				     "a_total{k=\"v\"} 1\n"
				     "a_total{k=\"w\"} 3\n"
				     "# HELP b B\\nline\n"
				     "# TYPE b gauge\n"
				     "b 2\n");
	tl_buf_release(&b);
	tl_expo_free(e);
}

TL_TEST(histogram_buckets_end_at_inf)
{
	static const double x[] = {40, 3, 1.5, 3};
	struct tl_expo *e = tl_expo_new();
	struct tl_buf b = TL_BUF_INIT;

	TL_CHECK_INT(tl_expo_histogram(e, "h_seconds", "H", NULL, 0, x, 4), 0);
	tl_expo_write(e, &b);
	TL_CHECK_STR(tl_buf_str(&b), "# HELP h_seconds H\n"
				     "# TYPE h_seconds histogram\n"
				     "h_seconds_bucket{le=\"1\"} 0\n"
				     "h_seconds_bucket{le=\"2\"} 1\n"
				     "h_seconds_bucket{le=\"5\"} 3\n"
				     "h_seconds_bucket{le=\"10\"} 3\n"
				     "h_seconds_bucket{le=\"20\"} 3\n"
				     "h_seconds_bucket{le=\"50\"} 4\n"
				     "h_seconds_bucket{le=\"+Inf\"} 4\n"
				     "h_seconds_sum 47.5\n"
				     "h_seconds_count 4\n");
	tl_buf_release(&b);
	tl_expo_free(e);
}

/*
 * Checks promtool does not make: each family TYPE'd once before its lines,
 * lines contiguous, no duplicate series, histograms closed by +Inf equal
 * to _count with non-decreasing buckets, names ending in a base unit when
 * they carry one.
 */
static int lint(const char *text, char *why, size_t len)
{
	struct tl_strv families = TL_STRV_INIT, series = TL_STRV_INIT;
	char *copy = xstrdup(text), *line, *save = NULL, cur[256] = "";
	char prev[1024] = "";
	double last_bucket = -1, inf = -1;
	int rc = 0;

	for (line = strtok_r(copy, "\n", &save); line && !rc;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[256], *sp;

		if (!strncmp(line, "# TYPE ", 7)) {
			sscanf(line + 7, "%255s", cur);
			if (tl_strv_has(&families, cur)) {
				snprintf(why, len, "family %s typed twice",
					 cur);
				rc = -1;
			}
			tl_strv_push(&families, cur);
			last_bucket = inf = -1;
			continue;
		}
		if (line[0] == '#')
			continue;
		sp = strpbrk(line, "{ ");
		if (!sp || (size_t)(sp - line) >= sizeof(name)) {
			snprintf(why, len, "malformed line");
			rc = -1;
			break;
		}
		memcpy(name, line, sp - line);
		name[sp - line] = 0;
		if (strncmp(name, cur, strlen(cur))) {
			snprintf(why, len, "%.200s outside its family (%.200s)",
				 name, cur);
			rc = -1;
		}
		*strrchr(line, ' ') = 0;
		if (tl_strv_has(&series, line)) {
			snprintf(why, len, "duplicate series %s", line);
			rc = -1;
		}
		tl_strv_push(&series, line);
		if (strstr(name, "_bucket")) {
			double v = strtod(line + strlen(line) + 1, NULL);
			char *le = strstr(line, "le=\"");

			/* A new series (labels other than le) starts over. */
			if (le && (strlen(prev) != (size_t)(le - line) ||
				   strncmp(prev, line, le - line))) {
				snprintf(prev, sizeof(prev), "%.*s",
					 (int)(le - line), line);
				last_bucket = -1;
			}

			if (v < last_bucket) {
				snprintf(why, len, "buckets decrease: %s",
					 line);
				rc = -1;
			}
			last_bucket = v;
			if (strstr(line, "le=\"+Inf\""))
				inf = v;
		} else if (strstr(name, "_count") && last_bucket >= 0) {
			if (inf < 0 ||
			    inf != strtod(line + strlen(line) + 1, NULL)) {
				snprintf(why, len,
					 "histogram %s not closed by +Inf = "
					 "_count",
					 cur);
				rc = -1;
			}
		}
		if (strstr(name, "nanoseconds") || strstr(name, "_ns_") ||
		    strstr(name, "milliseconds")) {
			snprintf(why, len, "%s: not a base unit", name);
			rc = -1;
		}
	}
	free(copy);
	tl_strv_release(&families);
	tl_strv_release(&series);
	return rc;
}

static void expose(const char *file, struct tl_buf *out)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_expo *e = tl_expo_new();
	json_t *run = NULL;

	if (!tl_results_load(data(file), &run, &err) && !tl_expo_run(e, run))
		tl_expo_write(e, out);
	json_decref(run);
	tl_expo_free(e);
	tl_buf_release(&err);
}

TL_TEST(run_exposition_lints_clean)
{
	struct tl_buf b = TL_BUF_INIT;
	char why[512] = "";

	expose("run-1.json", &b);
	TL_CHECK(b.len > 0);
	if (lint(tl_buf_str(&b), why, sizeof(why)))
		TL_FAIL("lint: %s", why);
	/* The label escaping reached the output. */
	TL_CHECK(strstr(tl_buf_str(&b),
			"cpu_model=\"Synthetic CPU \\\"test\\\"\""));
	/* 2.0847 ns median of c.arena, in seconds. */
	TL_CHECK(strstr(tl_buf_str(&b),
			"traplab_op_duration_seconds{experiment=\"alloc\","
			"variant=\"c.arena\",lang=\"c\",params=\"size=64\","
			"machine=\"9c1e5d0b7a3f4e21\",stat=\"median\","
			"source=\"time\"} 2.0847e-09\n"));
	TL_CHECK(strstr(tl_buf_str(&b), "traplab_variant_up{experiment="
					"\"alloc\",variant=\"go.new\""));
	TL_CHECK(strstr(tl_buf_str(&b), "le=\"+Inf\""));
	tl_buf_release(&b);
}

TL_TEST(lint_catches_what_it_should)
{
	char why[256] = "";

	TL_CHECK(lint("# TYPE a gauge\na 1\n# TYPE a gauge\na{x=\"1\"} 2\n",
		      why, sizeof(why)) < 0);
	TL_CHECK(lint("# TYPE a gauge\na 1\na 2\n", why, sizeof(why)) < 0);
	TL_CHECK(lint("# TYPE h histogram\nh_bucket{le=\"1\"} 2\n"
		      "h_sum 3\nh_count 2\n",
		      why, sizeof(why)) < 0);
	TL_CHECK(lint("# TYPE h histogram\nh_bucket{le=\"1\"} 2\n"
		      "h_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n",
		      why, sizeof(why)) == 0);
}

TL_TEST(promtool_accepts_the_exposition)
{
	struct tl_buf b = TL_BUF_INIT;
	char tmp[] = "/tmp/tl-metrics-XXXXXX", *cmd;
	FILE *f;
	int fd, rc;

	if (system("command -v promtool >/dev/null 2>&1") != 0)
		TL_SKIP("promtool not installed (Debian package prometheus)");
	expose("run-1.json", &b);
	fd = mkstemp(tmp);
	TL_CHECK(fd >= 0);
	f = fdopen(fd, "w");
	fwrite(b.s, 1, b.len, f);
	fclose(f);
	cmd = xasprintf("promtool check metrics < %s", tmp);
	rc = system(cmd);
	free(cmd);
	unlink(tmp);
	tl_buf_release(&b);
	TL_CHECK_INT(rc, 0);
}

TL_TEST(bad_results_json_is_refused_with_position)
{
	struct tl_buf err = TL_BUF_INIT;
	json_t *run = NULL;
	static const char bad[] = "{\"schema\": \"traplab.results/1\",\n"
				  " \"experiments\": [,]}";

	TL_CHECK_INT(
		tl_results_parse("x.json", bad, sizeof(bad) - 1, &run, &err),
		-EINVAL);
	TL_CHECK(strstr(tl_buf_str(&err), "'x.json': line 2"));
	err.len = 0;
	TL_CHECK_INT(tl_results_parse("y.json", "{\"schema\": \"other\"}", 19,
				      &run, &err),
		     -EINVAL);
	TL_CHECK(strstr(tl_buf_str(&err), "not a traplab results file"));
	TL_CHECK_INT(tl_results_load("/nonexistent/z.json", &run, &err),
		     -ENOENT);
	tl_buf_release(&err);
}

TL_TEST_MAIN()
