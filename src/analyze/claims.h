/*
 * claims.h - claim sets: published performance statements turned into
 * predicates on measured metrics and facts (the language: claims/README.md).
 *
 * A claim file is parsed whole; every problem is a diagnostic at
 * file:line:column. Problems come in two classes:
 * - malformed (YAML syntax, unknown key, bad predicate, unit that does not
 *   fit the metric, duplicate id): the file is refused;
 * - unresolved (the experiment, variant, metric, param or fact named is
 *   not in the registry): the claim stays in the set, is marked with the
 *   reason, and its verdict is UNTESTABLE with that reason. A claim set
 *   is written against experiments that may not exist yet; saying so is
 *   a verdict, not a crash. `traplab claims --check` treats both as errors.
 *
 * Values are kept in base units: nanoseconds, bytes, fractions (12.6% is
 * 0.126), plain counts, and plain factors for ratios.
 */
#ifndef TL_CLAIMS_H
#define TL_CLAIMS_H

#include <stddef.h>

#include "measure/metric.h"
#include "measure/registry.h"
#include "base/util.h"

/* Predicate operators: id, YAML key, symbol shown in tables. */
#define TL_PREDS(X)                                                            \
	X(APPROX, "approx", "~")                                               \
	X(BETWEEN, "between", "in")                                            \
	X(LT, "lt", "<")                                                       \
	X(LE, "le", "<=")                                                      \
	X(GT, "gt", ">")                                                       \
	X(GE, "ge", ">=")                                                      \
	X(EQ, "eq", "=")                                                       \
	X(NE, "ne", "!=")                                                      \
	X(EQUIVALENT, "equivalent", "equiv")

enum tl_pred_op {
#define X(id, key, sym) TL_PRED_##id,
	TL_PREDS(X)
#undef X
		TL_PRED_COUNT_
};

enum tl_measure_kind {
	TL_MEASURE_VALUE, /* one variant's metric */
	TL_MEASURE_RATIO, /* median(a) / median(b) */
	TL_MEASURE_DIFF,  /* median(a) - median(b) */
	TL_MEASURE_FACT	  /* one variant's fact (a string) */
};

#define TL_NEEDS(X)                                                            \
	X(PMU, "pmu")                                                          \
	X(NUMA, "numa")                                                        \
	X(CC, "cc")                                                            \
	X(CXX, "cxx")                                                          \
	X(GO, "go")                                                            \
	X(ZIG, "zig")                                                          \
	X(FEATURE, "feature")

enum tl_need_kind {
#define X(id, name) TL_NEED_##id,
	TL_NEEDS(X)
#undef X
		TL_NEED_COUNT_
};

struct tl_need {
	enum tl_need_kind kind;
	char *feature; /* TL_NEED_FEATURE: the feature's name */
};

/* One side of a measure: a variant and its params (merged with common). */
struct tl_side {
	char *variant;
	struct tl_kv *params;
	size_t nparams;
	int line, col;
};

struct tl_measure {
	enum tl_measure_kind kind;
	char *experiment;
	char *metric;		/* NULL for a fact */
	char *fact;		/* NULL for a metric */
	double q;		/* the statistic: quantile q (0.5 = median) */
	struct tl_side side[2]; /* [0] only, unless ratio or diff */
	enum tl_dim dim;	/* of the measured value */
	int line, col;
};

struct tl_pred {
	enum tl_pred_op op;
	/*
	 * Numeric predicates: the region [lo, hi] that makes the claim true
	 * (+-INFINITY for open ends; lt/gt are strict, le/ge are not, which
	 * only matters for exact values). approx: center +- tol. equivalent:
	 * center +- margin, decided by TOST.
	 */
	double lo, hi;
	double center, tol;
	int tol_rel; /* tol was given in percent of center */
	char *text;  /* eq/ne on a fact: the expected string */
	int line, col;
};

