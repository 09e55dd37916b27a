/*
 * htable.h - an open-addressing hash table generic through void * and
 * function pointers: the C model of dictionary dispatch.
 *
 * One compiled copy of the table serves every key and value type. The
 * type is a runtime descriptor (struct tl_htable_type): key and value
 * sizes, and hash and equality callbacks. Every probe therefore makes an
 * indirect call to hash and to compare, and copies keys and values with a
 * size known only at run time. This is what Go's dictionary-based generics
 * and interface dispatch look like at the machine level; lib/htable_spec.h
 * is the same table specialised per type (the monomorphised model), so the
 * two differ only in dispatch.
 *
 * Layout: linear probing over a power-of-two number of slots; one control
 * byte per slot (0 empty, 1 full), then one entry per slot holding the key
 * and, at the next multiple of 8 bytes, the value (so values of up to
 * 8-byte alignment are aligned), all in storage the caller provides. There is
 * no deletion (the experiments only insert and look up) and no growth: the
 * caller sizes the table with tl_htable_slots_for() so that no allocation
 * happens on the hot path. At most 7/8 of the slots are used, so a probe always
 * ends on an empty slot.
 *
 * Not thread-safe: one writer, no concurrent readers during writes.
 */
#ifndef TL_HTABLE_H
#define TL_HTABLE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Hash of the key at `key`. */
typedef uint64_t tl_htable_hash_fn(const void *key);
/* Non-zero when the keys at a and b are equal. */
typedef int tl_htable_eq_fn(const void *a, const void *b);

/* The runtime type descriptor ("dictionary") of one table. */
struct tl_htable_type {
	size_t key_size;
	size_t val_size;
	tl_htable_hash_fn *hash;
	tl_htable_eq_fn *eq;
};

/* A string key: borrowed bytes, not NUL-terminated (like Go's string). */
struct tl_htable_str {
	const char *ptr;
	size_t len;
};

/* Descriptors for uint64_t keys and struct tl_htable_str keys, with
 * int64_t values. */
extern const struct tl_htable_type tl_htable_type_u64;
extern const struct tl_htable_type tl_htable_type_str;

/* Callbacks of those descriptors (exported so their size can be told). */
uint64_t tl_htable_u64_hash(const void *key);
int tl_htable_u64_eq(const void *a, const void *b);
uint64_t tl_htable_str_hash(const void *key);
int tl_htable_str_eq(const void *a, const void *b);

/* The table. Fields are private; it is exposed so callers can place it. */
struct tl_htable {
	const struct tl_htable_type *type;
	unsigned char *ctrl;
	unsigned char *entries;
	size_t entry_size;
	size_t val_offset;
	size_t mask;
	size_t count;
	size_t max_count;
};

/*
 * The hash functions shared by both C tables, so that the generic and the
 * specialised table hash identically. tl_htable_mix64 is the splitmix64
 * finaliser; tl_htable_hash_bytes reads 8 bytes at a time and mixes each
 * word with a multiply.
 */
static inline uint64_t tl_htable_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static inline uint64_t tl_htable_hash_bytes(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;

	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	if (n) {
		w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return tl_htable_mix64(h);
}

/*
 * The smallest power-of-two slot count that holds n keys at a load of at
 * most 7/8 (at least 8). Returns 0 when that would overflow size_t.
 */
size_t tl_htable_slots_for(size_t n);

/* Bytes of storage a table of `slots` slots of type t needs. */
size_t tl_htable_storage_bytes(const struct tl_htable_type *t, size_t slots);

/*
 * Makes an empty table in `storage` (tl_htable_storage_bytes(t, slots)
 * bytes, 16-byte aligned as malloc returns it; keys and values need at
 * most 8-byte alignment). Borrows t and storage: both must outlive the table.
 * Returns 0, or -EINVAL when slots is not a power of two of at least 8.
 */
int tl_htable_init(struct tl_htable *h, const struct tl_htable_type *t,
		   void *storage, size_t slots);

/*
 * Copies key and value into the table. Returns 0 when the key was new, 1
 * when an existing key's value was replaced, -ENOSPC when the table is at
 * its maximum load (7/8 of the slots).
 */
int tl_htable_put(struct tl_htable *h, const void *key, const void *val);

/* The value stored for key, or NULL. The pointer is valid until the next
 * put. */
void *tl_htable_get(const struct tl_htable *h, const void *key);

/* Number of keys stored. */
size_t tl_htable_count(const struct tl_htable *h);

/*
 * Convenience: allocates a table for n keys of type t with its storage.
 * Returns NULL when out of memory. tl_htable_free(NULL) does nothing.
 */
struct tl_htable *tl_htable_new(const struct tl_htable_type *t, size_t n);
void tl_htable_free(struct tl_htable *h);

#endif
