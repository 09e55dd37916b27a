/*
 * hash.c - SHA-256 cut to 128 bits, through libcrypto's EVP interface
 * (see hash.h).
 */
#include "base/hash.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static void die(const char *what)
{
	fprintf(stderr, "traplab: SHA-256 failed: %s\n", what);
	abort();
}

void tl_hash_init(struct tl_hash *h)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	if (!md)
		die("out of memory");
	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		die("EVP_DigestInit_ex");
	h->md = md;
}

void tl_hash_update(struct tl_hash *h, const void *p, size_t n)
{
	if (n && EVP_DigestUpdate(h->md, p, n) != 1)
		die("EVP_DigestUpdate");
}

void tl_hash_str(struct tl_hash *h, const char *s)
{
	tl_hash_update(h, s, strlen(s) + 1);
}

void tl_hash_final_hex(struct tl_hash *h, char hex[TL_HASH_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(h->md, md, &n) != 1 || n * 8 < TL_HASH_BITS)
		die("EVP_DigestFinal_ex");
	EVP_MD_CTX_free(h->md);
	h->md = NULL;
	for (int i = 0; i < TL_HASH_BITS / 8; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[TL_HASH_HEX_LEN] = '\0';
}
