/*
 * registry.h - the experiments traplab knows, read from
 * experiments/NAME/experiment.yaml (format: experiments/README.md).
 *
 * The registry is loaded whole at start-up. A malformed file is reported
 * (every problem at file:line:column) and left out; the others load. The
 * structures are plain data owned by the registry; callers borrow them for
 * the registry's lifetime.
 */
#ifndef TL_REGISTRY_H
#define TL_REGISTRY_H

#include "base/util.h"
#include "machine/toolchain.h"

enum tl_kind {
	TL_KIND_LOOP,	/* in-process timed batches (the protocol) */
	TL_KIND_PROCESS /* whole-process starts: wall time, rusage */
};

struct tl_kv {
	char *key, *val;
};

/* Frees n key/value pairs and the array. Accepts NULL. */
void tl_kv_free(struct tl_kv *kv, size_t n);

struct tl_param {
	char *name;
	char *help;
	struct tl_strv defaults; /* values a full run sweeps */
	struct tl_strv quick;	 /* values a --quick run uses */
};

struct tl_variant {
	char *name; /* "c.glibc" */
	enum tl_lang lang;
	struct tl_strv sources; /* relative to the experiment folder */
	struct tl_strv cflags, libs, pkgconfig, lib, goflags, args;
	/* The releases of its language the code exists in ([] = any). */
	struct tl_strv toolchains;
	struct tl_kv *env;
	size_t nenv;
	struct tl_kv *params;
	size_t nparams;
	/*
	 * Files made at build time: key = the file's name, val = "SCRIPT
	 * ARGS..." (a script of the experiment folder); see build.h.
	 */
	struct tl_kv *gen;
	size_t ngen;
	/*
	 * The experiment params the variant's workload reads (`reads:`);
	 * only meaningful when reads_declared, else it reads them all. A
	 * claim need not pin a param its variant does not read.
	 */
	struct tl_strv reads;
	int reads_declared;
	char *mode;	  /* zig optimisation mode, NULL = ReleaseFast */
	char *comment;	  /* what the variant models */
	double timeout_s; /* 0 = the experiment's */
	int sim;	  /* 0: never run under valgrind */
	int line;	  /* position in experiment.yaml */
};

struct tl_experiment {
	char *name;
	char *dir;  /* the experiment's folder */
	char *path; /* its experiment.yaml */
	char *description;
	char *section;
	char *unit;
	enum tl_kind kind;
	double timeout_s;
	unsigned long long max_ops; /* 0 = no bound */
	int rounds;  /* interleaved rounds; 0 = the runner's default */
	int samples; /* samples per process; 0 = the runner's default */
	int warmup;  /* samples discarded per process; -1 = the default */
	/*
	 * A round's processes do their untimed set-up side by side and
	 * time one at a time (each waits in tlw_run for its turn).
	 */
	int parallel_setup;
	struct tl_param *params;
	size_t nparams;
	struct tl_strv metrics;
	struct tl_variant *variants;
	size_t nvariants;
};

struct tl_registry {
	char *root; /* project root */
	struct tl_experiment *exps;
	size_t nexps;
};

/*
 * Loads root/experiments/ * /experiment.yaml in name order. Problems go to d;
 * a file with any problem is left out. Returns the number of experiments
 * loaded (>= 0) or -errno when the folder cannot be read.
 */
int tl_registry_load(struct tl_registry *r, const char *root,
		     struct tl_diag *d);

/*
 * Parses one experiment file (text may be NULL to read path). Used by
 * tl_registry_load and by the fuzz target. 0, or -EINVAL with diagnostics.
 */
int tl_registry_parse(struct tl_experiment *e, const char *path,
		      const char *text, size_t len, struct tl_diag *d);

void tl_registry_release(struct tl_registry *r);
void tl_experiment_release(struct tl_experiment *e);

struct tl_experiment *tl_registry_find(const struct tl_registry *r,
				       const char *name);
struct tl_variant *tl_experiment_variant(const struct tl_experiment *e,
					 const char *name);
struct tl_param *tl_experiment_param(const struct tl_experiment *e,
				     const char *name);
/* Whether variant v reads param `name` (yes unless `reads:` leaves it out). */
int tl_variant_reads(const struct tl_variant *v, const char *name);

#endif