/* A feature of a toolchain, known from a probe fact in a run. */
struct tl_feature {
	char *name, *about;
	char *experiment, *variant, *fact, *eq;
	int line, col;
};

struct tl_claim {
	char *id, *section, *text; /* text: the paraphrase */
	char *claimed;		   /* the article's figure, as shown */
	char *quantity;		   /* what is measured, in plain words */
	char *note;		   /* optional remark (NULL) */
	/*
	 * The verdict this claim set expects on a reference machine
	 * (HOLDS, REFUTED, ...), or NULL: a CI gate (claims --junit) fails
	 * the claim when the verdict differs, and on REFUTED when NULL.
	 */
	char *expect;
	/*
	 * `code:`: variant -> the function (symbol) whose machine code the
	 * measure is about, for showing and diffing its disassembly.
	 */
	struct tl_kv *code;
	size_t ncode;
	/* The toolchain and runtime settings the figure is judged under,
	 * when they are not the run's defaults (NULL). */
	char *toolchain;
	struct tl_measure m;
	struct tl_pred p;
	struct tl_need *needs;
	size_t nneeds;
	char *unresolved; /* NULL, or why the registry cannot serve it */
	int line, col;
};

struct tl_claimset {
	char *path;
	char *title, *source;
	struct tl_feature *features;
	size_t nfeatures;
	struct tl_claim *claims;
	size_t nclaims;
	size_t nfile; /* claims in the file: more than nclaims after --only */
};

/*
 * Parses a claim file (text may be NULL to read path). Returns 0, or
 * -EINVAL when the file is malformed (every problem added to d; the set is
 * released), or -errno when it cannot be read. Borrows path.
 */
int tl_claims_parse(struct tl_claimset *cs, const char *path, const char *text,
		    size_t len, struct tl_diag *d);

/*
 * Keeps the claims whose id matches one of patterns[0..n) (fnmatch(3):
 * an id, or a glob such as "defer-*"), in file order, and releases the
 * others, and the features no kept claim needs: what is dropped is neither
 * run nor judged, and the family-wise correction counts only what is kept. A
 * pattern matching no claim is an error added to d (with the closest id: "did
 * you mean"), and the set is left whole. Returns the number of claims kept, or
 * -EINVAL.
 */
int tl_claims_only(struct tl_claimset *cs, const char *const *patterns,
		   size_t n, struct tl_diag *d);

/*
 * Resolves the set against the registry (r may be NULL: nothing can be
 * resolved, every claim is unresolved "no registry"). Each claim naming an
 * experiment, variant, metric, param or fact the registry lacks gets
 * `unresolved` set and a diagnostic at its position. Returns the number of
 * unresolved claims.
 */
int tl_claims_resolve(struct tl_claimset *cs, const struct tl_registry *r,
		      struct tl_diag *d);

void tl_claimset_release(struct tl_claimset *cs);

/* The names of the experiments the set needs, each once, in file order. */
void tl_claims_experiments(const struct tl_claimset *cs, struct tl_strv *out);

/* The feature named, or NULL. */
const struct tl_feature *tl_claims_feature(const struct tl_claimset *cs,
					   const char *name);

const char *tl_pred_key(enum tl_pred_op op);
const char *tl_pred_symbol(enum tl_pred_op op);
const char *tl_need_name(enum tl_need_kind k);

/*
 * Parses a quantity ("25ns", "120 MB", "12.6%", "3x", "2KiB", "1e6") of
 * dimension dim into base units. 0, or -EINVAL when malformed or when its
 * unit does not fit dim (*why says which, a static string).
 */
int tl_claims_quantity(const char *s, enum tl_dim dim, double *out,
		       const char **why);

/* The measure as one line: "alloc/c.tcmalloc ns_per_op size=64". */
void tl_claims_fmt_measure(struct tl_buf *b, const struct tl_measure *m);
/* The predicate as one line: "~ 25 ns +- 50%". */
void tl_claims_fmt_pred(struct tl_buf *b, const struct tl_claim *c);

#endif
