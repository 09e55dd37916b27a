/*
 * build.h - turn a variant's sources into a workload binary, cached.
 *
 * The cache key is a 128-bit hash (base/hash.h) of everything that decides
 * the binary: the language, the toolchain's version, the target, the mode
 * and flags, and the path and bytes of every source, helper and lib/ model
 * compiled in (for C, every header of workload/ and lib/ too). A binary is
 * built in a staging folder and renamed into .cache/bin/LANG-KEY, so a
 * half-finished build is never taken for a cached one.
 *
 * Toolchains target different CPUs by default (cc: generic x86-64; Go:
 * GOAMD64=v1; Zig: the host CPU, AVX-512 included). The target of every
 * binary is recorded; --target=native|baseline aligns them. Builds for
 * valgrind (sim) never use the host CPU for Zig: valgrind 3.19 cannot run
 * AVX-512 code.
 */
#ifndef TL_BUILD_H
#define TL_BUILD_H

#include "base/hash.h"
#include "measure/compiler.h"
#include "measure/registry.h"
#include "machine/toolchain.h"

struct tl_build_opts {
	const char *root;		   /* project root; borrowed */
	const struct tl_toolchains *tools; /* borrowed */
	enum tl_target target;
	int for_sim;	  /* the binary will run under valgrind */
	double timeout_s; /* per compiler run; 0 = 300 s */
};

enum tl_build_status {
	TL_BUILD_OK,
	TL_BUILD_SKIPPED, /* toolchain or library missing: not a failure */
	TL_BUILD_FAILED	  /* the compiler said no: log holds its words */
};

struct tl_build_result {
	enum tl_build_status status;
	char *bin;	 /* path of the binary (OK) */
	char *target;	 /* what CPU the binary was built for */
	char *toolchain; /* the compiler's version ("0.10.1", "go1.26.8") */
	char *reason;	 /* one line: why skipped or failed */
	char *log;	 /* compiler output (failed builds), trimmed */
	int cached;
	double build_s;
	long long binary_bytes;
};

/*
 * Builds variant v of experiment e. Returns 0 with res filled whatever the
 * outcome (see res->status); -errno only when traplab itself failed.
 * Not thread-safe with another build of the same key.
 */
int tl_build_variant(const struct tl_build_opts *o,
		     const struct tl_experiment *e, const struct tl_variant *v,
		     struct tl_build_result *res);

void tl_build_result_release(struct tl_build_result *res);

/*
 * The compiler and flags tl_build_variant uses for v, for people: "cc -O2
 * -std=gnu11 -lm" or "zig build-exe -O ReleaseFast", with the variant's
 * own flags and environment (GOMAXPROCS=1). Keep it beside the argv code
 * of tl_build_variant.
 */
void tl_build_describe(struct tl_buf *b, const struct tl_variant *v);

/* The cache key's length in hex digits: 128 bits. */
#define TL_BUILD_KEY_LEN TL_HASH_HEX_LEN

/*
 * The cache key tl_build_variant would use for v (it reads the sources).
 * Returns 0 with key filled, or -ENOENT when the variant would be skipped
 * or fail before compiling (a toolchain, library or source missing).
 */
int tl_build_key(const struct tl_build_opts *o, const struct tl_experiment *e,
		 const struct tl_variant *v, char key[TL_BUILD_KEY_LEN + 1]);

#endif
