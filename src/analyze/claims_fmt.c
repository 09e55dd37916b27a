/*
 * claims_fmt.c - the names and quantities of the claim language, and a
 * claim written back as text: "~ 25 ns +- 50%" (claims.h). Units and how
 * a value prints come from the table of metrics (measure/metric.h).
 */
#include "analyze/claims.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/yamlx.h"
#include "base/banned.h"

static const char *const pred_keys[] = {
#define X(id, key, sym) key,
	TL_PREDS(X)
#undef X
};

static const char *const pred_syms[] = {
#define X(id, key, sym) sym,
	TL_PREDS(X)
#undef X
};

static const char *const need_names[] = {
#define X(id, name) name,
	TL_NEEDS(X)
#undef X
};

const char *tl_pred_key(enum tl_pred_op op)
{
	return (unsigned)op < TL_PRED_COUNT_ ? pred_keys[op] : "?";
}

const char *tl_pred_symbol(enum tl_pred_op op)
{
	return (unsigned)op < TL_PRED_COUNT_ ? pred_syms[op] : "?";
}

const char *tl_need_name(enum tl_need_kind k)
{
	return (unsigned)k < TL_NEED_COUNT_ ? need_names[k] : "?";
}

int tl_claims_quantity(const char *s, enum tl_dim dim, double *out,
		       const char **why)
{
	enum tl_dim udim;
	const char *u;
	char *end;
	double v, factor;

	*why = "expected a number with an optional unit";
	while (*s == ' ')
		s++;
	if (tl_strtod(s, &end, &v))
		return -EINVAL;
	u = end;
	while (*u == ' ')
		u++;
	if (!*u) {
		*out = v;
		return 0;
	}
	if (!tl_metric_unit_find(u, &udim, &factor)) {
		if (udim != dim) {
			*why = dim == TL_DIM_TIME ? "expected a time (ns, us, "
						    "ms, s)"
			       : dim == TL_DIM_BYTES
				       ? "expected a size (B, KB, "
					 "KiB, MB, MiB, GB, GiB)"
			       : dim == TL_DIM_FRACTION ? "expected a fraction "
							  "(0.12 or 12%)"
			       : dim == TL_DIM_FACTOR ? "expected a factor (3 "
							"or 3x)"
						      : "expected a plain "
							"count";
			return -EINVAL;
		}
		*out = v * factor;
		return 0;
	}
	*why = "unknown unit (ns us ms s B KB KiB MB MiB GB GiB % x)";
	return -EINVAL;
}

static const char *measure_verb(enum tl_measure_kind k)
{
	return k == TL_MEASURE_RATIO  ? " / "
	       : k == TL_MEASURE_DIFF ? " - "
				      : "";
}

static void fmt_side(struct tl_buf *b, const struct tl_side *s)
{
	size_t i;

	tl_buf_puts(b, s->variant ? s->variant : "?");
	for (i = 0; i < s->nparams; i++)
		tl_buf_printf(b, "%s%s=%s", i ? "," : "[", s->params[i].key,
			      s->params[i].val);
	if (s->nparams)
		tl_buf_puts(b, "]");
}

void tl_claims_fmt_measure(struct tl_buf *b, const struct tl_measure *m)
{
	tl_buf_printf(b, "%s/", m->experiment ? m->experiment : "?");
	fmt_side(b, &m->side[0]);
	if (m->kind == TL_MEASURE_RATIO || m->kind == TL_MEASURE_DIFF) {
		tl_buf_puts(b, measure_verb(m->kind));
		fmt_side(b, &m->side[1]);
	}
	if (m->fact)
		tl_buf_printf(b, " fact %s", m->fact);
	else if (m->metric)
		tl_buf_printf(b, " %s", m->metric);
	if (m->metric && m->q != 0.5) {
		if (m->q == 0.999)
			tl_buf_puts(b, " p99.9");
		else
			tl_buf_printf(b, " p%g", m->q * 100);
	}
}

void tl_claims_fmt_pred(struct tl_buf *b, const struct tl_claim *c)
{
	const struct tl_pred *p = &c->p;
	enum tl_dim dim = c->m.dim;

	switch (p->op) {
	case TL_PRED_APPROX:
	case TL_PRED_EQUIVALENT:
		tl_buf_puts(b, p->op == TL_PRED_APPROX ? "~ " : "equiv ");
		tl_metric_fmt_value(b, p->center, dim);
		tl_buf_puts(b, " +- ");
		if (p->tol_rel)
			tl_buf_printf(b, "%g%%",
				      p->tol / fabs(p->center) * 100);
		else
			tl_metric_fmt_value(b, p->tol, dim);
		break;
	case TL_PRED_BETWEEN:
		tl_metric_fmt_value(b, p->lo, dim);
		tl_buf_puts(b, " .. ");
		tl_metric_fmt_value(b, p->hi, dim);
		break;
	case TL_PRED_LT:
	case TL_PRED_LE:
	case TL_PRED_GT:
	case TL_PRED_GE:
	case TL_PRED_EQ:
	case TL_PRED_NE:
		/* An upper bound is in hi; lower bounds and eq/ne are in lo. */
		tl_buf_printf(b, "%s ", pred_syms[p->op]);
		if (p->text)
			tl_buf_puts(b, p->text);
		else if (p->op == TL_PRED_LT || p->op == TL_PRED_LE)
			tl_metric_fmt_value(b, p->hi, dim);
		else
			tl_metric_fmt_value(b, p->lo, dim);
		break;
	default:
		tl_buf_puts(b, "?");
	}
}
