/*
 * hashmap.c - insert then look up N keys: the generic C table (void * and
 * function pointers, lib/htable.c) against the same table specialised per
 * key type by macros (lib/htable_spec.h).
 *
 * Variants: c.generic_string, c.generic_int, c.specialised_string,
 * c.specialised_int. Param keys=N (default 1000000).
 *
 * One operation is one round: empty the presized table, insert the N keys
 * (value = index), then look every key up and sum the values. The table is
 * sized once, outside the timed batch, for N keys (as Go's make(m, n) and
 * Zig's ensureTotalCapacity do), so a round allocates nothing. Keys are
 * made before timing from a fixed seed: integer keys are splitmix64(i),
 * string keys are the same numbers as 16 lowercase hex digits.
 *
 * After the timed batches the last round's count and sum are checked
 * (exit 1 when wrong). The facts code_bytes and code_bytes_per_type are
 * the sizes of the table's functions read from this binary's own ELF
 * symbol table (see code_bytes_method).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* the harness builds with plain cc -O2 */
#endif
#include "htable.h"
#include "htable_spec.h"
#include "tlw_elf.h"

TL_HTABLE_SPEC(spec_int, uint64_t, int64_t, tl_htable_spec_u64_hash,
	       tl_htable_spec_u64_eq)
TL_HTABLE_SPEC(spec_str, struct tl_htable_str, int64_t, tl_htable_spec_str_hash,
	       tl_htable_spec_str_eq)

struct ctx {
	size_t n;
	size_t slots;
	void *storage;
	uint64_t *ikeys;
	struct tl_htable_str *skeys;
	char *sbytes;
	/* The last round's results, checked after timing. */
	size_t count;
	int64_t sum;
	int failed;
};

static void round_generic(struct ctx *c, const struct tl_htable_type *t,
			  const void *keys)
{
	struct tl_htable h;
	size_t i;
	int64_t sum = 0, *v;

	tl_htable_init(&h, t, c->storage, c->slots);
	for (i = 0; i < c->n; i++) {
		int64_t val = (int64_t)i;

		if (tl_htable_put(&h, (const char *)keys + i * t->key_size,
				  &val) != 0)
			c->failed = 1;
	}
	for (i = 0; i < c->n; i++) {
		v = tl_htable_get(&h, (const char *)keys + i * t->key_size);
		if (v)
			sum += *v;
		else
			c->failed = 1;
	}
	c->count = tl_htable_count(&h);
	c->sum = sum;
}

static void batch_generic_int(void *p, uint64_t ops)
{
	struct ctx *c = p;

	while (ops--)
		round_generic(c, &tl_htable_type_u64, c->ikeys);
	tlw_keep((uint64_t)c->sum);
}

static void batch_generic_str(void *p, uint64_t ops)
{
	struct ctx *c = p;

	while (ops--)
		round_generic(c, &tl_htable_type_str, c->skeys);
	tlw_keep((uint64_t)c->sum);
}

static void batch_spec_int(void *p, uint64_t ops)
{
	struct ctx *c = p;
	struct spec_int h;
	int64_t sum, *v;
	size_t i;

	while (ops--) {
		spec_int_init(&h, c->storage, c->slots);
		for (i = 0; i < c->n; i++)
			if (spec_int_put(&h, c->ikeys[i], (int64_t)i) != 0)
				c->failed = 1;
		sum = 0;
		for (i = 0; i < c->n; i++) {
			v = spec_int_get(&h, c->ikeys[i]);
			if (v)
				sum += *v;
			else
				c->failed = 1;
		}
		c->count = h.count;
		c->sum = sum;
	}
	tlw_keep((uint64_t)c->sum);
}

static void batch_spec_str(void *p, uint64_t ops)
{
	struct ctx *c = p;
	struct spec_str h;
	int64_t sum, *v;
	size_t i;

	while (ops--) {
		spec_str_init(&h, c->storage, c->slots);
		for (i = 0; i < c->n; i++)
			if (spec_str_put(&h, c->skeys[i], (int64_t)i) != 0)
				c->failed = 1;
		sum = 0;
		for (i = 0; i < c->n; i++) {
			v = spec_str_get(&h, c->skeys[i]);
			if (v)
				sum += *v;
			else
				c->failed = 1;
		}
		c->count = h.count;
		c->sum = sum;
	}
	tlw_keep((uint64_t)c->sum);
}

