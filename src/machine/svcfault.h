/*
 * svcfault.h - faults injected into a running service for `traplab
 * chaos --slo`: the article's "chaos experiment" step, bounded by the
 * SLO's constraints.
 *
 * Kinds:
 *   cpu       stress-ng --cpu on every online CPU at --cpu-load PERCENT
 *             (the resource-bound constraint's max_utilization), so the
 *             machine runs at that utilisation beside the service
 *   memory    stress-ng --vm: one worker dirtying BYTES (memory pressure)
 *   net-loss  libfiu: the service's socket calls (failure points
 * posix/io/net/...) fail at random with a probability; the service must have
 * been started under `fiu-run -x` (traplab does so for --target CMD), which
 * opens the control fifo fiu-ctrl writes to syscall   libfiu: any libfiu
 * failure point (default posix/io/rw/..., every read and write) fails at
 * random, as above There is no tc netem on the development kernel, hence libfiu
 * for the network; network delay is not injected. Every stressor runs in its
 * own process group with stress-ng's own --timeout and is killed whole by
 * tl_svcfault_stop(); a libfiu fault is disabled again by stop.
 *
 * Not thread-safe; one struct per fault, owned by the caller.
 */
#ifndef TL_SVCFAULT_H
#define TL_SVCFAULT_H

#include <stdio.h>
#include <sys/types.h>

#include "base/util.h"

#define TL_SVCFAULT_KINDS(X)                                                   \
	X(CPU, "cpu")                                                          \
	X(MEMORY, "memory")                                                    \
	X(NET_LOSS, "net-loss")                                                \
	X(SYSCALL, "syscall")

enum tl_svcfault_kind {
#define X(id, name) TL_SVCFAULT_##id,
	TL_SVCFAULT_KINDS(X)
#undef X
		TL_SVCFAULT_COUNT
};

struct tl_svcfault_spec {
	enum tl_svcfault_kind kind;
	double seconds;		  /* the fault's bound in time (> 0) */
	double cpu_load;	  /* cpu: utilisation in (0, 1] */
	unsigned long long bytes; /* memory: bytes to dirty */
	double probability;	  /* net-loss, syscall: in (0, 1] */
	const char *fiu_name;	  /* syscall: failure point name */
	pid_t target;		  /* net-loss, syscall: the service */
};

struct tl_svcfault {
	enum tl_svcfault_kind kind; /* private */
	pid_t pgid;		    /* private: stressor group, 0 if none */
	pid_t target;		    /* private: fiu-controlled service */
	char *fiu_name;		    /* private: the enabled failure point */
};

/* 0 and *out, or -EINVAL for an unknown name. */
int tl_svcfault_parse(const char *name, enum tl_svcfault_kind *out);
const char *tl_svcfault_name(enum tl_svcfault_kind k);

/*
 * Starts the fault. 0; -ENOENT when the tool it needs is missing
 * (stress-ng, fiu-ctrl) or the target has no libfiu control fifo (err
 * says how to get one); -errno from fork/exec.
 */
int tl_svcfault_start(const struct tl_svcfault_spec *spec,
		      struct tl_svcfault *f, struct tl_buf *err);

/* Stops it (kills the stressor group, disables the failure point). */
void tl_svcfault_stop(struct tl_svcfault *f);

/* Whether pid exists and is not a zombie. */
int tl_svcfault_alive(pid_t pid);

/* Whether pid runs under `fiu-run -x` (its control fifo exists). */
int tl_svcfault_has_fiu(pid_t pid);

/*
 * Evidence with bpftrace (when it is on PATH): for seconds, histograms of
 * the target's syscall latency and of the time its threads wait for a CPU
 * after being preempted (sched_switch with the task still runnable, to
 * its next switch-in), written to the file at out_path. *tracer gets the
 * bpftrace process (its own group). 0, -ENOENT without bpftrace, -errno.
 * tl_svcfault_trace_stop() waits for it (SIGINT after a grace period, so
 * it still prints its maps).
 */
int tl_svcfault_trace_start(pid_t target, double seconds, const char *out_path,
			    pid_t *tracer);
void tl_svcfault_trace_stop(pid_t tracer);

/*
 * Prints, one line each, which fault and observation mechanisms this
 * machine has: stress-ng, libfiu (fiu-run, fiu-ctrl, preload libraries),
 * tc netem, eBPF (the bpf syscall, BTF, bpf_override_return), bpftrace.
 * For `traplab doctor`.
 */
void tl_svcfault_doctor(FILE *f);

#endif
