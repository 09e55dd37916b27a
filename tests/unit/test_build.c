/*
 * test_build.c - the build cache key is 128 bits of SHA-256 over what
 * decides the binary: it names the cached binary, stays the same for the
 * same inputs, and changes when a source byte, a flag or the toolchain's
 * version changes.
 */
#include "measure/build.h"
#include "tl_test.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "base/hash.h"
#include "base/util.h"

TL_TEST(hash_is_sha256_cut_to_128_bits)
{
	struct tl_hash h;
	char hex[TL_HASH_HEX_LEN + 1];

	/* FIPS 180-2 appendix B.1: SHA-256("abc") = ba7816bf 8f01cfea ... */
	tl_hash_init(&h);
	tl_hash_update(&h, "a", 1);
	tl_hash_update(&h, "bc", 2);
	tl_hash_final_hex(&h, hex);
	TL_CHECK_INT(TL_HASH_BITS, 128);
	TL_CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223");
}

struct fixture {
	char dir[64];
	struct tl_toolchains tools;
	struct tl_build_opts o;
	struct tl_experiment e;
	struct tl_variant v;
};

/*
 * A project root with one C source and a "compiler" that only creates
 * the file after -o, so a build needs no real toolchain.
 */
static int fixture_init(struct fixture *f)
{
	static const char cc[] = "#!/bin/sh\n"
				 "while [ $# -gt 0 ]; do\n"
				 "  [ \"$1\" = -o ] && : > \"$2\"\n"
				 "  shift\n"
				 "done\n";
	char *p;
	int err;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/tl-build-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	p = xasprintf("%s/cc", f->dir);
	err = tl_write_file_atomic(p, cc, strlen(cc)) || chmod(p, 0755);
	f->tools.lang[TL_LANG_C].path = p;
	f->tools.lang[TL_LANG_C].version = xstrdup("cc 1.0");
	p = xasprintf("%s/a.c", f->dir);
	err |= tl_write_file_atomic(p, "int x;\n", 7);
	free(p);
	f->o.root = f->dir;
	f->o.tools = &f->tools;
	f->e.dir = f->dir;
	f->v.lang = TL_LANG_C;
	tl_strv_push(&f->v.sources, "a.c");
	return err ? -1 : 0;
}

static void fixture_release(struct fixture *f)
{
	tl_rmtree(f->dir);
	free(f->tools.lang[TL_LANG_C].path);
	free(f->tools.lang[TL_LANG_C].version);
	tl_strv_release(&f->v.sources);
	tl_strv_release(&f->v.cflags);
}

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) ||
		    isupper((unsigned char)s[i]))
			return 0;
	return s[n] == '\0';
}

TL_TEST(key_names_the_cached_binary)
{
	struct fixture f;
	struct tl_build_result r, again;
	char key[TL_BUILD_KEY_LEN + 1];
	char *want;

	TL_CHECK(fixture_init(&f) == 0);
	TL_CHECK_INT(tl_build_key(&f.o, &f.e, &f.v, key), 0);
	TL_CHECK_INT(strlen(key), 32);
	TL_CHECK(is_hex(key, 32));
	TL_CHECK_INT(tl_build_variant(&f.o, &f.e, &f.v, &r), 0);
	TL_CHECK_INT(r.status, TL_BUILD_OK);
	TL_CHECK_INT(r.cached, 0);
	want = xasprintf("%s/.cache/bin/c-%s", f.dir, key);
	TL_CHECK_STR(r.bin, want);
	TL_CHECK_INT(tl_build_variant(&f.o, &f.e, &f.v, &again), 0);
	TL_CHECK_INT(again.cached, 1);
	TL_CHECK_STR(again.bin, want);
	free(want);
	tl_build_result_release(&r);
	tl_build_result_release(&again);
	fixture_release(&f);
}

TL_TEST(key_follows_sources_flags_and_toolchain)
{
	struct fixture f;
	char k0[TL_BUILD_KEY_LEN + 1], k1[TL_BUILD_KEY_LEN + 1];
	char *src;

	TL_CHECK(fixture_init(&f) == 0);
	TL_CHECK_INT(tl_build_key(&f.o, &f.e, &f.v, k0), 0);
	TL_CHECK_INT(tl_build_key(&f.o, &f.e, &f.v, k1), 0);
	TL_CHECK_STR(k0, k1);

	src = xasprintf("%s/a.c", f.dir);
	TL_CHECK(tl_write_file_atomic(src, "int y;\n", 7) == 0);
	TL_CHECK_INT(tl_build_key(&f.o, &f.e, &f.v, k1), 0);
	TL_CHECK(strcmp(k0, k1) != 0);
	TL_CHECK(tl_write_file_atomic(src, "int x;\n", 7) == 0);
	TL_CHECK_INT(tl_build_key(&f.o, &f.e, &f.v, k1), 0);
	TL_CHECK_STR(k0, k1);
	free(src);

	tl_strv_push(&f.v.cflags, "-DX=1");
	TL_CHECK_INT(tl_build_key(&f.o, &f.e, &f.v, k1), 0);
	TL_CHECK(strcmp(k0, k1) != 0);
	tl_strv_release(&f.v.cflags);

	free(f.tools.lang[TL_LANG_C].version);
	f.tools.lang[TL_LANG_C].version = xstrdup("cc 1.1");
	TL_CHECK_INT(tl_build_key(&f.o, &f.e, &f.v, k1), 0);
	TL_CHECK(strcmp(k0, k1) != 0);
	fixture_release(&f);
}

TL_TEST(no_key_without_a_source)
{
	struct fixture f;
	char key[TL_BUILD_KEY_LEN + 1];

	TL_CHECK(fixture_init(&f) == 0);
	tl_strv_push(&f.v.sources, "missing.c");
	TL_CHECK_INT(tl_build_key(&f.o, &f.e, &f.v, key), -ENOENT);
	fixture_release(&f);
}

TL_TEST_MAIN()
