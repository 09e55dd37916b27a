/*
 * promrules.c - recording rules and burn-rate alerts from a service SLO.
 *
 * The shape follows Sloth's generated rules (so dashboards written for
 * them read ours with the label names changed): one recording rule
 * slo:sli_error:ratio_rate<W> per objective and window, metadata rules
 * (slo:objective:ratio, slo:error_budget:ratio, slo:current_burn_rate:
 * ratio, slo:period_burn_rate:ratio, slo:period_error_budget_remaining:
 * ratio), and two alerts per objective, page and ticket, each the `or` of
 * two window pairs where both windows must burn faster than the factor:
 *
 *   ( max(slo:sli_error:ratio_rate5m{..} > (14.4 * 0.0005)) without
 * (slo_window) and max(slo:sli_error:ratio_rate1h{..} > (14.4 * 0.0005))
 * without (slo_window) ) or ( ... 30m and 6h at 6x ... )
 *
 * Bounds (constraints) have no error budget: their value is recorded over
 * the page window and an alert fires when it stays past the bound for the
 * short window.
 */
#include "report/promrules.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

#define PERIOD_30D_S (30 * 86400.0)

void tl_burn_windows(double period_s, struct tl_burn_window w[TL_BURN_WINDOWS])
{
	static const struct tl_burn_window base[TL_BURN_WINDOWS] = {
		{"page", 0.02, 3600, 300, 0},
		{"page", 0.05, 6 * 3600, 1800, 0},
		{"ticket", 0.10, 86400, 2 * 3600, 0},
		{"ticket", 0.10, 3 * 86400, 6 * 3600, 0},
	};
	double scale = period_s / PERIOD_30D_S;
	int i;

	for (i = 0; i < TL_BURN_WINDOWS; i++) {
		w[i] = base[i];
		/* Whole milliseconds: what a Prometheus duration can say. */
		w[i].long_s = round(base[i].long_s * scale * 1e3) / 1e3;
		w[i].short_s = round(base[i].short_s * scale * 1e3) / 1e3;
		if (w[i].short_s < 1e-3)
			w[i].short_s = 1e-3;
		w[i].factor = base[i].budget_share * period_s / w[i].long_s;
	}
}

char *tl_promrules_alert_base(const struct tl_svc_slo *slo,
			      const struct tl_svc_objective *o)
{
	struct tl_buf b = TL_BUF_INIT;
	const char *parts[2] = {slo->service, o->name};
	int i, up;

	/* CamelCase of "risk-decision-api" + "latency", letters and digits. */
	for (i = 0; i < 2; i++) {
		const char *p;

		up = 1;
		for (p = parts[i]; *p; p++) {
			if (!isalnum((unsigned char)*p)) {
				up = 1;
				continue;
			}
			if (!b.len && isdigit((unsigned char)*p))
				tl_buf_puts(&b, "SLO");
			tl_buf_printf(&b, "%c",
				      up ? toupper((unsigned char)*p) : *p);
			up = 0;
		}
	}
	if (!b.len)
		tl_buf_puts(&b, "SLO");
	return b.s;
}

/* A YAML double-quoted scalar (label values may hold anything). */
static void yq(struct tl_buf *out, const char *s)
{
	tl_buf_puts(out, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			tl_buf_printf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			tl_buf_printf(out, "\\x%02x", (unsigned char)*s);
		else
			tl_buf_printf(out, "%c", *s);
	}
	tl_buf_puts(out, "\"");
}

/* A PromQL label matcher value (double-quoted, escaped). */
static void pq(struct tl_buf *out, const char *s)
{
	tl_buf_puts(out, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			tl_buf_printf(out, "\\%c", *s);
		else if (*s == '\n')
			tl_buf_puts(out, "\\n");
		else
			tl_buf_printf(out, "%c", *s);
	}
	tl_buf_puts(out, "\"");
}

