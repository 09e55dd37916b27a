/*
 * runtable.c - a run's terminal tables (see runtable.h).
 *
 * Times print with an SI prefix and three significant digits, sizes in
 * binary units, fractions in percent, each read in the unit the results
 * stored (measure/metric.h); a variant that is not ok prints its reason under
 * its row, cut to the line's width.
 */
#include "report/runtable.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure/metric.h"
#include "measure/runner.h"
#include "report/table.h"
#include "base/term.h"
#include "base/util.h"

#include "base/banned.h"

static void fmt_si(char *buf, size_t n, double v, const char *unit)
{
	if (!strcmp(unit, "ns")) {
		if (v >= 1e9)
			snprintf(buf, n, "%.3g s", v / 1e9);
		else if (v >= 1e6)
			snprintf(buf, n, "%.3g ms", v / 1e6);
		else if (v >= 1e3)
			snprintf(buf, n, "%.3g us", v / 1e3);
		else
			snprintf(buf, n, "%.3g ns", v);
	} else if (!strcmp(unit, "bytes")) {
		if (v >= 1 << 20)
			snprintf(buf, n, "%.1f MiB", v / (1 << 20));
		else if (v >= 1 << 10)
			snprintf(buf, n, "%.1f KiB", v / (1 << 10));
		else
			snprintf(buf, n, "%.0f B", v);
	} else if (v >= 1e5 || v <= -1e5) {
		/* counts: SI prefixes, never an exponent */
		if (v >= 1e9 || v <= -1e9)
			snprintf(buf, n, "%.3gG", v / 1e9);
		else if (v >= 1e6 || v <= -1e6)
			snprintf(buf, n, "%.3gM", v / 1e6);
		else
			snprintf(buf, n, "%.0fk", v / 1e3);
	} else if (v != 0 && v < 1e-3 && v > -1e-3) {
		snprintf(buf, n, "%.*f", (int)-floor(log10(fabs(v))) + 2, v);
	} else {
		snprintf(buf, n, "%.4g", v);
	}
}

/*
 * v, a figure of metric name in the unit its metric object m stored
 * (measure/metric.h): times with an SI prefix, sizes in binary units,
 * fractions in percent, else a count.
 */
static void fmt_metric(char *buf, size_t n, double v, const char *name,
		       const json_t *m)
{
	struct tl_metric d;

	tl_metric_describe(name, json_string_value(json_object_get(m, "unit")),
			   &d);
	v *= tl_metric_base_factor(&d);
	if (d.dim == TL_DIM_FRACTION)
		snprintf(buf, n, "%.3g%%", 100 * v);
	else
		fmt_si(buf, n, v,
		       d.dim == TL_DIM_TIME    ? "ns"
		       : d.dim == TL_DIM_BYTES ? "bytes"
					       : "");
}

static void case_row(struct tl_table *t, const json_t *v, const char *key,
		     int is_proc)
{
	const json_t *ms = json_object_get(v, "metrics");
	const json_t *m = json_object_get(ms, key);
	const json_t *rss = json_object_get(ms, "peak_rss_bytes");
	const char *st = json_string_value(json_object_get(v, "status"));
	const char *why = json_string_value(json_object_get(v, "reason"));
	char med[32] = "-", ci[64] = "", r[32] = "-", mde[16] = "", f[48] = "";
	const char *cells[7];

	if (m && json_object_get(m, "median")) {
		const json_t *c95 = json_object_get(m, "ci95");
		char lo[24], hi[24];

		fmt_metric(med, sizeof(med),
			   json_number_value(json_object_get(m, "median")), key,
			   m);
		fmt_metric(lo, sizeof(lo),
			   json_number_value(json_array_get(c95, 0)), key, m);
		fmt_metric(hi, sizeof(hi),
			   json_number_value(json_array_get(c95, 1)), key, m);
		snprintf(ci, sizeof(ci), "[%s, %s]", lo, hi);
		if (json_object_get(m, "aa_mde_pct"))
			snprintf(mde, sizeof(mde), "%.1f%%",
				 json_number_value(
					 json_object_get(m, "aa_mde_pct")));
	}
	if (rss && json_object_get(rss, "median"))
		fmt_metric(r, sizeof(r),
			   json_number_value(json_object_get(rss, "median")),
			   "peak_rss_bytes", rss);
	if (is_proc) {
		const json_t *mi = json_object_get(
			json_object_get(ms, "minor_faults"), "median");
		const json_t *ma = json_object_get(
			json_object_get(ms, "major_faults"), "median");

		if (mi && ma)
			snprintf(f, sizeof(f), "%.0f/%.0f",
				 json_number_value(mi), json_number_value(ma));
	}
	cells[0] = json_string_value(json_object_get(v, "name"));
	cells[1] = st;
	cells[2] = med;
	cells[3] = ci;
	cells[4] = r;
	cells[5] = mde;
	cells[6] = f;
	tl_table_row(t, cells);
	if (st && strcmp(st, "ok") != 0 && why)
		tl_table_line(t, 6, why);
}

