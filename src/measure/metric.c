/*
 * metric.c - the table of metrics (metric.h), the one fallback rule for
 * names it does not list, the units people and results files write, and
 * a value printed for people.
 *
 * The fallback rule reads the name's suffix (the STYLE.md convention:
 * units are suffixes): *_per_s a rate, *_ns / ns_per_* / *_ns_per_* a
 * time in ns, *_s a time in s, *_bytes / bytes_* / *_bytes_* a size,
 * *_ratio / *_fraction / *_rate a fraction, *_pct a fraction in percent,
 * anything else a count. It is the only place a unit comes from a name.
 */
#include "measure/metric.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/banned.h"

static const char *const dim_names[] = {
#define X(id, name, base) name,
	TL_DIMS(X)
#undef X
};

static const char *const dim_bases[] = {
#define X(id, name, base) base,
	TL_DIMS(X)
#undef X
};

const char *tl_dim_name(enum tl_dim d)
{
	return (unsigned)d < TL_DIM_COUNT_ ? dim_names[d] : "?";
}

const char *tl_dim_base_unit(enum tl_dim d)
{
	return (unsigned)d < TL_DIM_COUNT_ ? dim_bases[d] : "?";
}

static const struct row {
	const char *name;
	enum tl_dim dim;
	const char *unit;
	enum tl_better better;
	const char *om_name, *om_unit;
	double om_divisor;
} table[] = {
#define X(name, dim, unit, better, om, omu, div)                               \
	{name, TL_DIM_##dim, unit, TL_BETTER_##better, om, omu, div},
	TL_METRICS(X)
#undef X
};

/*
 * Units with their dimension and factor to the base unit. The first
 * N_WRITTEN are those people write in claims and SLO thresholds; the rest
 * are only stored in results files.
 */
#define N_WRITTEN 14
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
	/* stored only */
	{"bytes", TL_DIM_BYTES, 1},
	{"ratio", TL_DIM_FRACTION, 1},
	{"count", TL_DIM_COUNT, 1},
	{"MB/s", TL_DIM_RATE, 1e6},
	{"1/s", TL_DIM_RATE, 1},
};

_Static_assert(N_WRITTEN <= TL_ARRAY_SIZE(units), "N_WRITTEN");

int tl_metric_unit_find(const char *unit, enum tl_dim *dim, double *factor)
{
	size_t i;

	for (i = 0; unit && i < TL_ARRAY_SIZE(units); i++)
		if (!strcmp(unit, units[i].name)) {
			*dim = units[i].dim;
			*factor = units[i].factor;
			return 0;
		}
	return -ENOENT;
}

