/*
 * test_htable.c - the generic table (htable.c) and its macro
 * specialisation (htable_spec.h) on small sizes: put, get, replace, the
 * load limit, bad sizes, and agreement between the two.
 */
#include "htable.h"
#include "htable_spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "tl_test.h"

TL_HTABLE_SPEC(test_imap, uint64_t, int64_t, tl_htable_spec_u64_hash,
	       tl_htable_spec_u64_eq)
TL_HTABLE_SPEC(test_smap, struct tl_htable_str, int64_t,
	       tl_htable_spec_str_hash, tl_htable_spec_str_eq)

TL_TEST(slots_for_keeps_load_at_most_seven_eighths)
{
	TL_CHECK_INT(tl_htable_slots_for(0), 8);
	TL_CHECK_INT(tl_htable_slots_for(7), 8);
	TL_CHECK_INT(tl_htable_slots_for(8), 16);
	TL_CHECK_INT(tl_htable_slots_for(14), 16);
	TL_CHECK_INT(tl_htable_slots_for(15), 32);
	TL_CHECK_INT(tl_htable_slots_for(1000000), 2097152);
	TL_CHECK_INT(tl_htable_slots_for(SIZE_MAX), 0);
}

TL_TEST(init_refuses_bad_slot_counts)
{
	struct tl_htable h;
	unsigned char buf[1024];
	struct test_imap s;

	TL_CHECK_INT(tl_htable_init(&h, &tl_htable_type_u64, buf, 12), -EINVAL);
	TL_CHECK_INT(tl_htable_init(&h, &tl_htable_type_u64, buf, 4), -EINVAL);
	TL_CHECK_INT(tl_htable_init(&h, &tl_htable_type_u64, buf, 16), 0);
	TL_CHECK_INT(test_imap_init(&s, buf, 24), -EINVAL);
	TL_CHECK_INT(test_imap_init(&s, buf, 16), 0);
}

TL_TEST(generic_u64_put_get_replace)
{
	struct tl_htable *h = tl_htable_new(&tl_htable_type_u64, 100);
	uint64_t k;
	int64_t v;
	int64_t *got;

	TL_CHECK(h != NULL);
	for (k = 0; k < 100; k++) {
		v = (int64_t)(k * 3);
		TL_CHECK_INT(tl_htable_put(h, &k, &v), 0);
	}
	TL_CHECK_INT(tl_htable_count(h), 100);
	for (k = 0; k < 100; k++) {
		got = tl_htable_get(h, &k);
		TL_CHECK(got != NULL);
		TL_CHECK_INT(*got, k * 3);
	}
	k = 100;
	TL_CHECK(tl_htable_get(h, &k) == NULL);
	k = 7;
	v = -1;
	TL_CHECK_INT(tl_htable_put(h, &k, &v), 1);
	TL_CHECK_INT(tl_htable_count(h), 100);
	got = tl_htable_get(h, &k);
	TL_CHECK(got && *got == -1);
	tl_htable_free(h);
	tl_htable_free(NULL);
}

TL_TEST(generic_str_keys_compare_bytes_not_pointers)
{
	struct tl_htable *h = tl_htable_new(&tl_htable_type_str, 4);
	char a[] = "alpha", b[] = "alpha", c[] = "alphabet";
	struct tl_htable_str ka = {a, 5}, kb = {b, 5}, kc = {c, 8};
	struct tl_htable_str kprefix = {c, 5}, kempty = {c, 0};
	int64_t v1 = 1, v2 = 2, v3 = 3;
	int64_t *got;

	TL_CHECK(h != NULL);
	TL_CHECK_INT(tl_htable_put(h, &ka, &v1), 0);
	TL_CHECK_INT(tl_htable_put(h, &kc, &v2), 0);
	/* Same bytes at another address: the same key. */
	got = tl_htable_get(h, &kb);
	TL_CHECK(got && *got == 1);
	/* "alpha" as a prefix of "alphabet" is the key "alpha". */
	got = tl_htable_get(h, &kprefix);
	TL_CHECK(got && *got == 1);
	TL_CHECK(tl_htable_get(h, &kempty) == NULL);
	TL_CHECK_INT(tl_htable_put(h, &kempty, &v3), 0);
	got = tl_htable_get(h, &kempty);
	TL_CHECK(got && *got == 3);
	TL_CHECK_INT(tl_htable_count(h), 3);
	tl_htable_free(h);
}

