/*
 * slotable.c - the SLO report for the terminal and for CI (slotable.h).
 *
 * Values print in human units (12.3 ns, 1.2 MB); the objective's name and
 * its outcome are never dropped, the budget and burn columns go first
 * when the terminal is narrow.
 */
#include "report/slotable.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure/metric.h"
#include "report/table.h"
#include "base/term.h"
#include "base/banned.h"

/*
 * v in an objective's unit for people. "ratio" is a ratioTo objective's
 * B / A, a factor; other units are the table of metrics' (metric.h).
 */
static void value(struct tl_buf *b, double v, const char *unit)
{
	enum tl_dim dim = TL_DIM_COUNT;
	double f = 1;

	if (isnan(v))
		tl_buf_puts(b, "-");
	else if (!strcmp(unit, "ratio"))
		tl_metric_fmt_value(b, v, TL_DIM_FACTOR);
	else if (!tl_metric_unit_find(unit, &dim, &f))
		tl_metric_fmt_value(b, v * f, dim);
	else
		tl_metric_fmt_value(b, v, TL_DIM_COUNT);
}

static int gate_fails(const struct tl_slo_result *r)
{
	return r->now == TL_SLO_FAIL || r->budget.violated ||
	       (r->now == TL_SLO_NODATA && !r->obj->allow_nodata);
}

static const char *status(const struct tl_slo_result *r)
{
	if (r->budget.violated)
		return r->now == TL_SLO_FAIL ? "FAIL, VIOLATED" : "VIOLATED";
	if (r->budget.burning)
		return r->now == TL_SLO_FAIL ? "FAIL, BURNING" : "BURNING";
	return tl_slo_outcome_name(r->now);
}

static void fill_row(const struct tl_slo_result *r, struct tl_buf *cell,
		     int color)
{
	const struct tl_slo_budget *bu = &r->budget;
	const char *sgr = gate_fails(r)		  ? TL_SGR_BAD
			  : r->now == TL_SLO_PASS ? TL_SGR_GOOD
						  : TL_SGR_WARN;

	value(&cell[0], r->value, r->unit);
	if (!isnan(r->lo)) {
		tl_buf_puts(&cell[1], "[");
		value(&cell[1], r->lo, r->unit);
		tl_buf_puts(&cell[1], ", ");
		value(&cell[1], r->hi, r->unit);
		tl_buf_puts(&cell[1], "]");
	}
	tl_buf_printf(&cell[2], "%s ", tl_slo_op_name(r->obj->op));
	value(&cell[2], r->obj->value, r->unit);
	tl_buf_printf(&cell[3], "%.4g%%", 100 * r->obj->target);
	tl_term_paint(&cell[4], color, sgr, status(r));
	tl_buf_printf(&cell[5], "%zu/%zu", bu->good, bu->bad);
	if (isnan(bu->budget_left))
		tl_buf_puts(&cell[6], "-");
	else
		tl_buf_printf(&cell[6], "%.0f%%", 100 * bu->budget_left);
	tl_buf_printf(&cell[7], "%.2f/%.2f", bu->burn_long, bu->burn_short);
}

void tl_slotable_render(struct tl_buf *b, const struct tl_slo *slo,
			const struct tl_slo_report *rep, size_t npast,
			size_t width, int color)
{
	static const struct tl_col cols[] = {
		{"objective", 0, 0, 0}, {"case", 0, 3, 0},
		{"value", 1, 1, 0},	{"95% CI", 0, 6, 0},
		{"threshold", 0, 2, 0}, {"target", 1, 7, 0},
		{"this run", 0, 0, 0},	{"good/bad", 1, 4, 0},
		{"budget", 1, 5, 0},	{"burn l/s", 1, 8, 0},
	};
	struct tl_table t;
	size_t i, k;
	char *head, *line;

	head = slo->window_runs ? xasprintf("last %zu runs", slo->window_runs)
				: xasprintf("runs of the last %gh",
					    slo->window_s / 3600);
	line = xasprintf("SLO %s: window %s, %zu earlier run%s in history "
			 "(%s)",
			 slo->name, head, npast, npast == 1 ? "" : "s",
			 slo->path);
	tl_term_wrap(b, line, width, 0, 2);
	free(line);
	free(head);
	tl_table_init(&t, cols, TL_ARRAY_SIZE(cols), 0);
	for (i = 0; i < rep->n; i++) {
		const struct tl_slo_result *r = &rep->r[i];
		struct tl_buf cell[8];
		const char *row[10];

		for (k = 0; k < 8; k++)
			cell[k] = (struct tl_buf)TL_BUF_INIT;
		fill_row(r, cell, color);
		row[0] = r->obj->name;
		row[1] = *r->params ? r->params : "-";
		row[2] = tl_buf_str(&cell[0]);
		row[3] = tl_buf_str(&cell[1]);
		row[4] = tl_buf_str(&cell[2]);
		row[5] = tl_buf_str(&cell[3]);
		row[6] = tl_buf_str(&cell[4]);
		row[7] = tl_buf_str(&cell[5]);
		row[8] = tl_buf_str(&cell[6]);
		row[9] = tl_buf_str(&cell[7]);
		tl_table_row(&t, row);
		if (r->reason && r->now != TL_SLO_PASS) {
			char *s =
				xasprintf("%s: %s", tl_slo_outcome_name(r->now),
					  r->reason);

			tl_table_line(&t, 4, s);
			free(s);
		}
		for (k = 0; k < 8; k++)
			tl_buf_release(&cell[k]);
	}
	tl_table_render(&t, b, width);
	tl_table_release(&t);
	tl_buf_printf(b,
		      "%zu objective%s checked, %zu failed in this run, %zu "
		      "violated (budget exhausted)\n",
		      rep->n, rep->n == 1 ? "" : "s", rep->failed_now,
		      rep->violated);
	if (rep->nodata)
		tl_buf_printf(b,
			      "%zu objective%s without data in this run (the "
			      "gate fails; 'allowNoData: true' lets an "
			      "objective be missing)\n",
			      rep->nodata, rep->nodata == 1 ? "" : "s");
}