const char *tl_metric_unit_at(size_t i, enum tl_dim *dim, double *factor)
{
	if (i >= N_WRITTEN)
		return NULL;
	*dim = units[i].dim;
	*factor = units[i].factor;
	return units[i].name;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void set(struct tl_metric *m, enum tl_dim dim, const char *unit,
		const char *om_unit, double om_divisor)
{
	m->dim = dim;
	m->unit = unit;
	m->better = dim == TL_DIM_RATE ? TL_BETTER_HIGHER : TL_BETTER_LOWER;
	m->om_unit = om_unit;
	m->om_divisor = om_divisor;
}

/* The OpenMetrics stem: name with suffix cut off, then tail appended. */
static void stem(struct tl_metric *m, size_t cut, const char *tail)
{
	snprintf(m->om_name, sizeof(m->om_name), "%.*s%s",
		 (int)(strlen(m->name) - cut), m->name, tail);
}

/* The fallback rule of the file comment, for a name not in the table. */
static void fallback(struct tl_metric *m)
{
	const char *name = m->name, *p;

	set(m, TL_DIM_COUNT, "count", "", 1);
	stem(m, 0, "");
	if (ends_with(name, "_per_s")) {
		set(m, TL_DIM_RATE, "1/s", "per_second", 1);
		stem(m, 6, "");
	} else if ((p = strstr(name, "_ns_per_"))) {
		/* task_clock_ns_per_op: op_task_clock_seconds */
		set(m, TL_DIM_TIME, "ns", "seconds", 1e9);
		snprintf(m->om_name, sizeof(m->om_name), "%s_%.*s", p + 8,
			 (int)(p - name), name);
	} else if (!strncmp(name, "ns_per_", 7)) {
		set(m, TL_DIM_TIME, "ns", "seconds", 1e9);
		snprintf(m->om_name, sizeof(m->om_name), "%s_duration",
			 name + 7);
	} else if (ends_with(name, "_ns")) {
		set(m, TL_DIM_TIME, "ns", "seconds", 1e9);
		stem(m, 3, "");
	} else if (strstr(name, "_ns_p") || !strncmp(name, "ns_", 3)) {
		/* wake_ns_p99: a percentile of a time */
		set(m, TL_DIM_TIME, "ns", "seconds", 1e9);
	} else if (ends_with(name, "_s")) {
		set(m, TL_DIM_TIME, "s", "seconds", 1);
		stem(m, 2, "_duration");
	} else if ((p = strstr(name, "_bytes_"))) {
		/* rss_bytes_per_task: rss_per_task_bytes */
		set(m, TL_DIM_BYTES, "bytes", "bytes", 1);
		snprintf(m->om_name, sizeof(m->om_name), "%.*s%s",
			 (int)(p - name), name, p + 6);
	} else if (ends_with(name, "_bytes")) {
		set(m, TL_DIM_BYTES, "bytes", "bytes", 1);
		stem(m, 6, "");
	} else if (!strncmp(name, "bytes_", 6)) {
		set(m, TL_DIM_BYTES, "bytes", "bytes", 1);
	} else if (ends_with(name, "_ratio") || ends_with(name, "_rate")) {
		set(m, TL_DIM_FRACTION, "ratio", "ratio", 1);
		stem(m, ends_with(name, "_ratio") ? 6 : 5, "");
	} else if (ends_with(name, "_fraction")) {
		set(m, TL_DIM_FRACTION, "ratio", "ratio", 1);
		stem(m, 9, "");
	} else if (ends_with(name, "_pct")) {
		set(m, TL_DIM_FRACTION, "%", "ratio", 100);
		stem(m, 4, "");
	}
}

/* The OpenMetrics unit of a base unit, and its divisor from the base. */
static const char *om_base(enum tl_dim dim, double *divisor)
{
	*divisor = dim == TL_DIM_TIME ? 1e9 : 1;
	return dim == TL_DIM_TIME	? "seconds"
	       : dim == TL_DIM_BYTES	? "bytes"
	       : dim == TL_DIM_FRACTION ? "ratio"
	       : dim == TL_DIM_RATE	? "per_second"
					: "";
}

/* A stored unit that differs from the name's: it wins (metric.h). */
static void apply_stored(struct tl_metric *m, const char *stored)
{
	enum tl_dim dim;
	double factor, base;

	/*
	 * "count" was the old writers' catch-all for a name they could not
	 * read, so it says nothing against the name.
	 */
	if (!stored || !*stored || !strcmp(stored, m->unit) ||
	    !strcmp(stored, "count"))
		return;
	if (tl_metric_unit_find(stored, &dim, &factor)) {
		/* A unit nobody here knows: shown as it is, never scaled. */
		m->unit = stored;
		snprintf(m->om_name, sizeof(m->om_name), "%s", m->name);
		m->om_unit = "";
		m->om_divisor = 1;
		return;
	}
	if (dim != m->dim) {
		snprintf(m->om_name, sizeof(m->om_name), "%s", m->name);
		m->om_unit = om_base(dim, &base);
	} else {
		om_base(dim, &base);
	}
	m->dim = dim;
	m->unit = stored;
	m->om_divisor = base / factor;
}

void tl_metric_describe(const char *name, const char *stored_unit,
			struct tl_metric *out)
{
	size_t i;
	char *p;

	memset(out, 0, sizeof(*out));
	out->name = name ? name : "";
	for (i = 0; i < TL_ARRAY_SIZE(table); i++)
		if (!strcmp(out->name, table[i].name))
			break;
	if (i < TL_ARRAY_SIZE(table)) {
		out->known = 1;
		out->dim = table[i].dim;
		out->unit = table[i].unit;
		out->better = table[i].better;
		snprintf(out->om_name, sizeof(out->om_name), "%s",
			 table[i].om_name);
		out->om_unit = table[i].om_unit;
		out->om_divisor = table[i].om_divisor;
	} else {
		fallback(out);
	}
	apply_stored(out, stored_unit);
	/* Anything outside the OpenMetrics name alphabet becomes '_'. */
	for (p = out->om_name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			*p = '_';
	if (!*out->om_name)
		snprintf(out->om_name, sizeof(out->om_name), "unnamed");
}

enum tl_dim tl_metric_dim(const char *name, const char *stored_unit)
{
	struct tl_metric m;

	tl_metric_describe(name, stored_unit, &m);
	return m.dim;
}

const char *tl_metric_unit(const char *name)
{
	struct tl_metric m;

	tl_metric_describe(name, NULL, &m);
	return m.unit; /* static: from the table or the fallback */
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

void tl_metric_fmt_value(struct tl_buf *b, double v, enum tl_dim dim)
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

double tl_metric_base_factor(const struct tl_metric *m)
{
	enum tl_dim dim;
	double factor;

	return tl_metric_unit_find(m->unit, &dim, &factor) ? 1 : factor;
}

void tl_metric_fmt(struct tl_buf *b, double v, const struct tl_metric *m)
{
	tl_metric_fmt_value(b, v * tl_metric_base_factor(m), m->dim);
}
