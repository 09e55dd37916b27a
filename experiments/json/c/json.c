/*
 * json.c - serialise records of a 6-field struct to JSON three ways in C:
 * by walking a runtime type descriptor (lib/reflect.c, the model of Go's
 * encoding/json), by code generated per type with X-macros
 * (lib/jsongen.h, the model of Zig's comptime serialisation), and with
 * jansson (the library a C user would pick).
 *
 * Variants: c.reflect, c.xmacro, c.jansson. Param records=N (default
 * 1000): the number of distinct records, made before timing from a fixed
 * seed (splitmix64, the same generator and recipe as the Go and Zig
 * workloads). One operation serialises one record (cycling through the N)
 * into a reused buffer; jansson builds its json_t object per record, as a
 * user converting a struct would.
 *
 * Checks and facts, outside the timed batches: the N records serialised
 * one per line ('\n' after each; dump=1 also writes them to stderr) give
 * output_bytes and output_fnv1a64,
 * which must be equal across every variant of every language (the harness
 * or a test compares them); the bytes serialised per second in the timed
 * batches give metric mb_per_s (MB = 1e6 bytes); code_bytes is the size
 * of the serialiser's functions from this binary's symbol table.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* the harness builds with plain cc -O2 */
#endif
#include "record.h"
#include "tlw_elf.h"

#include <inttypes.h>
#include <jansson.h>
#include <link.h>

/* noinline keeps the generated serialiser in one symbol, to measure it. */
TL_JSONGEN_FUNC(__attribute__((noinline)) static, tl_record, TL_RECORD_FIELDS)

typedef int serialise_fn(const struct tl_record *r, char *buf, size_t cap);

struct ctx {
	struct tl_record *recs;
	size_t n;
	size_t next;
	serialise_fn *fn;
	char buf[4096];
	uint64_t bytes;
	int failed;
};

static int ser_reflect(const struct tl_record *r, char *buf, size_t cap)
{
	return tl_reflect_to_json(&tl_record_type, r, buf, cap);
}

static int ser_xmacro(const struct tl_record *r, char *buf, size_t cap)
{
	return tl_record_to_json(r, buf, cap);
}

static int ser_jansson(const struct tl_record *r, char *buf, size_t cap)
{
	json_t *o = json_object();
	size_t n;

	if (!o)
		return -ENOMEM;
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "name", json_string(r->name));
	json_object_set_new(o, "email", json_string(r->email));
	json_object_set_new(o, "age", json_integer(r->age));
	json_object_set_new(o, "balance", json_integer(r->balance));
	json_object_set_new(o, "active", json_boolean(r->active));
	n = json_dumpb(o, buf, cap, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (n == 0 || n > cap)
		return -ENOSPC;
	return (int)n;
}

static void batch(void *p, uint64_t ops)
{
	struct ctx *c = p;
	uint64_t bytes = 0;
	size_t i = c->next;

	while (ops--) {
		int len = c->fn(&c->recs[i], c->buf, sizeof(c->buf));

		if (len < 0)
			c->failed = 1;
		else
			bytes += (uint64_t)len;
		tlw_keep_ptr(c->buf);
		if (++i == c->n)
			i = 0;
	}
	c->next = i;
	c->bytes += bytes;
}

/* The record generator shared with the Go and Zig workloads. */
static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static struct tl_record *make_records(size_t n)
{
	static const char *const first[8] = {"Ann",  "Bob",	    "Chen",
					     "Dana", "Jos\xc3\xa9", "Eve",
					     "Kai",  "Lu"};
	static const char *const last[8] = {
		"Smith",  "O\"Neil", "Back\\Slash",   "Tab\tTer",
		"Nguyen", "Li",	     "M\xc3\xbcller", "Kowalski"};
	struct tl_record *r = calloc(n, sizeof(*r));
	char *text = malloc(n * 64);
	uint64_t st = 0x5eed;
	size_t i;

	if (!r || !text)
		tlw_die("out of memory");
	for (i = 0; i < n; i++) {
		char *name = text + i * 64, *email = name + 24;
		const char *f, *l;

		r[i].id = (int64_t)(splitmix64(&st) >> 1);
		f = first[splitmix64(&st) % 8];
		l = last[splitmix64(&st) % 8];
		snprintf(name, 24, "%s %s", f, l);
		snprintf(email, 40, "user%zu@example.com", i);
		r[i].name = name;
		r[i].email = email;
		r[i].age = (int32_t)(splitmix64(&st) % 100);
		r[i].balance = (int64_t)(splitmix64(&st) % 2000001) - 1000000;
		r[i].active = (splitmix64(&st) & 1) != 0;
	}
	return r;
}

