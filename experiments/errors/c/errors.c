/*
 * errors.c - an error travelling up a 3-deep call chain, C side
 * (article 1.3 and 2.5).
 *
 * One op parses one record of the shared input through
 * parse_record -> parse_field -> parse_digits (all noinline); a record
 * with a non-digit fails at the deepest level and the failure travels up.
 * Mechanisms:
 *
 *   c.retcode   int return code (0 / -EINVAL), value through a pointer
 *   c.errunion  lib/errunion.h: a {value, u16 err} struct returned in
 *               registers, TL_TRY at each level (Zig's `try`)
 *   c.longjmp   lib/panic.h: the deepest level panics (longjmp) and a
 *               recovery frame per op catches it (Go's panic/recover)
 *
 * The input: 4096 records built from splitmix64 with seed 42, identical
 * in the C, Go and Zig workloads (fact input_fnv1a proves it). Record i
 * is the decimal of r1 % 1000000; it is bad when (r2 >> 11) <
 * error_rate * 2^53, and then char r3 % len becomes 'x'. The parsed sum
 * and the error count are checked against the generator's after the
 * batches.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "errunion.h"
#include "panic.h"
#include "tlw.h"

#define NREC 4096

struct input {
	unsigned char rec[NREC][8]; /* chars, then the length in rec[i][7] */
	uint64_t ok_sum, nbad;	    /* per pass over all records */
	uint64_t ok_before[NREC];   /* sum of good values before record i */
	uint64_t bad_before[NREC];  /* bad records before record i */
};

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void make_input(struct input *in, double rate)
{
	uint64_t s = 42, threshold = (uint64_t)(rate * 9007199254740992.0);
	uint64_t h = 0xcbf29ce484222325ull;
	char hex[32];
	int i, j;

	memset(in, 0, sizeof(*in));
	for (i = 0; i < NREC; i++) {
		uint64_t value = splitmix64(&s) % 1000000;
		uint64_t r2 = splitmix64(&s), r3 = splitmix64(&s);
		char d[8];
		int len = snprintf(d, sizeof(d), "%llu",
				   (unsigned long long)value);

		in->ok_before[i] = in->ok_sum;
		in->bad_before[i] = in->nbad;
		memcpy(in->rec[i], d, (size_t)len);
		in->rec[i][7] = (unsigned char)len;
		if ((r2 >> 11) < threshold) {
			in->rec[i][r3 % (uint64_t)len] = 'x';
			in->nbad++;
		} else {
			in->ok_sum += value;
		}
		for (j = 0; j < 8; j++) {
			h ^= in->rec[i][j];
			h *= 0x100000001b3ull;
		}
	}
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)h);
	tlw_fact("input_fnv1a", hex);
}

/* c.retcode */

static __attribute__((noinline)) int rc_digits(const unsigned char *s, int len,
					       uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static __attribute__((noinline)) int rc_field(const unsigned char *s, int len,
					      uint32_t *out)
{
	int err = rc_digits(s, len, out);

	if (err)
		return err;
	if (*out > 999999)
		return -ERANGE;
	return 0;
}

static __attribute__((noinline)) int rc_record(const unsigned char *rec,
					       uint32_t *out)
{
	return rc_field(rec, rec[7], out);
}

/* c.errunion */

enum { E_INVALID_CHAR = 1, E_OVERFLOW = 2 };
TL_ERRUNION_DEFINE(eu_u32, uint32_t);

static __attribute__((noinline)) struct eu_u32 eu_digits(const unsigned char *s,
							 int len)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return TL_ERR(eu_u32, E_INVALID_CHAR);
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	return TL_OK(eu_u32, v);
}

static __attribute__((noinline)) struct eu_u32 eu_field(const unsigned char *s,
							int len)
{
	uint32_t v;

	TL_TRY(v, eu_digits(s, len), eu_u32);
	if (v > 999999)
		return TL_ERR(eu_u32, E_OVERFLOW);
	return TL_OK(eu_u32, v);
}

static __attribute__((noinline)) struct eu_u32
eu_record(const unsigned char *rec)
{
	uint32_t v;

	TL_TRY(v, eu_field(rec, rec[7]), eu_u32);
	return TL_OK(eu_u32, v);
}

/* c.longjmp */

static const char invalid_char[] = "invalid character";

static __attribute__((noinline)) uint32_t pj_digits(const unsigned char *s,
						    int len)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			tl_panic(invalid_char);
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	return v;
}

static __attribute__((noinline)) uint32_t pj_field(const unsigned char *s,
						   int len)
{
	uint32_t v = pj_digits(s, len);

	if (v > 999999)
		tl_panic("overflow");
	return v;
}

static __attribute__((noinline)) uint32_t pj_record(const unsigned char *rec)
{
	return pj_field(rec, rec[7]);
}

/* One op of c.longjmp: a recovery frame around the chain. */
static __attribute__((noinline)) int pj_op(const unsigned char *rec,
					   uint32_t *out)
{
	struct tl_panic_frame f;

	tl_panic_enter(&f, NULL, NULL);
	if (setjmp(f.jb) == 0) {
		*out = pj_record(rec);
		tl_panic_leave(&f);
		return 0;
	}
	return tl_panic_value(&f) == invalid_char ? -EINVAL : -EIO;
}

struct ctx {
	const struct input *in;
	uint64_t sum, nerr;	     /* what the batches parsed */
	uint64_t want_sum, want_err; /* what the generator says they should */
	int kind;
};

static void run(void *arg, uint64_t ops)
{
	struct ctx *c = arg;
	uint64_t i, sum = 0, nerr = 0;

	for (i = 0; i < ops; i++) {
		const unsigned char *rec = c->in->rec[i & (NREC - 1)];
		uint32_t v = 0;
		int err;

		if (c->kind == 0) {
			err = rc_record(rec, &v);
		} else if (c->kind == 1) {
			struct eu_u32 u = eu_record(rec);

			err = u.err;
			v = u.value;
		} else {
			err = pj_op(rec, &v);
		}
		if (err)
			nerr++;
		else
			sum += v;
	}
	c->sum += sum;
	c->nerr += nerr;
	c->want_sum +=
		ops / NREC * c->in->ok_sum + c->in->ok_before[ops % NREC];
	c->want_err += ops / NREC * c->in->nbad + c->in->bad_before[ops % NREC];
}

int main(int argc, char **argv)
{
	static struct input in;
	struct tlw_args a;
	struct ctx c = {0};
	double rate;

	tlw_parse(argc, argv, &a);
	rate = tlw_double(&a, "error_rate", 0.1);
	if (!(rate >= 0 && rate <= 1))
		tlw_die("error_rate must be within 0..1");
	if (tlw_is(&a, "c.retcode"))
		c.kind = 0;
	else if (tlw_is(&a, "c.errunion"))
		c.kind = 1;
	else if (tlw_is(&a, "c.longjmp"))
		c.kind = 2;
	else
		tlw_die("unknown variant '%s'", a.variant);
	make_input(&in, rate);
	c.in = &in;
	tlw_run(&a, run, &c);
	if (c.sum != c.want_sum || c.nerr != c.want_err)
		tlw_die("parsed sum %llu errors %llu, expected %llu and %llu",
			(unsigned long long)c.sum, (unsigned long long)c.nerr,
			(unsigned long long)c.want_sum,
			(unsigned long long)c.want_err);
	tlw_metric("error_fraction", (double)in.nbad / NREC);
	tlw_keep(c.sum);
	return tlw_finish();
}
