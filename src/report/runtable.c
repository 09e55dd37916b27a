/*
 * runtable.c - a run's terminal tables (see runtable.h).
 *
 * Times print with an SI prefix and three significant digits, sizes in
 * binary units; a variant that is not ok prints its reason under its row,
 * cut to the line's width.
 */
#include "report/runtable.h"

#include <stdio.h>
#include <string.h>

#include "measure/runner.h"
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
	} else {
		snprintf(buf, n, "%.4g", v);
	}
}

static void print_case_table(const json_t *exp, const json_t *cs)
{
	const json_t *vars = json_object_get(cs, "variants"), *v;
	const char *kind = json_string_value(json_object_get(exp, "kind"));
	int is_proc = kind && !strcmp(kind, "process");
	const char *key = is_proc ? "wall_ns" : "ns_per_op";
	const char *pk;
	json_t *pv;
	size_t i;

	printf("\n%s", json_string_value(json_object_get(exp, "name")));
	json_object_foreach(json_object_get(cs, "params"), pk, pv)
		printf(" %s=%s", pk, json_string_value(pv));
	if (!is_proc)
		printf("  (%lld ops/sample)",
		       (long long)json_integer_value(
			       json_object_get(cs, "ops_per_sample")));
	printf("\n  %-22s %-12s %12s  %-25s %10s %9s%s\n", "variant", "status",
	       is_proc ? "wall/start" : "ns/op", "95% CI", "peak RSS",
	       "A/A MDE", is_proc ? "  faults minor/major" : "");
	json_array_foreach(vars, i, v)
	{
		const json_t *m =
			json_object_get(json_object_get(v, "metrics"), key);
		const json_t *rss = json_object_get(
			json_object_get(v, "metrics"), "peak_rss_bytes");
		const char *st =
			json_string_value(json_object_get(v, "status"));
		char med[32] = "-", ci[64] = "", r[32] = "-", mde[16] = "";
		const char *why =
			json_string_value(json_object_get(v, "reason"));

		if (why && !strcmp(why, TL_RUN_NOT_SELECTED))
			continue; /* in the JSON, not worth a table row */

		if (m && json_object_get(m, "median")) {
			const json_t *c95 = json_object_get(m, "ci95");
			char lo[24], hi[24];

			fmt_si(med, sizeof(med),
			       json_number_value(json_object_get(m, "median")),
			       "ns");
			fmt_si(lo, sizeof(lo),
			       json_number_value(json_array_get(c95, 0)), "ns");
			fmt_si(hi, sizeof(hi),
			       json_number_value(json_array_get(c95, 1)), "ns");
			snprintf(ci, sizeof(ci), "[%s, %s]", lo, hi);
			if (json_object_get(m, "aa_mde_pct"))
				snprintf(mde, sizeof(mde), "%.1f%%",
					 json_number_value(json_object_get(
						 m, "aa_mde_pct")));
		}
		if (rss && json_object_get(rss, "median"))
			fmt_si(r, sizeof(r),
			       json_number_value(
				       json_object_get(rss, "median")),
			       "bytes");
		printf("  %-22s %-12s %12s  %-25s %10s %9s",
		       json_string_value(json_object_get(v, "name")), st, med,
		       ci, r, mde);
		if (is_proc) {
			const json_t *ms = json_object_get(v, "metrics");
			const json_t *mi = json_object_get(
				json_object_get(ms, "minor_faults"), "median");
			const json_t *ma = json_object_get(
				json_object_get(ms, "major_faults"), "median");

			if (mi && ma)
				printf("  %.0f/%.0f", json_number_value(mi),
				       json_number_value(ma));
		}
		printf("\n");
		if (strcmp(st, "ok") != 0 && why)
			printf("      %.*s\n", 110, why);
	}
}

/* The counting phase's figures, when there are any. */
static void print_counts_table(const json_t *cs)
{
	static const char *const cols[] = {
		"instructions_per_op", "branch_miss_ratio",  "l1i_miss_ratio",
		"l1d_miss_ratio",      "page_faults_per_op",
	};
	const json_t *vars = json_object_get(cs, "variants"), *v;
	int any = 0;
	size_t i;

	json_array_foreach(vars, i, v)
	{
		const json_t *m = json_object_get(v, "metrics");

		for (size_t k = 0; k < TL_ARRAY_SIZE(cols); k++)
			any |= json_object_get(m, cols[k]) != NULL;
		any |= json_object_get(json_object_get(v, "absent"),
				       "instructions_per_op") != NULL;
	}
	if (!any)
		return;
	printf("  %-22s %-6s %14s %10s %9s %9s %9s %9s\n", "counted", "source",
	       "instr/op", "expected", "br miss", "L1i miss", "L1d miss",
	       "faults/op");
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
		char cell[TL_ARRAY_SIZE(cols)][24];

		if (!ir && !json_object_get(m, "page_faults_per_op") &&
		    !json_object_get(ab, "instructions_per_op"))
			continue;
		for (size_t k = 0; k < TL_ARRAY_SIZE(cols); k++) {
			const json_t *x = json_object_get(
				json_object_get(m, cols[k]), "median");
			int pct = strstr(cols[k], "ratio") != NULL;

			if (!x)
				snprintf(cell[k], sizeof(cell[k]), "-");
			else if (pct)
				snprintf(cell[k], sizeof(cell[k]), "%.3g%%",
					 100 * json_number_value(x));
			else
				snprintf(cell[k], sizeof(cell[k]), "%.6g",
					 json_number_value(x));
		}
		printf("  %-22s %-6s %14s %10s %9s %9s %9s %9s\n",
		       json_string_value(json_object_get(v, "name")),
		       src ? src : "-", cell[0], exp ? exp : "", cell[1],
		       cell[2], cell[3], cell[4]);
		if (json_object_get(ir, "flag"))
			printf("      flag: %.100s\n",
			       json_string_value(json_object_get(ir, "flag")));
		if (!ir && json_object_get(ab, "instructions_per_op"))
			printf("      instructions absent: %.100s\n",
			       json_string_value(json_object_get(
				       ab, "instructions_per_op")));
	}
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

	if (mde)
		printf("\nnoise floor (A/A, median over variants): "
		       "differences under %.1f%% are not resolvable "
		       "on this machine\n",
		       json_number_value(mde));
}