/* FNV-1a 64 of the N records, one per line; returns their byte count. */
static long long output_check(struct ctx *c, uint64_t *fnv, int dump)
{
	uint64_t h = 0xcbf29ce484222325ull;
	long long total = 0;
	size_t i;
	int k;

	for (i = 0; i < c->n; i++) {
		int len = c->fn(&c->recs[i], c->buf, sizeof(c->buf) - 1);

		if (len < 0)
			return -1;
		c->buf[len++] = '\n';
		if (dump)
			fwrite(c->buf, 1, (size_t)len, stderr);
		for (k = 0; k < len; k++) {
			h ^= (unsigned char)c->buf[k];
			h *= 0x100000001b3ull;
		}
		total += len;
	}
	*fnv = h;
	return total;
}

static int jansson_segment(struct dl_phdr_info *info, size_t size, void *p)
{
	long long *bytes = p;
	int i;

	(void)size;
	if (!strstr(info->dlpi_name, "libjansson"))
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_LOAD &&
		    (info->dlpi_phdr[i].p_flags & PF_X))
			*bytes += (long long)info->dlpi_phdr[i].p_memsz;
	return 1;
}

static void code_facts(const char *variant)
{
	static const char *const reflect_fns[] = {"tl_reflect_put",
						  "tl_reflect_to_json", NULL};
	static const char *const xmacro_fns[] = {"tl_record_to_json", NULL};
	char why[256], v[300];
	long long b;

	if (strcmp(variant, "c.jansson") == 0) {
		b = 0;
		dl_iterate_phdr(jansson_segment, &b);
		tlw_fact("code_bytes", "absent:jansson's serialiser is "
				       "internal to libjansson.so");
		if (b > 0)
			tlw_fact_int("lib_code_bytes", b);
		tlw_fact("code_bytes_method",
			 "lib_code_bytes: executable PT_LOAD segment of "
			 "libjansson.so (whole library, parser included)");
		return;
	}
	b = tlw_code_bytes(strcmp(variant, "c.reflect") == 0 ? reflect_fns
							     : xmacro_fns,
			   why, sizeof(why));
	if (b < 0) {
		snprintf(v, sizeof(v), "absent:%s", why);
		tlw_fact("code_bytes", v);
		return;
	}
	tlw_fact_int("code_bytes", b);
	tlw_fact("code_bytes_method",
		 strcmp(variant, "c.reflect") == 0
			 ? "ELF .symtab of own executable: tl_reflect_put + "
			   "tl_reflect_to_json (writers inlined)"
			 : "ELF .symtab of own executable: tl_record_to_json, "
			   "the generated function (writers inlined)");
}

int main(int argc, char **argv)
{
	struct tlw_args a;
	struct ctx *c = calloc(1, sizeof(*c));
	uint64_t t0, t1, fnv;
	long long n, total;
	char hex[32];

	if (!c)
		tlw_die("out of memory");
	tlw_parse(argc, argv, &a);
	n = tlw_int(&a, "records", 1000);
	if (n < 1 || n > 10000000)
		tlw_die("records=%lld out of range 1..10000000", n);
	c->n = (size_t)n;
	if (tlw_is(&a, "c.reflect"))
		c->fn = ser_reflect;
	else if (tlw_is(&a, "c.xmacro"))
		c->fn = ser_xmacro;
	else if (tlw_is(&a, "c.jansson"))
		c->fn = ser_jansson;
	else
		tlw_die("unknown variant '%s'", a.variant);
	c->recs = make_records(c->n);

	t0 = tlw_now_ns();
	tlw_run(&a, batch, c);
	t1 = tlw_now_ns();

	if (c->failed) {
		fprintf(stderr, "json: a record did not serialise\n");
		return 1;
	}
	/*
	 * Bytes over the batches' wall time (sample printing between batches
	 * is buffered, so it adds next to nothing).
	 */
	if (a.samples > 0 && t1 > t0)
		tlw_metric("mb_per_s",
			   (double)c->bytes * 1e3 / (double)(t1 - t0));
	total = output_check(c, &fnv, tlw_int(&a, "dump", 0) != 0);
	if (total < 0) {
		fprintf(stderr, "json: a record did not serialise\n");
		return 1;
	}
	snprintf(hex, sizeof(hex), "%016" PRIx64, fnv);
	tlw_fact_int("records", n);
	tlw_fact_int("output_bytes", total);
	tlw_fact("output_fnv1a64", hex);
	code_facts(a.variant);
	free((void *)c->recs[0].name); /* the text block of all records */
	free(c->recs);
	free(c);
	return tlw_finish();
}
