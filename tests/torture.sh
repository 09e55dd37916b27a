#!/usr/bin/env bash
# torture.sh [BUILD_DIR] - traplab under faults, on the sanitizer build.
#
# Each fault is tried several times; after each try we count what was lost
# (a results file missing, unreadable, or short of a case already printed;
# a history run gone; a scrape unanswered), the processes left (anything
# carrying the run's TL_CONTAIN token, or the server) and the folders left
# (.cache/work/run-PID, temp files). Any sanitizer report, crash or wrong
# exit status counts in "errors". The table ends the output; the script
# fails when any of lost, procs left, folders left or errors is not 0.
#
# Faults: SIGTERM/SIGINT/SIGHUP at random points of a run; SIGKILL then a
# later run; a full disk (a small tmpfs) for the results and the history;
# a read-only history (bind mount); corrupted and truncated results,
# claims, SLO and history files; 200 slow clients plus 500 concurrent
# scrapes against `serve`; each parser's libFuzzer target for a short
# time. Root is needed for the mounts (those rows are skipped otherwise).
# Knobs: TORTURE_TRIES (default 6), TORTURE_FUZZ_SECONDS (default 8),
# TORTURE_SEED (default: random; printed so a failure can be replayed).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
B=${1:-build/asan}
TL=$root/$B/traplab
TRIES=${TORTURE_TRIES:-6}
FUZZ_S=${TORTURE_FUZZ_SECONDS:-8}
SEED=${TORTURE_SEED:-$RANDOM}
RANDOM=$SEED
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
if [ ! -x "$TL" ]; then
	echo "torture: building the sanitizer flavour ($B)"
	make -j2 --no-print-directory SANITIZE=address,undefined all >/dev/null ||
		{ echo "torture: build failed"; exit 1; }
