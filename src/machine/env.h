/*
 * env.h - the machine a run was measured on.
 *
 * Every results file records it, `traplab doctor` prints it, and its
 * fingerprint groups runs of one kind of machine (CPU model, cores, NUMA
 * nodes, PMU or not, virtualised or not): runs of different fingerprints
 * are never pooled. Unreadable fields are NULL / -1, never guessed.
 */
#ifndef TL_ENV_H
#define TL_ENV_H

#include <jansson.h>

#include "machine/counters.h"
#include "machine/toolchain.h"

struct tl_env {
	char *hostname;
	char *cpu_model;
	int cpus;
	char *kernel;
	char *governor;	 /* NULL when cpufreq is not exposed (VMs) */
	int turbo;	 /* 1 on, 0 off, -1 unknown */
	int aslr;	 /* /proc/sys/kernel/randomize_va_space, -1 unknown */
	int paranoid;	 /* perf_event_paranoid, -100 unknown */
	int virtualised; /* 1 when the CPU reports a hypervisor */
	char *hypervisor;
	int numa_nodes;
	double clock_resolution_ns; /* smallest observed clock step */
	char fingerprint[17];
	char *commit; /* traplab's own git commit, NULL when unknown */
	struct tl_counters_probe pmu;
	struct tl_toolchains tools;
};

/* Probes everything (takes ~100 ms: it runs each toolchain once). */
void tl_env_probe(struct tl_env *e, const char *root);
void tl_env_release(struct tl_env *e);

/* The env object of the results JSON (docs/results-json.md). New ref. */
json_t *tl_env_json(const struct tl_env *e);

/* 64-bit FNV-1a, for fingerprints and cache keys. */
uint64_t tl_fnv1a(uint64_t h, const void *p, size_t n);
#define TL_FNV_SEED 0xcbf29ce484222325ull

#endif
