#!/usr/bin/env bash
# run.sh BUILD_DIR - run every unit test binary and every end-to-end test,
# each as its own process, and end with "N passed, N failed, N skipped".
#
# Exit code 77 from a test means "cannot run on this machine" (no go, no
# zig, no PMU, no chromium): a skip, with the reason from its output.
# TL_TEST_FILTER=WORD runs only tests whose name contains WORD.
# Logs: BUILD_DIR/test-logs/NAME.log; a failure prints the log's tail.
set -u
build=${1:?usage: tests/run.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$root" && cd "$build" && pwd)
logs="$build/test-logs"
mkdir -p "$logs"
export TRAPLAB="$build/traplab" TL_ROOT="$root" TL_BUILD="$build"
export TRAPLAB_ROOT="$root"
filter=${TL_TEST_FILTER:-}
per_test_timeout=${TL_TEST_TIMEOUT:-600}

pass=0 fail=0 skip=0
failed=()
run_one() {
	local name=$1
	shift
	case "$name" in *"$filter"*) ;; *) return ;; esac
	local log="$logs/${name//\//_}.log" t0 t1 rc
	t0=$(date +%s.%N)
	timeout --kill-after=10 "$per_test_timeout" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	t1=$(date +%s.%N)
	local secs
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	case $rc in
	0)
		pass=$((pass + 1))
		printf 'PASS %-40s %6ss\n' "$name" "$secs"
		;;
	77)
		skip=$((skip + 1))
		printf 'SKIP %-40s %6ss  %s\n' "$name" "$secs" \
			"$(grep -m1 -i 'skip' "$log" | cut -c1-90)"
		;;
	*)
		fail=$((fail + 1))
		failed+=("$name")
		printf 'FAIL %-40s %6ss  (exit %d; log %s)\n' "$name" "$secs" "$rc" "$log"
		tail -n 25 "$log" | sed 's/^/     | /'
		;;
	esac
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "unit/$(basename "$t")" "$t"
done
for t in "$root"/tests/e2e/t*.sh; do
	[ -f "$t" ] || continue
	run_one "e2e/$(basename "$t" .sh)" bash "$t"
done

echo
[ "${#failed[@]}" -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