fi
command -v jq >/dev/null || { echo "torture: needs jq"; exit 1; }
T=$(mktemp -d /tmp/torture.XXXXXX)
mounts=()
cleanup() {
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
echo "torture: $TL, seed $SEED, $TRIES tries per fault"

rows=()
row() { # row FAULT TRIES LOST PROCS FOLDERS ERRORS
	rows+=("$(printf '%-34s %6s %10s %11s %13s %7s' "$@")")
}
# A sanitizer report or a crash in a log: 1, else 0.
sanitized() {
	grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer' "$1" && return 0
	return 1
}
# Processes still carrying TL_CONTAIN=PID. (descendants of run PID).
contained() {
	local n=0 p
	for p in /proc/[0-9]*; do
		{ tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -q "^TL_CONTAIN=$1\." && n=$((n + 1))
	done
	echo $n
}

# A project root with the faults fixture; the build cache is shared.
R=$T/root
mkdir -p "$R/experiments" "$R/scripts" "$root/.cache"
ln -s "$root/workload" "$R/workload"
ln -s "$root/lib" "$R/lib"
ln -s "$root/.cache" "$R/.cache"
[ -d "$root/.tools" ] && ln -s "$root/.tools" "$R/.tools"
cp "$root/scripts/zig.version" "$R/scripts/" 2>/dev/null
cp -r "$root/tests/e2e/fixtures/faults" "$R/experiments/faults"
export TRAPLAB_ROOT=$R
RUN=(run faults --rounds 3 --samples 1 -p n=1,2,3,4,5,6,7,8 -V c.ok -V c.late
	-V c.escape --no-history)
# Warm the build cache so every try measures, not compiles.
"$TL" run faults --quick --rounds 1 --samples 1 -V c.ok -V c.late -V c.escape \
	--no-history -o "$T/warm.json" >/dev/null 2>&1

# --- signals at random points --------------------------------------------
# lost: no file, not JSON, fewer cases than printed, or not marked
# incomplete after a signal (or marked after a complete run).
try_signal() { # try_signal SIG -> "lost procs folders errors"
	local sig=$1 out=$T/sig.json log=$T/sig.log delay tp rc printed have
	local lost=0 err=0 procs folders want
	rm -f "$out"
	delay=$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.1 + (r % 190) / 100 }')
	setsid "$TL" "${RUN[@]}" -o "$out" >"$log" 2>&1 &
	tp=$!
	sleep "$delay"
	kill -"$sig" $tp 2>/dev/null
	rc=0; wait $tp || rc=$?
	sleep 0.2
	procs=$(contained $tp)
	folders=$(ls -d "$R/.cache/work/run-$tp" 2>/dev/null | wc -l)
	folders=$((folders + $(ls "$T"/sig.json.tmp.* 2>/dev/null | wc -l)))
	printed=$(grep -c '^faults n=' "$log")
	if [ "$sig" = KILL ]; then
		# Nothing can be done in-process: the next run clears the folder,
		# and the file (if any) says it is incomplete.
		"$TL" run faults --quick --rounds 1 --samples 1 -V c.ok --no-history \
			-o "$T/after.json" >/dev/null 2>&1 || err=$((err + 1))
		sleep 0.2
		procs=$(contained $tp)
		folders=$(ls -d "$R/.cache/work/run-$tp" 2>/dev/null | wc -l)
		# Killed: the file (if any) says incomplete, or holds every case
		# (the kill came after the last write: at exit, where the
		# sanitizer's leak check takes tens of ms); else it finished.
		if [ $rc = 137 ]; then
			[ ! -f "$out" ] || jq -e .incomplete "$out" >/dev/null ||
				jq -e '[.experiments[].cases[]] | length == 8' \
					"$out" >/dev/null || lost=1
		else
			jq -e 'has("incomplete") | not' "$out" >/dev/null 2>&1 || lost=1
		fi
		have=$([ -f "$out" ] && jq '[.experiments[].cases[]] | length' "$out" 2>/dev/null || echo 0)
		[ "${have:-0}" -ge "$printed" ] || lost=1
		echo "$lost $procs $folders $err"
		return
	fi
	want=$((128 + $(kill -l "$sig")))
	if [ ! -f "$out" ] || ! have=$(jq '[.experiments[].cases[]] | length' "$out" 2>/dev/null); then
		# A signal before the first case: nothing was measured yet.
		[ "$printed" = 0 ] || lost=1
		have=0
	fi
	[ "$have" -ge "$printed" ] || lost=1
	if [ $rc = 0 ]; then
		[ -f "$out" ] && jq -e 'has("incomplete") | not' "$out" >/dev/null || lost=1
	elif [ $rc = $want ]; then
		[ ! -f "$out" ] || jq -e '.incomplete.signal' "$out" >/dev/null || lost=1
	else
		err=$((err + 1))
	fi
	sanitized "$log" && err=$((err + 1))
	[ $err = 0 ] || { echo "--- SIG$sig try (exit $rc, delay $delay):" >&2; tail -5 "$log" >&2; }
	echo "$lost $procs $folders $err"
}
for sig in TERM INT HUP KILL; do
	L=0 P=0 F=0 E=0
	for _ in $(seq "$TRIES"); do
		read -r l p f e < <(try_signal $sig)
		L=$((L + l)) P=$((P + p)) F=$((F + f)) E=$((E + e))
	done
	row "SIG$sig at a random point of a run" "$TRIES" $L $P $F $E
done

# --- full disk -------------------------------------------------------------
if [ "$(id -u)" = 0 ] && mkdir -p "$T/full" && mount -t tmpfs -o size=256k tmpfs "$T/full" 2>/dev/null; then
	mounts+=("$T/full")
	L=0 E=0 F=0
	for i in $(seq "$TRIES"); do
		rm -rf "${T:?}/full/"*
		cp "$T/warm.json" "$T/full/r.json"
		"$TL" history --db "$T/full/h.sqlite" add "$root/tests/data/run-1.json" >/dev/null 2>&1
		# Fill what is left, leaving a little at random.
		dd if=/dev/zero of="$T/full/fill" bs=1k count=1024 >/dev/null 2>&1
		truncate -s -$((RANDOM % 8))k "$T/full/fill" 2>/dev/null
		rc=0; "$TL" run faults --quick --rounds 1 --samples 1 -V c.ok \
			--history "$T/full/h.sqlite" -o "$T/full/r.json" >"$T/full.log" 2>&1 || rc=$?
		# Either it fit, or it failed saying so; the old file stays whole.
		jq -e '.experiments | length > 0' "$T/full/r.json" >/dev/null || L=$((L + 1))
		n=$("$TL" history --db "$T/full/h.sqlite" 2>/dev/null | grep -c '^ *[0-9]')
		[ "$n" -ge 1 ] || L=$((L + 1))
		[ $rc = 0 ] || grep -qiE 'cannot (write|store)|no space' "$T/full.log" || E=$((E + 1))
		sanitized "$T/full.log" && E=$((E + 1))
		F=$((F + $(ls "$T/full" | grep -c '\.tmp\.')))
	done
	row "full disk (256 KiB tmpfs)" "$TRIES" $L 0 $F $E
	umount "$T/full" && mounts=()
else
	row "full disk (needs root)" 0 - - - -
fi

# --- read-only history -------------------------------------------------------
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$T/rw" "$T/ro"
	for i in 1 2 3; do
		"$TL" history --db "$T/rw/h.sqlite" add "$root/tests/data/run-$i.json" >/dev/null 2>&1
	done
	if mount --bind "$T/rw" "$T/ro" 2>/dev/null && mount -o remount,ro,bind "$T/ro" 2>/dev/null; then
		mounts+=("$T/ro")
		L=0 E=0
		for _ in $(seq "$TRIES"); do
			n=$("$TL" history --db "$T/ro/h.sqlite" 2>"$T/ro.log" | grep -c '^ *[0-9]')
			[ "$n" = 3 ] || L=$((L + 1))
			"$TL" slo check --db "$T/ro/h.sqlite" --slo "$root/tests/data/slo-test.yaml" \
				"$root/tests/data/run-6.json" >>"$T/ro.log" 2>&1 || E=$((E + 1))
			rc=0; "$TL" history --db "$T/ro/h.sqlite" add "$root/tests/data/run-4.json" >>"$T/ro.log" 2>&1 || rc=$?
			[ $rc = 0 ] && E=$((E + 1)) # a write to a read-only disk must fail
			sanitized "$T/ro.log" && E=$((E + 1))
		done
		row "read-only history" "$TRIES" $L 0 0 $E
		umount "$T/ro" && mounts=()
	else
		row "read-only history (no bind mount)" 0 - - - -
	fi
else
	row "read-only history (needs root)" 0 - - - -
fi

# --- corrupted and truncated files ----------------------------------------
# Each mutant is read by the command that reads it: exit 0, 1 or 2, a
# message, no sanitizer report. lost: a results file with one bad number
# no longer judged at all.
mutate() { # mutate IN OUT: truncate, flip bytes, or an overflowing number
	python3 - "$1" "$2" "$RANDOM" <<'PY'
import random, re, sys
src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
r = random.Random(seed)
b = bytearray(open(src, "rb").read())
k = r.randrange(3)
if k == 0:
    b = b[: r.randrange(len(b))]
elif k == 1:
    for _ in range(r.randrange(1, 8)):
        b[r.randrange(len(b))] = r.randrange(256)
else:
    s = b.decode("latin-1")
    nums = [m.start() for m in re.finditer(r"(?<=: )[0-9][0-9.e+-]*", s)]
    if nums:
        i = r.choice(nums)
        j = i
        while j < len(s) and s[j] in "0123456789.e+-":
            j += 1
        s = s[:i] + "1.797693135e308" + s[j:]
    b = bytearray(s.encode("latin-1"))
open(dst, "wb").write(bytes(b))
print(k)
PY
}
corrupt_row() { # corrupt_row NAME SRC CMD... ({} is the mutant)
	local name=$1 src=$2 L=0 E=0 k rc
	shift 2
	for _ in $(seq $((TRIES * 3))); do
		k=$(mutate "$src" "$T/mut")
		local args=()
		for a in "$@"; do args+=("${a//\{\}/$T/mut}"); done
		rc=0; "$TL" "${args[@]}" >"$T/mut.out" 2>"$T/mut.log" || rc=$?
		if [ $rc -gt 2 ] || sanitized "$T/mut.log"; then
			E=$((E + 1))
			echo "--- $name (kind $k) exit $rc:" >&2
			tail -5 "$T/mut.log" >&2
		fi
		# An overflowing number costs that number, not the file.
		if [ "$name" = "results file" ] && [ "$k" = 2 ] && [ $rc = 2 ]; then
			L=$((L + 1))
		fi
	done
	row "corrupted/truncated $name" $((TRIES * 3)) $L 0 0 $E
}
corrupt_row "results file" "$root/tests/data/run-1.json" \
	claims "$root/claims/traplab-self.yaml" --results {} -o "$T/co"
corrupt_row "claims file" "$root/claims/zig-go-traps.yaml" \
	claims {} --results "$root/tests/data/run-1.json" -o "$T/co"
corrupt_row "SLO file" "$root/tests/data/slo-test.yaml" \
	slo check --no-history --slo {} "$root/tests/data/run-1.json"
rm -f "$T/h.sqlite"
"$TL" history --db "$T/h.sqlite" add "$root/tests/data/run-1.json" \
	"$root/tests/data/run-2.json" >/dev/null 2>&1
corrupt_row "history file" "$T/h.sqlite" history --db {}

# --- slow clients and concurrent scrapes -------------------------------------
port=$((20000 + RANDOM % 12000))
"$TL" serve --listen 127.0.0.1:$port "$root/tests/data/run-1.json" 2>"$T/serve.log" &
sp=$!
for _ in $(seq 100); do
	(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
	sleep 0.1
done
L=0 E=0 tries=0
for _ in 1 2; do
	out=$(python3 "$root/tests/tools/slowclients.py" $port 200 500 20)
	echo "serve: $out"
	tries=$((tries + 500))
	ok=$(echo "$out" | sed -n 's/.* ok=\([0-9]*\).*/\1/p')
	L=$((L + 500 - ${ok:-0}))
done
kill -TERM $sp 2>/dev/null
rc=0; wait $sp || rc=$?
[ $rc = 0 ] || E=$((E + 1))
sanitized "$T/serve.log" && E=$((E + 1))
P=$([ -d /proc/$sp ] && echo 1 || echo 0)
row "serve: 200 slow clients + 500 scrapes" $tries $L $P 0 $E

# --- the parsers' fuzzers ------------------------------------------------------
if [ "$FUZZ_S" = 0 ]; then
	row "fuzzers (TORTURE_FUZZ_SECONDS=0)" 0 - - - -
elif command -v clang >/dev/null; then
	# Up to date after the CI's fuzz gate; else the sources once, linked
	# into each target.
	make -j2 --no-print-directory fuzz-build >"$T/fuzz-build.log" 2>&1 ||
		tail -5 "$T/fuzz-build.log" >&2
	for f in tests/fuzz/fuzz_*.c; do
		n=$(basename "$f" .c)
		bin=build/fuzz/$n
		[ -x "$bin" ] || { row "fuzz $n (not built)" 0 - - - 1; continue; }
		mkdir -p "build/fuzz/corpus-$n"
		cp -n tests/fuzz/corpus/$n/* "build/fuzz/corpus-$n/" 2>/dev/null
		rc=0; LSAN_OPTIONS=suppressions=$root/tests/fuzz/lsan.supp \
			"$bin" -max_total_time="$FUZZ_S" -max_len=4096 -print_final_stats=1 \
			-artifact_prefix="$T/$n-" "build/fuzz/corpus-$n" >"$T/$n.log" 2>&1 || rc=$?
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T/$n.log")
		[ $rc = 0 ] || tail -20 "$T/$n.log" >&2
		row "fuzz $n (${FUZZ_S}s)" "${runs:-0}" 0 0 0 $([ $rc = 0 ] && echo 0 || echo 1)
	done
else
	row "fuzzers (no clang)" 0 - - - -
fi

echo
printf '%-34s %6s %10s %11s %13s %7s\n' fault tries "data lost" "procs left" "folders left" errors
printf '%s\n' "${rows[@]}"
bad=$(printf '%s\n' "${rows[@]}" | awk '{ for (i = NF - 3; i <= NF; i++) if ($i != "0" && $i != "-") b = 1 } END { print b + 0 }')
if [ "$bad" = 0 ]; then
	echo "torture: passed (seed $SEED)"
else
	echo "torture: FAILED (seed $SEED; replay with TORTURE_SEED=$SEED)"
	exit 1
fi
