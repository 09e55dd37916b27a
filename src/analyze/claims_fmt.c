/*
 * claims_fmt.c - the names, units and quantities of the claim language,
 * and a claim written back as text: "~ 25 ns +- 50%" (claims.h).
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

static const char *const dim_names[] = {
#define X(id, name) name,
	TL_DIMS(X)
#undef X
};

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

const char *tl_dim_name(enum tl_dim d)
{
	return (unsigned)d < TL_DIM_COUNT_ ? dim_names[d] : "?";
}

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

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

enum tl_dim tl_claims_metric_dim(const char *metric)
{
	if (!strcmp(metric, "ns_per_op") || ends_with(metric, "_ns") ||
	    strstr(metric, "_ns_per_") || ends_with(metric, "_ns_p50") ||
	    strstr(metric, "_ns_p9") || !strncmp(metric, "ns_", 3))
		return TL_DIM_TIME;
	if (ends_with(metric, "_bytes") || strstr(metric, "_bytes_per_") ||
	    !strncmp(metric, "bytes_", 6))
		return TL_DIM_BYTES;
	if (ends_with(metric, "_ratio") || ends_with(metric, "_rate"))
		return TL_DIM_FRACTION;
	return TL_DIM_COUNT;
}

/* Units accepted in quantities, per dimension, with their factor. */
static const struct unit {
	const char *name;
	enum tl_dim dim;
	double factor;
} units[] = {
	{"ns", TL_DIM_TIME, 1},
	{"us", TL_DIM_TIME, 1e3},
	{"\xc2\xb5s", TL_DIM_TIME, 1e3}, /* µs */
	{"ms", TL_DIM_TIME, 1e6},
	{"s", TL_DIM_TIME, 1e9},
	{"B", TL_DIM_BYTES, 1},
	{"KB", TL_DIM_BYTES, 1e3},
	{"KiB", TL_DIM_BYTES, 1024},
	{"MB", TL_DIM_BYTES, 1e6},
	{"MiB", TL_DIM_BYTES, 1048576},
	{"GB", TL_DIM_BYTES, 1e9},
	{"GiB", TL_DIM_BYTES, 1073741824},
	{"%", TL_DIM_FRACTION, 0.01},
	{"x", TL_DIM_FACTOR, 1},
};

const char *tl_claims_unit(size_t i, enum tl_dim *dim, double *factor)
{
	if (i >= TL_ARRAY_SIZE(units))
		return NULL;
	*dim = units[i].dim;
	*factor = units[i].factor;
	return units[i].name;
}

int tl_claims_quantity(const char *s, enum tl_dim dim, double *out,
		       const char **why)
{
	const char *u;
	char *end;
	double v;
	size_t i;

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
	for (i = 0; i < TL_ARRAY_SIZE(units); i++) {
		if (strcmp(u, units[i].name) != 0)
			continue;
		if (units[i].dim != dim) {
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
		*out = v * units[i].factor;
		return 0;
	}
	*why = "unknown unit (ns us ms s B KB KiB MB MiB GB GiB % x)";
	return -EINVAL;
}

/*
 * A number for people: never an exponent ("1.23M", "0.000012"), at most
 * three significant digits past the point.
 */
static void fmt_num(struct tl_buf *b, double v)
{
	static const char *const si[] = {"k", "M", "G", "T", "P"};
	double a = fabs(v);
	int i;

	if (isnan(v)) {
		tl_buf_puts(b, "-");
		return;
	}
	if (a >= 1e5) {
		for (i = 0; i < 4 && a >= 1e3 * 1e3; i++)
			a /= 1e3, v /= 1e3;
		v /= 1e3;
		tl_buf_printf(b, fabs(v) >= 100 ? "%.0f%s" : "%.3g%s", v,
			      si[i]);
	} else if (a != 0 && a < 1e-3) {
		tl_buf_printf(b, "%.*f", (int)-floor(log10(a)) + 2, v);
	} else if (a >= 100)
		tl_buf_printf(b, "%.0f", v);
	else if (a >= 10)
		tl_buf_printf(b, "%.1f", v);
	else
		tl_buf_printf(b, "%.3g", v);
}

/*
 * v in the largest of unit[0..3] (v / 1e9, / 1e6, / 1e3, / 1) that keeps
 * it at least 1; the third unit starts at 1e4 ("9500 ns", not "9.5 us").
 */
static void fmt_scaled(struct tl_buf *b, double v, const char *const unit[4])
{
	static const double scale[] = {1e9, 1e6, 1e3, 1},
			    from[] = {1e9, 1e6, 1e4, 0};
	double a = fabs(v);
	int i = 0;

	while (i < 3 && !(a >= from[i])) /* NaN falls through to unit[3] */
		i++;
	fmt_num(b, v / scale[i]);
	tl_buf_printf(b, " %s", unit[i]);
}

void tl_claims_fmt_value(struct tl_buf *b, double v, enum tl_dim dim)
{
	static const char *const time_units[] = {"s", "ms", "us", "ns"};
	static const char *const byte_units[] = {"GB", "MB", "KB", "B"};

	if (isinf(v)) {
		tl_buf_puts(b, v > 0 ? "inf" : "-inf");
		return;
	}
	switch (dim) {
	case TL_DIM_TIME:
		fmt_scaled(b, v, time_units);
		break;
	case TL_DIM_BYTES:
		fmt_scaled(b, v, byte_units);
		break;
	case TL_DIM_FRACTION:
		fmt_num(b, v * 100);
		tl_buf_puts(b, "%");
		break;
	case TL_DIM_FACTOR:
		fmt_num(b, v);
		tl_buf_puts(b, "x");
		break;
	default:
		fmt_num(b, v);
		break;
	}
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
		tl_claims_fmt_value(b, p->center, dim);
		tl_buf_puts(b, " +- ");
		if (p->tol_rel)
			tl_buf_printf(b, "%g%%",
				      p->tol / fabs(p->center) * 100);
		else
			tl_claims_fmt_value(b, p->tol, dim);
		break;
	case TL_PRED_BETWEEN:
		tl_claims_fmt_value(b, p->lo, dim);
		tl_buf_puts(b, " .. ");
		tl_claims_fmt_value(b, p->hi, dim);
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
			tl_claims_fmt_value(b, p->hi, dim);
		else
			tl_claims_fmt_value(b, p->lo, dim);
		break;
	default:
		tl_buf_puts(b, "?");
	}
}
