/*
 * counters.h - hardware and software event counts of one workload process.
 *
 * Counters come from perf_event_open(2), opened in the parent on the
 * child's pid between fork and exec (see proc.h, on_spawn), with
 * enable_on_exec so that only the workload is counted, and inherit so
 * that its threads and children are counted too. Hardware events form one
 * group led by cycles (read with PERF_FORMAT_GROUP, so they are scheduled
 * together); when the kernel refuses a group read on inherited events,
 * each hardware event gets its own fd. Software events always get one fd
 * each.
 *
 * A counter the machine cannot give is absent with its reason, never 0:
 * the reason says why once, plainly (no PMU in a virtual machine,
 * perf_event_paranoid, no such event on this CPU). A count the kernel
 * multiplexed (time_running < time_enabled) is scaled by
 * time_enabled/time_running and flagged with its coverage.
 *
 * The event list is the X-macro TL_COUNTER_EVENTS; its names are the
 * metric stems (instructions -> instructions_per_op). Every count carries
 * its source: "pmu" for hardware events, "sw" for kernel software events.
 *
 * perf_event_open is only ever called through tl__os.perf_event_open, so
 * tests inject refusals. Nothing here is thread-safe: one struct
 * tl_counters belongs to one runner thread.
 */
#ifndef TL_COUNTERS_H
#define TL_COUNTERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * X(ID, name, kind, perf type, perf config). The perf tokens are only
 * expanded in counters.c (which includes linux/perf_event.h); the config
 * of a cache event is written with TL__CACHE(cache, op, result).
 */
#define TL_COUNTER_EVENTS(X)                                                   \
	X(CYCLES, "cycles", HW, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES)  \
	X(INSTRUCTIONS, "instructions", HW, PERF_TYPE_HARDWARE,                \
	  PERF_COUNT_HW_INSTRUCTIONS)                                          \
	X(BRANCHES, "branches", HW, PERF_TYPE_HARDWARE,                        \
	  PERF_COUNT_HW_BRANCH_INSTRUCTIONS)                                   \
	X(BRANCH_MISSES, "branch_misses", HW, PERF_TYPE_HARDWARE,              \
	  PERF_COUNT_HW_BRANCH_MISSES)                                         \
	X(L1D_LOAD_MISSES, "l1d_load_misses", HW, PERF_TYPE_HW_CACHE,          \
	  TL__CACHE(L1D, READ, MISS))                                          \
	X(L1I_LOAD_MISSES, "l1i_load_misses", HW, PERF_TYPE_HW_CACHE,          \
	  TL__CACHE(L1I, READ, MISS))                                          \
	X(LLC_MISSES, "llc_misses", HW, PERF_TYPE_HARDWARE,                    \
	  PERF_COUNT_HW_CACHE_MISSES)                                          \
	X(DTLB_LOAD_MISSES, "dtlb_load_misses", HW, PERF_TYPE_HW_CACHE,        \
	  TL__CACHE(DTLB, READ, MISS))                                         \
	X(TASK_CLOCK_NS, "task_clock_ns", SW, PERF_TYPE_SOFTWARE,              \
	  PERF_COUNT_SW_TASK_CLOCK)                                            \
	X(PAGE_FAULTS, "page_faults", SW, PERF_TYPE_SOFTWARE,                  \
	  PERF_COUNT_SW_PAGE_FAULTS)                                           \
	X(CONTEXT_SWITCHES, "context_switches", SW, PERF_TYPE_SOFTWARE,        \
	  PERF_COUNT_SW_CONTEXT_SWITCHES)                                      \
	X(CPU_MIGRATIONS, "cpu_migrations", SW, PERF_TYPE_SOFTWARE,            \
	  PERF_COUNT_SW_CPU_MIGRATIONS)

enum tl_counter_id {
#define TL__COUNTER_ENUM(id, name, kind, type, config) TL_COUNTER_##id,
	TL_COUNTER_EVENTS(TL__COUNTER_ENUM)
#undef TL__COUNTER_ENUM
		TL_COUNTER__N
};

/* What to open: a mask for tl_counters_open(). */
#define TL_COUNTERS_HW	(1u << 0)
#define TL_COUNTERS_SW	(1u << 1)
#define TL_COUNTERS_ALL (TL_COUNTERS_HW | TL_COUNTERS_SW)

/* The metric stem of an event ("instructions"); NULL for a bad id. */
const char *tl_counter_name(enum tl_counter_id id);

/* The event with that name, or -1. */
int tl_counter_lookup(const char *name);

/* 1 for a hardware (PMU) event, 0 for a software event. */
int tl_counter_is_hw(enum tl_counter_id id);

