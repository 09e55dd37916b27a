#!/bin/sh
# scripts/bench.sh - `make bench`: traplab's own measurement costs, and
# the spread of traplab beside the tools a user would pick instead, on the
# same workloads, in one run.
#
#   1. traplab's own figures (bench/selfbench.c): clock resolution and read
#      cost, the overhead a timed sample adds, the cost of opening and of
#      reading the perf counters.
#   2. In-process loop: calib's c.add_chain and c.empty under
#      `traplab run calib` and the same assembly loops under Google
#      Benchmark (bench/gbench_loop.cc, libbenchmark-dev).
#   3. Whole process: startup's c.static (a static hello) under
#      `traplab run startup` and under hyperfine (-N, no shell).
#
#   4. The claims pass itself: `traplab claims --repeat N`, the default
#      pass N times (BENCH_CLAIMS_REPEAT, default 5; 0 skips it): how often
#      each verdict came out, flips, wall per pass, samples spent against
#      the oracle.
#
# Each tool is run BENCH_RUNS times (default 5); each run gives one median.
# Every tool gets about the same work: traplab's loop samples add up to
# about the time Google Benchmark spends (10 repetitions of >= 0.5 s per
# loop would be 5 s; traplab takes 20 rounds of 40 samples of >= 1 ms,
# 0.8 s of samples plus its process starts), and traplab's starts match
# hyperfine's (3 rounds of 10 timed + 1 warm-up = 33, hyperfine 30 + 3).
# The "wall" column is the time each tool's invocation took, per run.
# The spread is the CV of those medians (stddev / mean, over runs): how far
# a second run of the same tool on the same code moves. MDE95 is the
# smallest run-vs-run difference that the spread lets one call real at 95%
# (1.96 * sqrt(2) * CV, normal approximation). traplab also reports its own
# A/A MDE per run (the median over runs is shown). Output: a table on
# stdout and in build/bench/bench.md.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=${BENCH_RUNS:-5}
out=build/bench
mkdir -p "$out"
say() { printf '%s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1; }

# ---- 1. traplab's own figures ----
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -o "$out/selfbench" bench/selfbench.c \
	src/machine/counters.c src/base/os.c
"$out/selfbench" >"$out/self.txt"

# ---- builds for the peers ----
have_gb=0
if c++ -O2 -std=c++17 -o "$out/gbench_loop" bench/gbench_loop.cc \
	-lbenchmark -lpthread 2>"$out/gbench_build.err"; then
	have_gb=1
else
	say "bench: Google Benchmark unavailable (apt-get install libbenchmark-dev)"
fi
have_hf=0
if need hyperfine; then
	have_hf=1
	cc -O2 -I workload -I lib experiments/startup/c/hello.c -static -lm \
		-lpthread -o "$out/hello_static"
else
	say "bench: hyperfine unavailable (apt-get install hyperfine)"
fi

# stats FILE: one number a line -> "n mean cv"
stats() {
	awk '{ x[NR] = $1; s += $1 } END {
		if (NR == 0) { print "0 nan nan"; exit }
		m = s / NR; v = 0
		for (i = 1; i <= NR; i++) v += (x[i] - m) ^ 2
		sd = NR > 1 ? sqrt(v / (NR - 1)) : 0
		printf "%d %.6g %.6g\n", NR, m, sd / m }' "$1"
}

