/*
 * hash.h - content hashes for cache keys: SHA-256 (OpenSSL's libcrypto),
 * cut to its first 128 bits.
 *
 * 128 bits make an accidental collision between two cache entries
 * negligible (about 2^-64 after 2^32 entries), and SHA-256 spreads every
 * input bit over all of them, which two FNV-1a passes over the same bytes
 * do not. Not for secrets: the keys are printed and stored in file names.
 */
#ifndef TL_HASH_H
#define TL_HASH_H

#include <stddef.h>

#define TL_HASH_BITS	128
#define TL_HASH_HEX_LEN (TL_HASH_BITS / 4) /* lowercase hex digits */

/* A hash in progress. Private: use the functions. */
struct tl_hash {
	void *md; /* EVP_MD_CTX */
};

/* Starts a hash. Aborts on out-of-memory, as xmalloc does. */
void tl_hash_init(struct tl_hash *h);
/* Adds n bytes. */
void tl_hash_update(struct tl_hash *h, const void *p, size_t n);
/* Adds s and its terminating NUL, so "ab","c" and "a","bc" differ. */
void tl_hash_str(struct tl_hash *h, const char *s);
/*
 * Writes the 128-bit digest as TL_HASH_HEX_LEN hex digits and a NUL into
 * hex, and releases h. Not thread-safe on one h; distinct hashes are
 * independent.
 */
void tl_hash_final_hex(struct tl_hash *h, char hex[TL_HASH_HEX_LEN + 1]);

#endif