/* expr as a YAML literal block at indent 10. */
static void expr_block(struct tl_buf *out, const char *expr)
{
	const char *p = expr, *nl;

	tl_buf_puts(out, "        expr: |-\n");
	for (;;) {
		nl = strchr(p, '\n');
		tl_buf_puts(out, "          ");
		tl_buf_append(out, p, nl ? (size_t)(nl - p) : strlen(p));
		tl_buf_puts(out, "\n");
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void labels(struct tl_buf *out, const struct tl_svc_slo *slo,
		   const struct tl_svc_objective *o, const char *window,
		   const char *severity)
{
	tl_buf_puts(out, "        labels:\n          slo_service: ");
	yq(out, slo->service);
	tl_buf_puts(out, "\n          slo_name: ");
	yq(out, o->name);
	tl_buf_puts(out, "\n");
	if (window)
		tl_buf_printf(out, "          slo_window: \"%s\"\n", window);
	if (severity)
		tl_buf_printf(out, "          severity: %s\n", severity);
}

static char *filter(const struct tl_svc_slo *slo,
		    const struct tl_svc_objective *o)
{
	struct tl_buf b = TL_BUF_INIT;

	tl_buf_puts(&b, "{slo_service=");
	pq(&b, slo->service);
	tl_buf_puts(&b, ", slo_name=");
	pq(&b, o->name);
	tl_buf_puts(&b, "}");
	return b.s;
}

static int has_window(const double *v, size_t n, double s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fabs(v[i] - s) < 1e-9)
			return 1;
	return 0;
}

static void sli_rules(struct tl_buf *out, const struct tl_svc_slo *slo,
		      const struct tl_svc_objective *o,
		      const struct tl_burn_window *w, double period_s)
{
	double wins[2 * TL_BURN_WINDOWS + 1];
	size_t n = 0, i;
	char ws[32];

	for (i = 0; i < TL_BURN_WINDOWS; i++) {
		if (!has_window(wins, n, w[i].short_s))
			wins[n++] = w[i].short_s;
		if (!has_window(wins, n, w[i].long_s))
			wins[n++] = w[i].long_s;
	}
	if (!has_window(wins, n, period_s))
		wins[n++] = period_s;
	for (i = 0; i < n; i++) {
		struct tl_buf e = TL_BUF_INIT;

		tl_svc_fmt_duration(wins[i], ws, sizeof(ws));
		/* The value's own range (THRESHOLD) is the shortest window. */
		tl_svc_error_ratio(o, wins[i], w[0].short_s, &e);
		tl_buf_printf(out,
			      "      - record: slo:sli_error:ratio_rate%s\n",
			      ws);
		expr_block(out, tl_buf_str(&e));
		labels(out, slo, o, ws, NULL);
		tl_buf_release(&e);
	}
}

/* One recording rule of o, labelled with the SLO (no window label). */
static void record(struct tl_buf *out, const struct tl_svc_slo *slo,
		   const struct tl_svc_objective *o, const char *name,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void record(struct tl_buf *out, const struct tl_svc_slo *slo,
		   const struct tl_svc_objective *o, const char *name,
		   const char *fmt, ...)
{
	struct tl_buf e = TL_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	tl_buf_vprintf(&e, fmt, ap);
	va_end(ap);
	tl_buf_printf(out, "      - record: %s\n", name);
	expr_block(out, tl_buf_str(&e));
	labels(out, slo, o, NULL, NULL);
	tl_buf_release(&e);
}

static void meta_rules(struct tl_buf *out, const struct tl_svc_slo *slo,
		       const struct tl_svc_objective *o,
		       const struct tl_burn_window *w, double period_s)
{
	static const char burn[] = "slo:sli_error:ratio_rate%s%s\n/ "
				   "on(slo_service, slo_name) group_left\n"
				   "slo:error_budget:ratio%s";
	char *f = filter(slo, o), ws[32], ps[32];

	tl_svc_fmt_duration(w[0].short_s, ws, sizeof(ws));
	tl_svc_fmt_duration(period_s, ps, sizeof(ps));
	record(out, slo, o, "slo:objective:ratio", "vector(%.10g)", o->target);
	record(out, slo, o, "slo:error_budget:ratio", "vector(%.10g)",
	       1 - o->target);
	record(out, slo, o, "slo:time_period:days", "vector(%.10g)",
	       period_s / 86400);
	record(out, slo, o, "slo:current_burn_rate:ratio", burn, ws, f, f);
	record(out, slo, o, "slo:period_burn_rate:ratio", burn, ps, f, f);
	record(out, slo, o, "slo:period_error_budget_remaining:ratio",
	       "1 - slo:period_burn_rate:ratio%s", f);
	free(f);
}

static void burn_pair(struct tl_buf *e, const char *f,
		      const struct tl_burn_window *w, double budget)
{
	char s[32], l[32];

	tl_svc_fmt_duration(w->short_s, s, sizeof(s));
	tl_svc_fmt_duration(w->long_s, l, sizeof(l));
	tl_buf_printf(e,
		      "(\n  max(slo:sli_error:ratio_rate%s%s > (%.6g * %.10g)) "
		      "without (slo_window)\n  and\n  "
		      "max(slo:sli_error:ratio_rate%s%s > (%.6g * %.10g)) "
		      "without (slo_window)\n)",
		      s, f, w->factor, budget, l, f, w->factor, budget);
}

static void alert_rules(struct tl_buf *out, const struct tl_svc_slo *slo,
			const struct tl_svc_objective *o,
			const struct tl_burn_window *w)
{
	char *f = filter(slo, o), *name = tl_promrules_alert_base(slo, o);
	double budget = 1 - o->target;
	char l1[32], l2[32];
	int i;

	for (i = 0; i < TL_BURN_WINDOWS; i += 2) {
		struct tl_buf e = TL_BUF_INIT;

		burn_pair(&e, f, &w[i], budget);
		tl_buf_puts(&e, "\nor\n");
		burn_pair(&e, f, &w[i + 1], budget);
		tl_buf_printf(out, "      - alert: %sBurnRate%s\n", name,
			      i ? "Ticket" : "Page");
		expr_block(out, tl_buf_str(&e));
		labels(out, slo, o, NULL, w[i].severity);
		tl_buf_puts(out, "        annotations:\n          summary: ");
		yq(out, o->display ? o->display : o->name);
		tl_svc_fmt_duration(w[i].long_s, l1, sizeof(l1));
		tl_svc_fmt_duration(w[i + 1].long_s, l2, sizeof(l2));
		tl_buf_printf(
			out,
			"\n          description: \"{{$labels.slo_service}} "
			"{{$labels.slo_name}}: the error budget burns "
			"faster than %.3gx over %s or %.3gx over %s\"\n",
			w[i].factor, l1, w[i + 1].factor, l2);
		tl_buf_release(&e);
	}
	free(name);
	free(f);
}

static void bound_rules(struct tl_buf *out, const struct tl_svc_slo *slo,
			const struct tl_svc_objective *o,
			const struct tl_burn_window *w)
{
	char *f = filter(slo, o), *name = tl_promrules_alert_base(slo, o);
	struct tl_buf e = TL_BUF_INIT;
	char ls[32], ss[32];

	tl_svc_fmt_duration(w[0].long_s, ls, sizeof(ls));
	tl_svc_fmt_duration(w[0].short_s, ss, sizeof(ss));
	tl_svc_render(o->value, w[0].short_s, &e);
	tl_buf_puts(out, "      - record: slo:bound_value:current\n");
	expr_block(out, tl_buf_str(&e));
	labels(out, slo, o, ss, NULL);
	e.len = 0;
	tl_buf_printf(&e,
		      "max(slo:bound_value:current%s) without (slo_window) "
		      "%s %.10g",
		      f, o->op == TL_SLO_LT || o->op == TL_SLO_LTE ? ">" : "<",
		      o->threshold);
	tl_buf_printf(out, "      - alert: %sBound\n", name);
	expr_block(out, tl_buf_str(&e));
	tl_buf_printf(out, "        for: %s\n", ss);
	labels(out, slo, o, NULL, "ticket");
	tl_buf_puts(out, "        annotations:\n          summary: ");
	yq(out, o->display ? o->display : o->name);
	tl_buf_puts(out, "\n");
	if (o->enforcement) {
		tl_buf_puts(out, "          enforcement: ");
		yq(out, o->enforcement);
		tl_buf_puts(out, "\n");
	}
	tl_buf_release(&e);
	free(name);
	free(f);
}

void tl_promrules_write(const struct tl_svc_slo *slo, double period_s,
			struct tl_buf *out)
{
	struct tl_burn_window w[TL_BURN_WINDOWS];
	char ps[32];
	size_t i;

	if (!(period_s > 0))
		period_s = slo->window_s;
	tl_burn_windows(period_s, w);
	tl_svc_fmt_duration(period_s, ps, sizeof(ps));
	tl_buf_printf(out,
		      "# Generated by `traplab slo rules` from %s (%s).\n"
		      "# SLO period %s; burn-rate windows: the SRE workbook's "
		      "(1h/5m 14.4x, 6h/30m 6x,\n# 1d/2h 3x, 3d/6h 1x for "
		      "30d) scaled to the period.\n"
		      "groups:\n",
		      slo->path, slo->schema, ps);
	for (i = 0; i < slo->nobj; i++) {
		const struct tl_svc_objective *o = &slo->obj[i];

		char *g = xasprintf("traplab-slo-%s-%s", slo->service, o->name);

		tl_buf_puts(out, "  - name: ");
		yq(out, g);
		tl_buf_puts(out, "\n    rules:\n");
		free(g);
		if (o->kind == TL_SVC_BOUND) {
			bound_rules(out, slo, o, w);
			continue;
		}
		sli_rules(out, slo, o, w, period_s);
		meta_rules(out, slo, o, w, period_s);
		alert_rules(out, slo, o, w);
	}
}