rm -f "$out"/*.med "$out"/*.mde "$out"/*.wall
# timed FILE CMD...: runs CMD, appends its wall seconds to FILE.
timed() {
	f=$1
	shift
	t0=$(date +%s.%N)
	"$@"
	rc=$?
	echo "$(date +%s.%N) $t0" | awk '{ printf "%.3f\n", $1 - $2 }' >>"$f"
	return $rc
}
# ---- 2 and 3: repeated runs, interleaved so drift hits all tools ----
for r in $(seq 1 "$runs"); do
	say "bench: round $r/$runs"
	if timed "$out/tl.calib.wall" ./traplab run calib -V c.add_chain \
		-V c.empty -q -r 20 -s 40 --no-history \
		-o "$out/tl_calib.$r.json" >"$out/tl_calib.$r.log" 2>&1; then
		for v in c.add_chain c.empty; do
			jq -r --arg v "$v" '.experiments[0].cases[0].variants[]
				| select(.name == $v and .status == "ok")
				| .metrics.ns_per_op.median' \
				"$out/tl_calib.$r.json" >>"$out/tl.$v.med"
			jq -r --arg v "$v" '.experiments[0].cases[0].variants[]
				| select(.name == $v and .status == "ok")
				| .metrics.ns_per_op.aa_mde_pct // empty' \
				"$out/tl_calib.$r.json" >>"$out/tl.$v.mde"
		done
	else
		say "bench: traplab run calib failed (see $out/tl_calib.$r.log)"
	fi
	if [ $have_gb = 1 ]; then
		timed "$out/gb.wall" "$out/gbench_loop" \
			--benchmark_repetitions=10 \
			--benchmark_report_aggregates_only=true \
			--benchmark_format=json >"$out/gb.$r.json" 2>/dev/null
		for b in add_chain empty; do
			jq -r --arg b "BM_${b}_median" '.benchmarks[]
				| select(.name == $b) | .real_time / 100000' \
				"$out/gb.$r.json" >>"$out/gb.c.$b.med"
		done
	fi
	if timed "$out/tl.start.wall" ./traplab run startup -V c.static -q \
		-r 3 -s 10 --no-history \
		-o "$out/tl_start.$r.json" >"$out/tl_start.$r.log" 2>&1; then
		jq -r '.experiments[0].cases[0].variants[]
			| select(.name == "c.static" and .status == "ok")
			| .metrics.wall_ns.median' "$out/tl_start.$r.json" \
			>>"$out/tl.c.static.med"
		jq -r '.experiments[0].cases[0].variants[]
			| select(.name == "c.static" and .status == "ok")
			| .metrics.wall_ns.aa_mde_pct // empty' \
			"$out/tl_start.$r.json" >>"$out/tl.c.static.mde"
	else
		say "bench: traplab run startup failed (see $out/tl_start.$r.log)"
	fi
	if [ $have_hf = 1 ]; then
		timed "$out/hf.wall" hyperfine -N --runs 30 --warmup 3 \
			--style none \
			--export-json "$out/hf.$r.json" "$out/hello_static" \
			>/dev/null 2>&1
		jq -r '.results[0].median * 1e9' "$out/hf.$r.json" \
			>>"$out/hf.c.static.med"
	fi
done

# ---- 4. the claims pass, repeated ----
reps=${BENCH_CLAIMS_REPEAT:-5}
rm -rf "$out/claims"
if [ "$reps" -gt 0 ]; then
	say "bench: traplab claims --repeat $reps"
	./traplab claims --repeat "$reps" -o "$out/claims" \
		>"$out/claims-repeat.out" 2>"$out/claims-repeat.log" ||
		say "bench: claims --repeat failed (see $out/claims-repeat.log)"
	sed -n '/passes: how often each verdict came out/,/^samples: median/p' \
		"$out/claims-repeat.out" >"$out/claims-repeat.txt"
fi

row() { # tool workload unit medfile mdefile wallfile
	wall=-
	[ -s "$6" ] && wall=$(sort -g "$6" | awk '{ x[NR] = $1 } END {
		m = NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2
		printf "%.2f s", m }')
	if [ ! -s "$4" ]; then
		printf '| %-16s | %-18s | %4s | %12s | %7s | %8s | %10s | %8s |\n' \
			"$1" "$2" 0 absent - - - "$wall"
		return
	fi
	set -- "$1" "$2" "$3" "$4" "${5:-}" $(stats "$4")
	aa=-
	[ -n "$5" ] && [ -s "$5" ] &&
		aa=$(sort -g "$5" | awk '{ x[NR] = $1 } END {
			m = NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2
			printf "%.1f%%", m }')
	printf '| %-16s | %-18s | %4s | %9.4g %-2s | %6.2f%% | %7.2f%% | %10s | %8s |\n' \
		"$1" "$2" "$6" "$7" "$3" "$(echo "$8" | awk '{ print 100 * $1 }')" \
		"$(echo "$8" | awk '{ print 100 * 1.96 * sqrt(2) * $1 }')" "$aa" \
		"$wall"
}

{
	echo "## traplab's own costs (bench/selfbench.c)"
	echo
	echo "| figure | value |"
	echo "|---|---|"
	awk '{ v = $2; $1 = $1; u = ""; for (i = 3; i <= NF; i++) u = u " " $i
		printf "| %s | %s%s |\n", $1, v, u }' "$out/self.txt"
	echo
	echo "## spread over $runs runs: CV of the per-run median"
	echo
	echo "| tool             | workload           | runs | median       | CV      | MDE95    | A/A MDE    | wall     |"
	echo "|------------------|--------------------|------|--------------|---------|----------|------------|----------|"
	row "traplab" "c.add_chain" "ns" "$out/tl.c.add_chain.med" \
		"$out/tl.c.add_chain.mde" "$out/tl.calib.wall"
	row "Google Benchmark" "c.add_chain" "ns" "$out/gb.c.add_chain.med" "" \
		"$out/gb.wall"
	row "traplab" "c.empty" "ns" "$out/tl.c.empty.med" "$out/tl.c.empty.mde" \
		"$out/tl.calib.wall"
	row "Google Benchmark" "c.empty" "ns" "$out/gb.c.empty.med" "" \
		"$out/gb.wall"
	row "traplab" "startup c.static" "ns" "$out/tl.c.static.med" \
		"$out/tl.c.static.mde" "$out/tl.start.wall"
	row "hyperfine" "startup c.static" "ns" "$out/hf.c.static.med" "" \
		"$out/hf.wall"
	echo
	echo "median: mean over runs of each run's median (ns/op in process," \
		"ns per start for whole process)."
	echo "CV: stddev/mean of the per-run medians. MDE95 = 1.96*sqrt(2)*CV:" \
		"the smallest run-vs-run change the spread resolves."
	echo "A/A MDE: traplab's own noise floor from its A/A split (median" \
		"over runs). wall: median seconds per run of the tool's" \
		"invocation (traplab's covers both loops, as Google Benchmark's" \
		"does)."
	if [ -s "$out/claims/claims-repeat.json" ]; then
		echo
		echo "## claims --repeat $reps"
		echo
		echo '```'
		cat "$out/claims-repeat.txt"
		echo '```'
	fi
} | tee "$out/bench.md"
