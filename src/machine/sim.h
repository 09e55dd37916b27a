/*
 * sim.h - simulated counts from valgrind's cachegrind.
 *
 * A workload runs as
 *
 *     setarch -R valgrind --tool=cachegrind --cache-sim=yes
 *         --branch-sim=yes --I1=32768,8,64 --D1=32768,8,64
 *         --LL=8388608,16,64 --cachegrind-out-file=FILE BIN ARGS...
 *
 * so the same binary and input give the same instruction, cache-miss and
 * branch-mispredict counts on any machine: the cache geometry is fixed
 * (not taken from the host), and ASLR is off so that addresses (and so
 * cache sets) repeat. There are no cycles, no TLB and no kernel work.
 * The counts are read from FILE's `events:` and `summary:` lines; the
 * parser is strict (every malformed line is a file:line:col error) and
 * checks that the summary equals the sum of the cost lines, so a
 * truncated file is never taken for a result.
 *
 * Go's runtime is a hazard under valgrind (see tl_sim_policy()): Go
 * results are flagged, with the reason, by the policy.
 */
#ifndef TL_SIM_H
#define TL_SIM_H

#include "machine/counters.h"

#include <stddef.h>
#include <stdint.h>

/* X(ID, cachegrind event name, what it counts). */
#define TL_SIM_EVENTS(X)                                                       \
	X(IR, "Ir", "instructions executed")                                   \
	X(I1MR, "I1mr", "I1 instruction-read misses")                          \
	X(ILMR, "ILmr", "LL instruction-read misses")                          \
	X(DR, "Dr", "data reads")                                              \
	X(D1MR, "D1mr", "D1 data-read misses")                                 \
	X(DLMR, "DLmr", "LL data-read misses")                                 \
	X(DW, "Dw", "data writes")                                             \
	X(D1MW, "D1mw", "D1 data-write misses")                                \
	X(DLMW, "DLmw", "LL data-write misses")                                \
	X(BC, "Bc", "conditional branches")                                    \
	X(BCM, "Bcm", "conditional branch mispredicts")                        \
	X(BI, "Bi", "indirect branches")                                       \
	X(BIM, "Bim", "indirect branch mispredicts")

enum tl_sim_event {
#define TL__SIM_ENUM(id, name, help) TL_SIM_##id,
	TL_SIM_EVENTS(TL__SIM_ENUM)
#undef TL__SIM_ENUM
		TL_SIM__N
};

/* The fixed simulated geometry (also recorded with the results). */
#define TL_SIM_I1 "32768,8,64"
#define TL_SIM_D1 "32768,8,64"
#define TL_SIM_LL "8388608,16,64"

/* The cachegrind name of an event ("Ir"); NULL for a bad id. */
const char *tl_sim_event_name(enum tl_sim_event ev);

/* The counts of one run. Plain data; the caller owns it. */
struct tl_sim_counts {
	uint64_t v[TL_SIM__N];
	unsigned have; /* bit (1u << ev) set when the file had that event */
};

/*
 * The command prefix. tl_sim_cmd_init() fills argv with the words above
 * (argv[argc] == NULL); the caller appends the workload's own argv after
 * argv[argc - 1]. The struct owns the --cachegrind-out-file= word; the
 * rest are string literals. Returns 0, or -ENAMETOOLONG when out_file
 * does not fit.
 */
#define TL_SIM_ARGV_MAX 16
struct tl_sim_cmd {
	const char *argv[TL_SIM_ARGV_MAX];
	int argc;
	char out_opt[4096 + 32]; /* private */
};
int tl_sim_cmd_init(struct tl_sim_cmd *cmd, const char *out_file);

struct tl_sim_policy;

/*
 * The same for a language's policy: with p->region_only the tool is
 * callgrind with the same geometry and --collect-atstart=no, so nothing
 * is counted until the workload toggles collection on (a valgrind client
 * request around its measured region: tlwMeasured in workload/tlw.go) and
 * only on the thread that did. p may be NULL (cachegrind).
 */
int tl_sim_cmd_init_for(struct tl_sim_cmd *cmd, const struct tl_sim_policy *p,
			const char *out_file);

/*
 * Parses a cachegrind out file held in buf[0..len) (need not be
 * NUL-terminated; NUL bytes are errors). name is the file name used in
 * messages. Grammar (cachegrind 3.x):
 *
 *     desc: TEXT          any number, first
 *     cmd: TEXT           one, optional
 *     events: NAME...     one, before any cost line; names from
 *                         TL_SIM_EVENTS, each at most once
 *     fl=NAME | fn=NAME   context lines
 *     LINE COUNT...       cost lines: at most one count per event
 *     summary: COUNT...   one, last, exactly one count per event
 *
 * Fills out (have = the events named) and returns 0; on a malformed
 * file returns -EINVAL and writes "name:line:col: what" into err.
 * Thread-safe; allocates nothing.
 */
