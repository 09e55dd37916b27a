/*
 * toolchain.h - which compilers this machine has, where, and which version.
 *
 * Found once per run. Zig is taken from $TL_ZIG, else `zig` on PATH when
 * its version is the pinned one (scripts/zig.version), else the project's
 * pinned copy in .tools/zig (installed by scripts/deps.sh). Go is `go` on
 * PATH, else /usr/local/go/bin/go, else Debian's /usr/lib/go/bin/go.
 * A missing toolchain is not an error: its variants are skipped, and the
 * reason says how to get it.
 *
 * Toolchains are an axis, like machines: besides the default of each
 * language, every installed release of Go and Zig is listed in
 * releases[] (the default first): the ones scripts/deps.sh --toolchains
 * pins (scripts/toolchains: .tools/zig-VERSION/ziglang/zig,
 * .tools/go-VERSION/pkg/mod/golang.org/toolchain@*-goVERSION.* /bin/go)
 * and any other such folder found there. A pinned release that is not
 * installed is listed with path NULL and the reason. tl_toolchains_select
 * makes one release the language's toolchain for a run.
 */
#ifndef TL_TOOLCHAIN_H
#define TL_TOOLCHAIN_H

#include "base/memo.h"
#include "base/util.h"

/* The languages of variants; each has one toolchain (a default release). */
#define TL_LANGS(X)                                                            \
	X(C, "c", "cc")                                                        \
	X(CPP, "cpp", "c++")                                                   \
	X(GO, "go", "go")                                                      \
	X(ZIG, "zig", "zig")

enum tl_lang {
#define X(id, name, tool) TL_LANG_##id,
	TL_LANGS(X)
#undef X
		TL_LANG_COUNT
};

/* "c", "go", ... */
const char *tl_lang_name(enum tl_lang l);
/* 0 and *out set, or -EINVAL for an unknown name. */
int tl_lang_parse(const char *s, enum tl_lang *out);

struct tl_tool {
	char *path;    /* NULL when missing */
	char *version; /* "gcc 12.2.0", "go1.26.8", "0.17.1" */
	char *missing; /* why it is missing, when it is */
};

#define TL_RELEASES_MAX 8

struct tl_toolchains {
	struct tl_tool lang[TL_LANG_COUNT]; /* the one a run uses */
	struct tl_tool valgrind;
	char *zig_pinned; /* the version our Zig workloads are written for */
	/* Every release of a language found or pinned, the default first. */
	struct tl_tool releases[TL_LANG_COUNT][TL_RELEASES_MAX];
	int nreleases[TL_LANG_COUNT];
	int selected[TL_LANG_COUNT]; /* 1: lang[] was chosen by select */
};

/* Finds every toolchain; never fails (missing ones say why). */
void tl_toolchains_find(struct tl_toolchains *t, const char *root);
void tl_toolchains_release(struct tl_toolchains *t);

/*
 * "go1.27.3" -> "1.27.3", "gcc 12.2.0" -> "gcc 12.2.0": the version
 * without Go's "go" prefix, so that `go=1.27.3` and `go=go1.27.3` name the
 * same release. Borrowed from v.
 */
const char *tl_toolchain_bare_version(const char *v);

/* The installed release of lang with that version, or NULL. */
const struct tl_tool *tl_toolchains_find_release(const struct tl_toolchains *t,
						 enum tl_lang lang,
						 const char *version);

/*
 * Applies one "LANG=VERSION" choice (lang "go" or "zig"): that release
 * becomes t->lang[LANG]. 0, or -EINVAL (malformed, not go/zig) or -ENOENT
 * (not installed) with *why (owned) saying what there is instead.
 */
int tl_toolchains_select(struct tl_toolchains *t, const char *choice,
			 char **why);

/*
 * The toolchain a variant is built with. A variant may name the releases
 * its code exists in (`toolchains:` in experiment.yaml, e.g. [0.10.1]
 * for Zig's async); an empty list means any. When the run's toolchain is
 * one of them (or the list is empty) it is that; when the run chose its
 * release (select) and the variant cannot exist there, NULL with *why
 * ("cannot exist in zig 0.17.1: written for 0.10.1 only"); otherwise the
 * first listed release that is installed, or NULL with *why saying how to
 * install it. *why is owned by the caller.
 */
const struct tl_tool *tl_toolchains_for(const struct tl_toolchains *t,
					enum tl_lang lang,
					const struct tl_strv *releases,
					char **why);

/*
 * Runs argv (NULL-ended) with a timeout and returns its first output line
 * (stdout, else stderr) in *line (owned). 0, or -errno / -ECHILD when it
 * did not exit 0.
 */
int tl_run_capture(const char *const *argv, double timeout_s, char **line);
/*
 * tl_run_capture, answered from memo under key while it is kept there (a
 * fresh answer is kept); memo or key NULL: always asked.
 */
int tl_run_capture_kept(struct tl_memo *memo, const char *key,
			const char *const *argv, double timeout_s, char **line);

#endif
