/*
 * htable.c - the generic hash table: one copy of the code for every type,
 * dispatching hash and equality through the type descriptor.
 *
 * Keys and values are copied with memcpy of a size read from the
 * descriptor, and compared through a callback, so nothing here can be
 * specialised by the compiler: this is the cost being measured. See
 * htable.h for the layout and invariants.
 */
#include "htable.h"

#include <errno.h>
#include <stdlib.h>

#define ALIGN16(n) (((n) + 15) & ~(size_t)15)
#define ALIGN8(n)  (((n) + 7) & ~(size_t)7)

/* Offset of the value in an entry, and the entry's size. */
static size_t val_offset(const struct tl_htable_type *t)
{
	return ALIGN8(t->key_size);
}

static size_t entry_size(const struct tl_htable_type *t)
{
	return ALIGN8(val_offset(t) + t->val_size);
}

uint64_t tl_htable_u64_hash(const void *key)
{
	uint64_t k;

	memcpy(&k, key, sizeof(k));
	return tl_htable_mix64(k);
}

int tl_htable_u64_eq(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(uint64_t)) == 0;
}

uint64_t tl_htable_str_hash(const void *key)
{
	const struct tl_htable_str *s = key;

	return tl_htable_hash_bytes(s->ptr, s->len);
}

int tl_htable_str_eq(const void *a, const void *b)
{
	const struct tl_htable_str *x = a, *y = b;

	return x->len == y->len && memcmp(x->ptr, y->ptr, x->len) == 0;
}

const struct tl_htable_type tl_htable_type_u64 = {
	.key_size = sizeof(uint64_t),
	.val_size = sizeof(int64_t),
	.hash = tl_htable_u64_hash,
	.eq = tl_htable_u64_eq,
};

const struct tl_htable_type tl_htable_type_str = {
	.key_size = sizeof(struct tl_htable_str),
	.val_size = sizeof(int64_t),
	.hash = tl_htable_str_hash,
	.eq = tl_htable_str_eq,
};

size_t tl_htable_slots_for(size_t n)
{
	size_t slots = 8;

	/* Load at most 7/8: slots - slots / 8 >= n. */
	while (slots - slots / 8 < n) {
		if (slots > SIZE_MAX / 2)
			return 0;
		slots *= 2;
	}
	return slots;
}

size_t tl_htable_storage_bytes(const struct tl_htable_type *t, size_t slots)
{
	return ALIGN16(slots) + slots * entry_size(t);
}

int tl_htable_init(struct tl_htable *h, const struct tl_htable_type *t,
		   void *storage, size_t slots)
{
	unsigned char *p = storage;

	if (slots < 8 || (slots & (slots - 1)))
		return -EINVAL;
	h->type = t;
	h->ctrl = p;
	h->entries = p + ALIGN16(slots);
	h->entry_size = entry_size(t);
	h->val_offset = val_offset(t);
	h->mask = slots - 1;
	h->count = 0;
	h->max_count = slots - slots / 8;
	memset(h->ctrl, 0, slots);
	return 0;
}

int tl_htable_put(struct tl_htable *h, const void *key, const void *val)
{
	const struct tl_htable_type *t = h->type;
	size_t i = (size_t)t->hash(key) & h->mask;

	for (;; i = (i + 1) & h->mask) {
		unsigned char *e = h->entries + i * h->entry_size;

		if (!h->ctrl[i]) {
			if (h->count >= h->max_count)
				return -ENOSPC;
			h->ctrl[i] = 1;
			memcpy(e, key, t->key_size);
			memcpy(e + h->val_offset, val, t->val_size);
			h->count++;
			return 0;
		}
		if (t->eq(e, key)) {
			memcpy(e + h->val_offset, val, t->val_size);
			return 1;
		}
	}
}

void *tl_htable_get(const struct tl_htable *h, const void *key)
{
	const struct tl_htable_type *t = h->type;
	size_t i = (size_t)t->hash(key) & h->mask;

	/* Terminates: the load limit leaves at least one empty slot. */
	for (; h->ctrl[i]; i = (i + 1) & h->mask) {
		unsigned char *e = h->entries + i * h->entry_size;

		if (t->eq(e, key))
			return e + h->val_offset;
	}
	return NULL;
}

size_t tl_htable_count(const struct tl_htable *h)
{
	return h->count;
}

struct tl_htable *tl_htable_new(const struct tl_htable_type *t, size_t n)
{
	struct tl_htable *h;
	size_t slots = tl_htable_slots_for(n);
	void *storage;

	if (!slots)
		return NULL;
	h = malloc(ALIGN16(sizeof(*h)) + tl_htable_storage_bytes(t, slots));
	if (!h)
		return NULL;
	storage = (unsigned char *)h + ALIGN16(sizeof(*h));
	tl_htable_init(h, t, storage, slots);
	return h;
}

void tl_htable_free(struct tl_htable *h)
{
	free(h);
}