static void make_keys(struct ctx *c, int strings)
{
	size_t i;

	if (!strings) {
		c->ikeys = malloc(c->n * sizeof(*c->ikeys));
		if (!c->ikeys)
			tlw_die("out of memory");
		for (i = 0; i < c->n; i++)
			c->ikeys[i] = tl_htable_mix64(i);
		return;
	}
	c->skeys = malloc(c->n * sizeof(*c->skeys));
	c->sbytes = malloc(c->n * 17);
	if (!c->skeys || !c->sbytes)
		tlw_die("out of memory");
	for (i = 0; i < c->n; i++) {
		char *s = c->sbytes + i * 17;

		snprintf(s, 17, "%016llx",
			 (unsigned long long)tl_htable_mix64(i));
		c->skeys[i].ptr = s;
		c->skeys[i].len = 16;
	}
}

static void code_facts(const char *const *all, const char *const *per_type,
		       const char *method)
{
	char why[256];
	long long a = tlw_code_bytes(all, why, sizeof(why));
	long long b = a < 0 ? -1 : tlw_code_bytes(per_type, why, sizeof(why));

	if (a < 0 || b < 0) {
		char v[300];

		snprintf(v, sizeof(v), "absent:%s", why);
		tlw_fact("code_bytes", v);
		return;
	}
	tlw_fact_int("code_bytes", a);
	tlw_fact_int("code_bytes_per_type", b);
	tlw_fact("code_bytes_method", method);
}

int main(int argc, char **argv)
{
	static const char *const gen_int[] = {
		"tl_htable_init",     "tl_htable_put",	  "tl_htable_get",
		"tl_htable_u64_hash", "tl_htable_u64_eq", NULL};
	static const char *const gen_str[] = {
		"tl_htable_init",     "tl_htable_put",	  "tl_htable_get",
		"tl_htable_str_hash", "tl_htable_str_eq", NULL};
	static const char *const gen_int_type[] = {"tl_htable_u64_hash",
						   "tl_htable_u64_eq", NULL};
	static const char *const gen_str_type[] = {"tl_htable_str_hash",
						   "tl_htable_str_eq", NULL};
	static const char *const spec_int_fns[] = {
		"spec_int_init", "spec_int_put", "spec_int_get", NULL};
	static const char *const spec_str_fns[] = {
		"spec_str_init", "spec_str_put", "spec_str_get", NULL};
	struct tlw_args a;
	struct ctx c = {0};
	tlw_batch_fn *batch;
	long long n;
	int strings, spec;

	tlw_parse(argc, argv, &a);
	n = tlw_int(&a, "keys", 1000000);
	if (n < 1 || n > 100000000)
		tlw_die("keys=%lld out of range 1..100000000", n);
	c.n = (size_t)n;
	if (tlw_is(&a, "c.generic_int")) {
		strings = 0, spec = 0, batch = batch_generic_int;
	} else if (tlw_is(&a, "c.generic_string")) {
		strings = 1, spec = 0, batch = batch_generic_str;
	} else if (tlw_is(&a, "c.specialised_int")) {
		strings = 0, spec = 1, batch = batch_spec_int;
	} else if (tlw_is(&a, "c.specialised_string")) {
		strings = 1, spec = 1, batch = batch_spec_str;
	} else {
		tlw_die("unknown variant '%s'", a.variant);
	}

	c.slots = tl_htable_slots_for(c.n);
	c.storage = malloc(
		spec ? (strings ? spec_str_storage_bytes(c.slots)
				: spec_int_storage_bytes(c.slots))
		     : tl_htable_storage_bytes(strings ? &tl_htable_type_str
						       : &tl_htable_type_u64,
					       c.slots));
	if (!c.storage)
		tlw_die("out of memory");
	make_keys(&c, strings);

	tlw_run(&a, batch, &c);

	if (c.failed ||
	    (a.samples > 0 &&
	     (c.count != c.n || c.sum != (int64_t)(c.n * (c.n - 1) / 2)))) {
		fprintf(stderr,
			"hashmap: wrong result: count %zu sum %lld "
			"(want %zu, %lld)\n",
			c.count, (long long)c.sum, c.n,
			(long long)(c.n * (c.n - 1) / 2));
		return 1;
	}
	tlw_fact_int("keys_per_op", n);
	if (spec)
		code_facts(strings ? spec_str_fns : spec_int_fns,
			   strings ? spec_str_fns : spec_int_fns,
			   "ELF .symtab of own executable: sum of spec_<type>_"
			   "{init,put,get} (one full copy per key type)");
	else
		code_facts(strings ? gen_str : gen_int,
			   strings ? gen_str_type : gen_int_type,
			   "ELF .symtab of own executable: sum of tl_htable_"
			   "{init,put,get} (shared) + the key type's hash and "
			   "eq callbacks (per type)");
	free(c.storage);
	free(c.ikeys);
	free(c.skeys);
	free(c.sbytes);
	return tlw_finish();
}