void tl_slotable_cases(const struct tl_slo *slo,
		       const struct tl_slo_report *rep, struct tl_case *cases,
		       struct tl_strv *own)
{
	size_t i;

	for (i = 0; i < rep->n; i++) {
		const struct tl_slo_result *r = &rep->r[i];
		struct tl_case *k = &cases[i];
		struct tl_buf d = TL_BUF_INIT, id = TL_BUF_INIT;

		memset(k, 0, sizeof(*k));
		tl_buf_puts(&id, r->obj->name);
		if (*r->params)
			tl_buf_printf(&id, " [%s]", r->params);
		tl_strv_push_owned(own, id.s);
		k->id = own->v[own->n - 1];
		k->classname = slo->name;
		k->status = status(r);
		k->outcome = gate_fails(r)	     ? TL_CASE_FAIL
			     : r->now == TL_SLO_PASS ? TL_CASE_PASS
						     : TL_CASE_SKIP;
		k->file = slo->path;
		k->line = r->obj->line;
		tl_buf_puts(&d, "measured ");
		value(&d, r->value, r->unit);
		tl_buf_printf(&d, ", objective %s ",
			      tl_slo_op_name(r->obj->op));
		value(&d, r->obj->value, r->unit);
		tl_buf_printf(&d, " in %.4g%% of runs; budget left ",
			      100 * r->obj->target);
		if (isnan(r->budget.budget_left))
			tl_buf_puts(&d, "-");
		else
			tl_buf_printf(&d, "%.0f%%",
				      100 * r->budget.budget_left);
		tl_strv_push_owned(own, d.s);
		k->detail = own->v[own->n - 1];
		k->message = r->reason ? r->reason : k->detail;
	}
}

static char *num(double x)
{
	return isfinite(x) ? xasprintf("%.12g", x) : xstrdup("");
}

void tl_slotable_csv(struct tl_buf *out, const struct tl_slo_report *rep)
{
	static const char *const head[] = {
		"objective",  "params", "outcome", "gate",	  "value",
		"ci_lo",      "ci_hi",	"unit",	   "op",	  "threshold",
		"target",     "good",	"bad",	   "budget_left", "burn_long",
		"burn_short", "reason"};
	size_t i, j;

	tl_export_csv_row(out, head, TL_ARRAY_SIZE(head));
	for (i = 0; i < rep->n; i++) {
		const struct tl_slo_result *r = &rep->r[i];
		char *c[TL_ARRAY_SIZE(head)];

		c[0] = xstrdup(r->obj->name);
		c[1] = xstrdup(r->params);
		c[2] = xstrdup(status(r));
		c[3] = xstrdup(gate_fails(r)	       ? "fail"
			       : r->now == TL_SLO_PASS ? "pass"
						       : "skip");
		c[4] = num(r->value);
		c[5] = num(r->lo);
		c[6] = num(r->hi);
		c[7] = xstrdup(r->unit ? r->unit : "");
		c[8] = xstrdup(tl_slo_op_name(r->obj->op));
		c[9] = num(r->obj->value);
		c[10] = num(r->obj->target);
		c[11] = xasprintf("%zu", r->budget.good);
		c[12] = xasprintf("%zu", r->budget.bad);
		c[13] = num(r->budget.budget_left);
		c[14] = num(r->budget.burn_long);
		c[15] = num(r->budget.burn_short);
		c[16] = xstrdup(r->reason ? r->reason : "");
		tl_export_csv_row(out, (const char *const *)c,
				  TL_ARRAY_SIZE(head));
		for (j = 0; j < TL_ARRAY_SIZE(head); j++)
			free(c[j]);
	}
}
