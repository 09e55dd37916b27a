/*
 * chaos.h - interference for `traplab run --interfere KIND`: the
 * article's "chaos experiment -> verify" step applied to measurements.
 *
 * Kinds:
 *   cpu          a CPU hog on the chosen CPU (stress-ng --cpu)
 *   cache        a cache thrasher (stress-ng --cache)
 *   membw        a memory-bandwidth streamer (stress-ng --stream)
 *   malloc-fail  no process: C workloads get libfiu's preload libraries
 *                in their environment, making malloc fail at random with
 *                a fixed probability and seed (tl_chaos_malloc_fail_env)
 * Every stressor is bounded: stress-ng's own --timeout, a parent-death
 * signal so it cannot outlive traplab, its own process group killed whole
 * by tl_chaos_stop(), and --taskset pinning to one CPU. Without stress-ng
 * traplab's own stressors (a spinning loop, a cache-sized and a 64 MiB
 * buffer walk) run under the same bounds.
 *
 * Not thread-safe: one struct tl_chaos per interference, owned by the
 * caller (the layout is public so it can live on the stack; fields are
 * private).
 */
#ifndef TL_CHAOS_H
#define TL_CHAOS_H

#include <stdint.h>
#include <sys/types.h>

#include "base/util.h"

#define TL_CHAOS_KINDS(X)                                                      \
	X(CPU, "cpu", "--cpu")                                                 \
	X(CACHE, "cache", "--cache")                                           \
	X(MEMBW, "membw", "--stream")                                          \
	X(MALLOC_FAIL, "malloc-fail", NULL)

enum tl_chaos_kind {
#define X(id, name, flag) TL_CHAOS_##id,
	TL_CHAOS_KINDS(X)
#undef X
		TL_CHAOS_COUNT
};

struct tl_chaos {
	enum tl_chaos_kind kind; /* private */
	pid_t pgid;		 /* private: the stressor's group, 0 if none */
	int cpu;		 /* private: the CPU it is pinned to */
	int own;		 /* private: traplab's stressor, no stress-ng */
};

/* 0 and *out, or -EINVAL for an unknown kind name. */
int tl_chaos_parse(const char *name, enum tl_chaos_kind *out);
const char *tl_chaos_name(enum tl_chaos_kind k);

/*
 * Starts interference kind for at most seconds (> 0), pinned to cpu (-1:
 * the last online CPU, so a workload pinned to CPU 0 shares the machine
 * but not its core; pass the workload's CPU to share the core). For
 * malloc-fail nothing starts (use tl_chaos_malloc_fail_env()). 0, -EINVAL,
 * or -errno from fork/exec.
 */
int tl_chaos_start(const char *kind, double seconds, struct tl_chaos *c);
int tl_chaos_start_on(const char *kind, double seconds, int cpu,
		      struct tl_chaos *c);

/* The path of prog found on PATH (owned), or NULL. */
char *tl_chaos_which(const char *prog);

/* Stops the interference (kills its process group, reaps it). 0. */
int tl_chaos_stop(struct tl_chaos *c);

/*
 * The environment a C workload needs for malloc failure injection, pushed
 * as "KEY=VALUE" strings onto env:
 *   LD_PRELOAD=/usr/lib/fiu/fiu_run_preload.so .../fiu_posix_preload.so
 *   FIU_ENABLE=enable_random name=libc/mm/malloc,probability=P
 *   FIU_PRNG_SEED=SEED   (same seed, same failures)
 *   FIU_CTRL_FIFO=       (no remote-control fifo)
 * Only for C/C++ workloads: Go does not allocate through malloc and Zig's
 * allocators mostly do not either, so the runner should record those as
 * "not applicable" rather than passing. 0, or -ENOENT when libfiu's
 * preload libraries are missing (Debian package fiu-utils).
 */
int tl_chaos_malloc_fail_env(double probability, uint64_t seed,
			     struct tl_strv *env);

#endif
