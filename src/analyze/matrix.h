/*
 * matrix.h - results from many machines, grouped by machine fingerprint:
 * the data model of the verdict matrix (claims x machines).
 *
 * A machine is one env.fingerprint (a hash of CPU model, cores, NUMA
 * nodes, PMU or not, virtualised or not; env.c) and one pair of Go and
 * Zig releases (env.toolchains): toolchains are an axis like machines. Runs of
 * one fingerprint are pooled: for every experiment / case (params) / variant /
 * metric, their raw samples are concatenated and the metric's statistics
 * (median, its bootstrap CI with the fixed seed, MAD, mean, min, max,
 * percentiles) are recomputed from the pooled samples, exactly as the runner
 * computes them for one run. Runs of different fingerprints are never pooled or
 * averaged: each machine gets its own merged results JSON, which any
 * consumer of one run (the claims engine, metrics, compare) reads
 * unchanged.
 *
 * A merged run is a valid traplab.results/1 document with one addition,
 * "pool": {"runs": [{"source", "started_utc", "hostname"}...],
 * "hostnames": [...], "conflicts": ["..."]}. Pooling rules beyond the
 * samples: cases, variants and metrics present in only some runs are kept
 * (with the samples they have); a pooled metric carries "runs", the
 * number of runs whose samples it holds; a metric without raw samples in some
 * run keeps the first run's figures and is listed in conflicts; a variant whose
 * status differs between runs becomes "partial" with the statuses in its reason
 * (samples of failed runs are still absent, as in one run); absent figures are
 * the union (a figure measured in some run is not absent); differing facts keep
 * the first run's value and are listed in conflicts; case rounds add up;
 * started_utc is the earliest, elapsed_s the sum, noise.aa_mde_pct the largest
 * (the conservative one).
 *
 * Thread safety: a struct tl_matrix belongs to one thread.
 */
#ifndef TL_MATRIX_H
#define TL_MATRIX_H

#include <jansson.h>
#include <stddef.h>

#include "base/util.h"

struct tl_history;

/* One machine kind: all runs of one fingerprint. Fields are read-only. */
struct tl_matrix_machine {
	char *fingerprint; /* env.fingerprint */
	/* "go1.26.8, zig 0.17.1" (env.toolchains; "" when not said): runs
	 * of one fingerprint and different toolchains are not pooled */
	char *toolchains;
	/*
	 * For people: "AMD EPYC 7B13, 2 CPUs, 1 NUMA node, no PMU, VM (KVM)";
	 * unknown fields are left out, never guessed.
	 */
	char *label;
	char *cpu_model;  /* NULL when the runs do not say */
	int cpus;	  /* -1 unknown */
	int numa_nodes;	  /* -1 unknown */
	int pmu;	  /* 1, 0, -1 unknown */
	int virtualised;  /* 1, 0, -1 unknown */
	char *hypervisor; /* NULL when not virtualised or unknown */
	size_t nruns;	  /* runs pooled */
	json_t *run;	  /* the merged results JSON, owned by the matrix */
	int dirty;	  /* private: statistics to recompute */
};

/* Machines in the order their first run was added. */
struct tl_matrix {
	struct tl_matrix_machine *machines;
	size_t n;
	size_t cap; /* private */
};

#define TL_MATRIX_INIT                                                         \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

void tl_matrix_init(struct tl_matrix *mx);
void tl_matrix_release(struct tl_matrix *mx);

/*
 * Adds one run (borrowed; deep-copied) to the machine of its
 * env.fingerprint, creating the machine on its first run. source names
 * the run in "pool" and in messages (a file name, "history run 7").
 * 0, or -EINVAL (message in err) when the run has no env.fingerprint or
 * no experiments array, or when a metric's samples are not numbers.
 */
int tl_matrix_add(struct tl_matrix *mx, json_t *run, const char *source,
		  struct tl_buf *err);

/* Loads a results file (tl_results_load()) and adds it. 0 or -errno. */
int tl_matrix_add_file(struct tl_matrix *mx, const char *path,
		       struct tl_buf *err);

/*
 * Adds the newest last runs (0: all) of every machine stored in h (of
 * one machine when fingerprint is not NULL). Runs recorded under
 * interference (--interfere) are left out: they answer another question.
 * 0 or -errno as tl_history_list() and tl_history_get_json().
 */
int tl_matrix_add_history(struct tl_matrix *mx, struct tl_history *h,
			  const char *fingerprint, size_t last,
			  struct tl_buf *err);

/*
 * Machine i (i < mx->n) with its merged run up to date (statistics are
 * recomputed lazily after adds). The pointer is valid until the next
 * tl_matrix_add*() or tl_matrix_release().
 */
const struct tl_matrix_machine *tl_matrix_machine(struct tl_matrix *mx,
						  size_t i);

/* The machine of a fingerprint, or NULL. Same validity as above. */
const struct tl_matrix_machine *tl_matrix_find(struct tl_matrix *mx,
					       const char *fingerprint);

/*
 * Prints the figure matrix: one row per experiment/params/variant/metric,
 * one column per machine, cells "median [ci_lo, ci_hi]" (or "-" where the
 * machine has no such figure), after a legend of the machines (column,
 * fingerprint, runs pooled, label). metric NULL: every metric.
 */
void tl_matrix_print(struct tl_matrix *mx, const char *metric,
		     struct tl_buf *out);

#endif