int tl_sim_parse_buf(const char *buf, size_t len, const char *name,
		     struct tl_sim_counts *out, char *err, size_t errlen);

/*
 * Parses a callgrind out file (format version 1) for its totals only:
 * one events: line, an optional summary: line and a final totals: line
 * (a file cut short has none), which must agree. Other lines are not
 * checked. Same contract as tl_sim_parse_buf.
 */
int tl_sim_parse_callgrind_buf(const char *buf, size_t len, const char *name,
			       struct tl_sim_counts *out, char *err,
			       size_t errlen);

/*
 * Reads and parses a file (callgrind's when it starts with "# callgrind
 * format", else cachegrind's); -errno (with err set) when it cannot be
 * read.
 */
int tl_sim_parse_file(const char *path, struct tl_sim_counts *out, char *err,
		      size_t errlen);

/*
 * The simulated count that stands for a counter event: instructions = Ir,
 * branches = Bc + Bi, branch_misses = Bcm + Bim, l1d_load_misses = D1mr,
 * l1i_load_misses = I1mr, llc_misses = ILmr + DLmr + DLmw. Returns 0 and
 * sets *v, or -ENOENT when cachegrind has no such count (cycles, TLB,
 * software events) or the file lacked an event it needs.
 */
int tl_sim_counter_value(const struct tl_sim_counts *c, enum tl_counter_id id,
			 uint64_t *v);

/* How far simulated results of a language can be trusted. */
enum tl_sim_trust {
	TL_SIM_EXACT,	/* deterministic: same binary, same counts */
	TL_SIM_FLAGGED, /* runs, but counts move run to run: flagged */
	TL_SIM_REFUSED	/* does not run, or the counts are wrong */
};

struct tl_sim_policy {
	enum tl_sim_trust trust;
	const char *env[5]; /* extra KEY=VALUE for the workload, NULL-ended */
	int region_only;    /* count only the measured region (callgrind) */
	/* A miss count (cache, predictor) that moves by fewer events than
	 * this between two points is 0 per op: state shared with the
	 * runtime's other threads, not the code (0: none). */
	double miss_floor;
	/* The same floor per instruction executed between the two points,
	 * for a runtime whose threads' share grows with the region's run
	 * time (0: none); the larger of the two floors applies. */
	double miss_floor_per_ir;
	int runs_per_point;    /* runs at each OPS value (>= 1) */
	double max_rel_spread; /* refuse when repeated runs differ more */
	const char *reason;    /* why flagged or refused; "" when exact */
};

/*
 * The fewest events by which a miss count (cache, predictor) must move
 * between two points of p's differencing, over `instructions` executed
 * between them, to count: the larger of p's two floors (0 for an exact
 * language).
 */
double tl_sim_miss_floor(const struct tl_sim_policy *p, double instructions);

/*
 * The rule for lang ("c", "cpp", "go", "zig"): the environment the
 * harness must give the workload under valgrind, how often to repeat each
 * point, and whether the counts are exact, flagged or refused (with the
 * reason). For a flagged language the runner runs each OPS point
 * runs_per_point times and refuses the figure, saying why, when the
 * per-op values of the repetitions differ by more than max_rel_spread
 * (see tl_diff_spread()). All strings are static. Thread-safe.
 *
 * Measured with Go 1.26.8 and valgrind 3.19 (see the report in
 * experiments/calib/README.md): counted whole under cachegrind, Go's
 * counts move run to run (sysmon and the scheduler wake on wall time,
 * which valgrind stretches 50x; GC cycles are paced by time): ~1% for a
 * loop that does not allocate, 10-40% (433% for hashmap) for an
 * allocating loop with the GC on. So Go is counted by callgrind only
 * inside the measured region (region_only), with GOGC=off (no GC cycle
 * at all), GOMAXPROCS=1 and GODEBUG=asyncpreemptoff=1 (no SIGURG); the
 * instruction count of a region shorter than sysmon's 10 ms time slice
 * then repeats exactly (tests/e2e/t0310-go-sim-determinism.sh), and a
 * longer one moves by one preemption (~100 instructions) per 10 ms.
 */
void tl_sim_policy(const char *lang, struct tl_sim_policy *p);

#endif