TL_TEST(full_table_refuses_new_keys_but_replaces)
{
	size_t slots = 16, i;
	void *buf = malloc(tl_htable_storage_bytes(&tl_htable_type_u64, slots));
	struct tl_htable h;
	uint64_t k;
	int64_t v = 5;

	TL_CHECK(buf != NULL);
	TL_CHECK_INT(tl_htable_init(&h, &tl_htable_type_u64, buf, slots), 0);
	for (i = 0; i < 14; i++) {
		k = i * 1000;
		TL_CHECK_INT(tl_htable_put(&h, &k, &v), 0);
	}
	k = 99;
	TL_CHECK_INT(tl_htable_put(&h, &k, &v), -ENOSPC);
	k = 0;
	TL_CHECK_INT(tl_htable_put(&h, &k, &v), 1);
	/* A missing key still ends its probe on the empty slots left. */
	k = 12345;
	TL_CHECK(tl_htable_get(&h, &k) == NULL);
	free(buf);
}

TL_TEST(spec_full_table_refuses_new_keys)
{
	size_t slots = 8, i;
	void *buf = malloc(test_imap_storage_bytes(slots));
	struct test_imap h;

	TL_CHECK(buf != NULL);
	TL_CHECK_INT(test_imap_init(&h, buf, slots), 0);
	for (i = 0; i < 7; i++)
		TL_CHECK_INT(test_imap_put(&h, i, (int64_t)i), 0);
	TL_CHECK_INT(test_imap_put(&h, 100, 1), -ENOSPC);
	TL_CHECK_INT(test_imap_put(&h, 3, 33), 1);
	TL_CHECK_INT(*test_imap_get(&h, 3), 33);
	TL_CHECK(test_imap_get(&h, 100) == NULL);
	free(buf);
}

/* Both tables, fed the same keys, agree on every answer. */
TL_TEST(spec_and_generic_agree_on_strings)
{
	enum { N = 500 };
	static char names[N][24];
	struct tl_htable *g = tl_htable_new(&tl_htable_type_str, N);
	size_t slots = tl_htable_slots_for(N);
	void *buf = malloc(test_smap_storage_bytes(slots));
	struct test_smap s;
	uint64_t x = 42;
	int i;

	TL_CHECK(g && buf);
	TL_CHECK_INT(test_smap_init(&s, buf, slots), 0);
	for (i = 0; i < N; i++) {
		struct tl_htable_str k;
		int64_t v = i;

		/* Duplicates on purpose: keys drawn from a range of 300. */
		x = tl_htable_mix64(x + (uint64_t)i);
		snprintf(names[i], sizeof(names[i]), "key_%llu",
			 (unsigned long long)(x % 300));
		k.ptr = names[i];
		k.len = strlen(names[i]);
		TL_CHECK_INT(tl_htable_put(g, &k, &v), test_smap_put(&s, k, v));
	}
	TL_CHECK_INT(tl_htable_count(g), s.count);
	TL_CHECK(s.count < N);
	for (i = 0; i < 400; i++) {
		char name[24];
		struct tl_htable_str k = {name, 0};
		int64_t *a, *b;

		snprintf(name, sizeof(name), "key_%d", i);
		k.len = strlen(name);
		a = tl_htable_get(g, &k);
		b = test_smap_get(&s, k);
		TL_CHECK((a == NULL) == (b == NULL));
		if (a)
			TL_CHECK_INT(*a, *b);
		if (i >= 300)
			TL_CHECK(a == NULL);
	}
	tl_htable_free(g);
	free(buf);
}

TL_TEST(hash_bytes_depends_on_every_byte_and_length)
{
	char a[20] = "abcdefghijklmnopqrs", b[20];
	uint64_t h0 = tl_htable_hash_bytes(a, 19);
	int i;

	for (i = 0; i < 19; i++) {
		memcpy(b, a, sizeof(a));
		b[i] ^= 1;
		TL_CHECK(tl_htable_hash_bytes(b, 19) != h0);
	}
	TL_CHECK(tl_htable_hash_bytes(a, 18) != h0);
	TL_CHECK(tl_htable_hash_bytes("", 0) != tl_htable_hash_bytes("\0", 1));
}

TL_TEST_MAIN()