static void print_case_table(const json_t *exp, const json_t *cs)
{
	const json_t *vars = json_object_get(cs, "variants"), *v;
	const char *kind = json_string_value(json_object_get(exp, "kind"));
	int is_proc = kind && !strcmp(kind, "process");
	const struct tl_col cols[] = {
		{"variant", 0, 0, 0},
		{"status", 0, 3, 0},
		{is_proc ? "wall/start" : "ns/op", 1, 0, 0},
		{"95% CI", 0, 1, 0},
		{"peak RSS", 1, 2, 0},
		{"A/A MDE", 1, 4, 0},
		{"faults mn/mj", 1, 5, 0},
	};
	struct tl_table t;
	struct tl_buf b = TL_BUF_INIT;
	const char *pk;
	json_t *pv;
	size_t i;

	tl_buf_printf(&b, "\n%s",
		      json_string_value(json_object_get(exp, "name")));
	json_object_foreach(json_object_get(cs, "params"), pk, pv)
		tl_buf_printf(&b, " %s=%s", pk, json_string_value(pv));
	if (!is_proc)
		tl_buf_printf(&b, "  (%lld ops/sample)",
			      (long long)json_integer_value(
				      json_object_get(cs, "ops_per_sample")));
	tl_buf_puts(&b, "\n");
	/* What ran beside what: set-ups side by side, timing alone. */
	pv = json_object_get(json_object_get(cs, "parallel_setup"), "rounds");
	if (json_integer_value(pv) > 0)
		tl_buf_printf(&b,
			      "  set-ups side by side in %lld rounds; each "
			      "process timed alone\n",
			      (long long)json_integer_value(pv));
	tl_table_init(&t, cols, is_proc ? 7 : 6, 2);
	json_array_foreach(vars, i, v)
	{
		const char *why =
			json_string_value(json_object_get(v, "reason"));

		if (why && !strcmp(why, TL_RUN_NOT_SELECTED))
			continue; /* in the JSON, not worth a table row */
		case_row(&t, v, is_proc ? "wall_ns" : "ns_per_op", is_proc);
	}
	tl_table_render(&t, &b, tl_term_width(1));
	fputs(tl_buf_str(&b), stdout);
	tl_table_release(&t);
	tl_buf_release(&b);
}

static void note(struct tl_table *t, const char *what, const char *text)
{
	char *s = xasprintf("%s%s", what, text ? text : "");

	tl_table_line(t, 6, s);
	free(s);
}

/* The counting phase's figures, when there are any. */
static void print_counts_table(const json_t *cs)
{
	static const char *const keys[] = {
		"instructions_per_op", "branch_miss_ratio",  "l1i_miss_ratio",
		"l1d_miss_ratio",      "page_faults_per_op",
	};
	static const struct tl_col cols[] = {
		{"counted", 0, 0, 0},  {"source", 0, 3, 0},
		{"instr/op", 1, 0, 0}, {"expected", 1, 2, 0},
		{"br miss", 1, 1, 0},  {"L1i miss", 1, 4, 0},
		{"L1d miss", 1, 4, 0}, {"faults/op", 1, 5, 0},
	};
	const json_t *vars = json_object_get(cs, "variants"), *v;
	struct tl_table t;
	struct tl_buf b = TL_BUF_INIT;
	int any = 0;
	size_t i;

	json_array_foreach(vars, i, v)
	{
		const json_t *m = json_object_get(v, "metrics");

		for (size_t k = 0; k < TL_ARRAY_SIZE(keys); k++)
			any |= json_object_get(m, keys[k]) != NULL;
		any |= json_object_get(json_object_get(v, "absent"),
				       "instructions_per_op") != NULL;
	}
	if (!any)
		return;
	tl_table_init(&t, cols, TL_ARRAY_SIZE(cols), 2);
	json_array_foreach(vars, i, v)
	{
		const json_t *m = json_object_get(v, "metrics");
		const json_t *ab = json_object_get(v, "absent");
		const json_t *ir = json_object_get(m, "instructions_per_op");
		const char *exp = json_string_value(
			json_object_get(json_object_get(v, "facts"),
					"expected_instructions_per_op"));
		const char *src =
			json_string_value(json_object_get(ir, "source"));
		char cell[TL_ARRAY_SIZE(keys)][24];
		const char *row[8];

		if (!ir && !json_object_get(m, "page_faults_per_op") &&
		    !json_object_get(ab, "instructions_per_op"))
			continue;
		for (size_t k = 0; k < TL_ARRAY_SIZE(keys); k++) {
			const json_t *mk = json_object_get(m, keys[k]);
			const json_t *x = json_object_get(mk, "median");

			if (!x)
				snprintf(cell[k], sizeof(cell[k]), "-");
			else
				fmt_metric(cell[k], sizeof(cell[k]),
					   json_number_value(x), keys[k], mk);
		}
		row[0] = json_string_value(json_object_get(v, "name"));
		row[1] = src ? src : "-";
		row[2] = cell[0];
		row[3] = exp ? exp : "";
		row[4] = cell[1];
		row[5] = cell[2];
		row[6] = cell[3];
		row[7] = cell[4];
		tl_table_row(&t, row);
		if (json_object_get(ir, "flag"))
			note(&t, "flag: ",
			     json_string_value(json_object_get(ir, "flag")));
		if (!ir && json_object_get(ab, "instructions_per_op"))
			note(&t, "instructions absent: ",
			     json_string_value(json_object_get(
				     ab, "instructions_per_op")));
	}
	tl_table_render(&t, &b, tl_term_width(1));
	fputs(tl_buf_str(&b), stdout);
	tl_table_release(&t);
	tl_buf_release(&b);
}

void tl_runtable_print_case(const json_t *exp, const json_t *cs)
{
	print_case_table(exp, cs);
	print_counts_table(cs);
	fflush(stdout);
}

void tl_runtable_print_noise(const json_t *results)
{
	const json_t *mde = json_object_get(json_object_get(results, "noise"),
					    "aa_mde_pct");

	struct tl_buf b = TL_BUF_INIT;
	char *s;

	if (!mde)
		return;
	s = xasprintf("noise floor (A/A, median over variants): differences "
		      "under %.1f%% are not resolvable on this machine",
		      json_number_value(mde));
	tl_buf_puts(&b, "\n");
	tl_term_wrap(&b, s, tl_term_width(1), 0, 2);
	fputs(tl_buf_str(&b), stdout);
	free(s);
	tl_buf_release(&b);
}
