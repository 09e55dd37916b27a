/*
 * compiler.h - driving a compiler (or a generator) for the build: which
 * CPU it targets, the flags pkg-config gives, and one run of it with the
 * first error picked out of its output. build.c decides what to build and
 * caches it; this module knows the toolchains' command lines.
 *
 * Toolchains target different CPUs by default (cc: generic x86-64; Go:
 * GOAMD64=v1; Zig: the host CPU, AVX-512 included); --target=native|
 * baseline aligns them. Nothing here keeps state; all is thread-safe.
 */
#ifndef TL_COMPILER_H
#define TL_COMPILER_H

#include "machine/toolchain.h"
#include "base/util.h"

enum tl_target {
	TL_TARGET_DEFAULT, /* each toolchain's own default */
	TL_TARGET_NATIVE,  /* the host CPU for all */
	TL_TARGET_BASELINE /* plain x86-64 for all */
};

/* 0 and *out, or -EINVAL for an unknown name. */
int tl_target_parse(const char *s, enum tl_target *out);
const char *tl_target_name(enum tl_target t);

/*
 * Appends lang's flags (or environment, for Go) for target t to flags
 * (env), and a description of the target to *desc (owned). for_sim: the
 * binary runs under valgrind, which cannot run AVX-512 code, so Zig never
 * targets the host CPU then.
 */
void tl_compiler_target_flags(enum tl_target t, int for_sim, enum tl_lang lang,
			      struct tl_strv *flags, struct tl_strv *env,
			      char **desc);
/* Whether a build for the simulator gets other target flags than the
 * timed build of lang (then it is another binary). */
int tl_compiler_sim_flags_differ(enum tl_target t, enum tl_lang lang);

/*
 * Appends `pkg-config --cflags --libs` of each module to flags. -ENOENT
 * with *reason (owned) when one is not found.
 */
int tl_compiler_pkgconfig(const struct tl_strv *mods, struct tl_strv *flags,
			  char **reason);

/* Splits s on blanks and appends the words to argv. */
void tl_compiler_push_words(struct tl_strv *argv, const char *s);

/* 1 when s ends with suf. */
int tl_compiler_has_suffix(const char *s, const char *suf);

/*
 * Runs argv (NULL-ended; env NULL: ours) in cwd with its stderr merged
 * into its stdout. Returns 0 when it exited 0; 1 when it failed, with its
 * output (up to 4 KiB) in *log and a one-line reason (its first "error"
 * line) in *reason, both owned; -errno when it could not be run.
 */
int tl_compiler_run(const char *const *argv, const char *const *env,
		    const char *cwd, double timeout_s, char **log,
		    char **reason);

#endif