/* The source label of the event's figures: "pmu" or "sw". */
const char *tl_counter_source(enum tl_counter_id id);

/*
 * What the machine allows, found once per run by tl_counters_probe().
 * All fields are results; the caller owns the struct.
 */
struct tl_counters_probe {
	int has_pmu;	     /* a hardware counter opened on this process */
	int has_sw;	     /* a software counter opened on this process */
	int paranoid;	     /* kernel.perf_event_paranoid; -100 unreadable */
	int privileged;	     /* euid 0 (root passes the paranoid check) */
	int is_vm;	     /* the CPU reports a hypervisor */
	int pmu_sysfs;	     /* /sys/bus/event_source/devices/cpu* exists */
	int exclude_kernel;  /* counts are user-space only (paranoid >= 2) */
	int hw_err;	     /* -errno of the hardware test open, or 0 */
	int sw_err;	     /* -errno of the software test open, or 0 */
	char hw_reason[256]; /* why hardware counters are absent; "" if not */
	char sw_reason[256]; /* why software counters are absent; "" if not */
};

/*
 * Finds out whether perf_event_open works here, for hardware and software
 * events, and why not: it opens (and closes) one cycles and one
 * task-clock counter on the calling process and reads
 * /proc/sys/kernel/perf_event_paranoid and /proc/cpuinfo. Call it once
 * per run and print the reasons once. Never fails.
 */
void tl_counters_probe(struct tl_counters_probe *p);

/*
 * The reason text for an open() that failed with err (-errno) for an
 * event of the given kind, in the context of probe p (may be NULL).
 * Writes a NUL-terminated line into buf.
 */
void tl_counters_reason(const struct tl_counters_probe *p, int hw, int err,
			char *buf, size_t n);

/*
 * Scales a raw count by enabled/running (multiplexing). On success sets
 * *value = raw * enabled / running and *coverage = running / enabled (1
 * when not multiplexed) and returns 0. Returns -ENODATA when the counter
 * never ran (running == 0 or enabled == 0): the count is unknown, not 0.
 * Pure; thread-safe.
 */
int tl_counters_scale(uint64_t raw, uint64_t enabled_ns, uint64_t running_ns,
		      double *value, double *coverage);

/* State of one event. All fields are private to counters.c until read. */
struct tl_counter {
	int fd;		     /* private: -1 when not open */
	int leader;	     /* private: read through the group leader's fd */
	int group_idx;	     /* private: position in the group read */
	int present;	     /* result: 1 when value is a measured count */
	int multiplexed;     /* result: 1 when scaled (coverage < 1) */
	int err;	     /* result: -errno of open/read, 0 */
	uint64_t raw;	     /* result: unscaled count */
	uint64_t enabled_ns; /* result: time the event was enabled */
	uint64_t running_ns; /* result: time it was on the PMU */
	double value;	     /* result: scaled count (valid when present) */
	double coverage;     /* result: running/enabled */
	char reason[160];    /* result: why absent; "" when present */
};

/*
 * The counters of one process. The caller places it (stack or embedded)
 * and initialises it with tl_counters_init().
 */
struct tl_counters {
	const struct tl_counters_probe *probe; /* borrowed */
	int group_fd; /* private: hardware group leader, or -1 */
	int group_n;  /* private: events in the group */
	int grouped;  /* result: 1 when hardware events were one group */
	struct tl_counter ev[TL_COUNTER__N];
};

/*
 * Prepares c: nothing open, every event absent ("not opened"). Borrows
 * probe (it must outlive c; NULL means "unknown", reasons are then
 * plainer).
 */
void tl_counters_init(struct tl_counters *c,
		      const struct tl_counters_probe *probe);

/*
 * Opens the events selected by what (TL_COUNTERS_HW/SW) on process pid,
 * disabled until pid execs (enable_on_exec), counting its threads and
 * children (inherit). Call it from the proc on_spawn hook: after fork,
 * before the child execs. An event that cannot be opened is absent with
 * its reason; that is not an error. Returns the number of events opened
 * (0 or more). Not thread-safe.
 */
int tl_counters_open(struct tl_counters *c, pid_t pid, unsigned what);

/*
 * Reads every open event after the process has exited (and been reaped),
 * so that inherited counts of its threads are folded in, and fills value,
 * coverage, multiplexed and present; an event that never ran is absent
 * with its reason. Returns the number of present events. The fds stay
 * open until tl_counters_close().
 */
int tl_counters_read(struct tl_counters *c);

/* Closes every fd; the results stay readable. Accepts a closed c. */
void tl_counters_close(struct tl_counters *c);

#endif
