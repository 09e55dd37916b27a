/*
 * htable_spec.h - the hash table of htable.c, specialised per type by a
 * macro: the C model of monomorphisation (Zig's comptime, C++ templates).
 *
 *     TL_HTABLE_SPEC(smap, struct tl_htable_str, int64_t,
 *                    tl_htable_spec_str_hash, tl_htable_spec_str_eq)
 *
 * defines `struct smap` and smap_storage_bytes(), smap_init(), smap_put()
 * and smap_get(), with the key and value types fixed and the hash and
 * equality functions called directly, so the compiler inlines them and
 * copies keys and values with constant sizes. Each expansion is a new copy
 * of the code: that is the code-size price of specialisation.
 *
 * The algorithm, the layout (control bytes, then key/value entries) and
 * the hash functions are those of htable.c
 * (linear probing, 7/8 maximum load, caller-provided storage sized with
 * tl_htable_slots_for()), so the two tables differ only in dispatch.
 *
 * The generated functions are noinline on purpose: the table's code then
 * stays in its own symbols, whose size the workloads read from the symbol
 * table, and the call into the table is a direct call just as a call into
 * htable.c is. Hash and equality, which are what specialisation changes,
 * are still inlined into put and get.
 *
 * Not thread-safe, like htable.c.
 */
#ifndef TL_HTABLE_SPEC_H
#define TL_HTABLE_SPEC_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "htable.h"

/* Hash and equality for the specialisations of the experiments. */
static inline uint64_t tl_htable_spec_u64_hash(uint64_t k)
{
	return tl_htable_mix64(k);
}

static inline int tl_htable_spec_u64_eq(uint64_t a, uint64_t b)
{
	return a == b;
}

static inline uint64_t tl_htable_spec_str_hash(struct tl_htable_str k)
{
	return tl_htable_hash_bytes(k.ptr, k.len);
}

static inline int tl_htable_spec_str_eq(struct tl_htable_str a,
					struct tl_htable_str b)
{
	return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

#define TL_HTABLE_SPEC_ALIGN16(n) (((n) + 15) & ~(size_t)15)
#define TL_HTABLE_SPEC_FN	  __attribute__((noinline, unused)) static

/*
 * Defines struct NAME and struct NAME_entry (fields private) and:
 *   size_t NAME_storage_bytes(size_t slots);
 *   int NAME_init(struct NAME *h, void *storage, size_t slots);
 *       0, or -EINVAL when slots is not a power of two >= 8; borrows
 *       storage (16-byte aligned).
 *   int NAME_put(struct NAME *h, K key, V val);
 *       0 new key, 1 replaced, -ENOSPC at maximum load.
 *   V *NAME_get(const struct NAME *h, K key);
 *       the value, or NULL; valid until the next put.
 * HASH(K) returns uint64_t and EQ(K, K) returns non-zero when equal.
 */
#define TL_HTABLE_SPEC(NAME, K, V, HASH, EQ)                                   \
	struct NAME##_entry {                                                  \
		K key;                                                         \
		V val;                                                         \
	};                                                                     \
	struct NAME {                                                          \
		unsigned char *ctrl;                                           \
		struct NAME##_entry *entries;                                  \
		size_t mask;                                                   \
		size_t count;                                                  \
		size_t max_count;                                              \
	};                                                                     \
                                                                               \
	TL_HTABLE_SPEC_FN size_t NAME##_storage_bytes(size_t slots)            \
	{                                                                      \
		return TL_HTABLE_SPEC_ALIGN16(slots) +                         \
		       slots * sizeof(struct NAME##_entry);                    \
	}                                                                      \
                                                                               \
	TL_HTABLE_SPEC_FN int NAME##_init(struct NAME *h, void *storage,       \
					  size_t slots)                        \
	{                                                                      \
		unsigned char *p = storage;                                    \
                                                                               \
		if (slots < 8 || (slots & (slots - 1)))                        \
			return -EINVAL;                                        \
		h->ctrl = p;                                                   \
		h->entries = (void *)(p + TL_HTABLE_SPEC_ALIGN16(slots));      \
		h->mask = slots - 1;                                           \
		h->count = 0;                                                  \
		h->max_count = slots - slots / 8;                              \
		memset(h->ctrl, 0, slots);                                     \
		return 0;                                                      \
	}                                                                      \
                                                                               \
	TL_HTABLE_SPEC_FN int NAME##_put(struct NAME *h, K key, V val)         \
	{                                                                      \
		size_t i = (size_t)HASH(key) & h->mask;                        \
                                                                               \
		for (;; i = (i + 1) & h->mask) {                               \
			struct NAME##_entry *e = &h->entries[i];               \
                                                                               \
			if (!h->ctrl[i]) {                                     \
				if (h->count >= h->max_count)                  \
					return -ENOSPC;                        \
				h->ctrl[i] = 1;                                \
				e->key = key;                                  \
				e->val = val;                                  \
				h->count++;                                    \
				return 0;                                      \
			}                                                      \
			if (EQ(e->key, key)) {                                 \
				e->val = val;                                  \
				return 1;                                      \
			}                                                      \
		}                                                              \
	}                                                                      \
                                                                               \
	TL_HTABLE_SPEC_FN V *NAME##_get(const struct NAME *h, K key)           \
	{                                                                      \
		size_t i = (size_t)HASH(key) & h->mask;                        \
                                                                               \
		for (; h->ctrl[i]; i = (i + 1) & h->mask)                      \
			if (EQ(h->entries[i].key, key))                        \
				return &h->entries[i].val;                     \
		return NULL;                                                   \
	}

#endif
