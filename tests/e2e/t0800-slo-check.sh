#!/usr/bin/env bash
# t0800-slo-check.sh - the SLO gate, history, compare and metrics on the
# synthetic runs in tests/data: a slowed variant is caught by `slo check`
# (exit 1) and by `compare` (exit 1); bad inputs exit 2 with a position.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TL=${TRAPLAB:-$ROOT/traplab}
D=$ROOT/tests/data
T=$(mktemp -d /tmp/t0800.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

[ -x "$TL" ] || { echo "skip: no traplab binary"; exit 77; }
"$TL" slo check --no-history --slo "$D/slo-test.yaml" "$D/run-1.json" \
	>"$T/out" 2>&1
rc=$?
if grep -qi "unknown command\|usage: traplab <" "$T/out"; then
	echo "skip: traplab has no 'slo' command yet"; exit 77
fi
[ $rc = 0 ] || { cat "$T/out"; fail "slo check on a good run: exit $rc"; }

DB=$T/h.sqlite
for i in 1 2 3 4 5 6; do
	"$TL" history --db "$DB" add "$D/run-$i.json" >/dev/null ||
		fail "history add run-$i"
done
"$TL" history --db "$DB" | grep -c 9c1e5d0b7a3f4e21 | grep -qx 6 ||
	fail "history does not list 6 runs"

"$TL" slo check --db "$DB" --slo "$D/slo-test.yaml" "$D/run-6.json" \
	>"$T/good" || { cat "$T/good"; fail "run-6 should pass"; }
grep -q "5 earlier runs" "$T/good" || fail "window did not see history"

"$TL" history --db "$DB" add "$D/run-slow.json" >/dev/null
"$TL" slo check --db "$DB" --slo "$D/slo-test.yaml" "$D/run-slow.json" \
	>"$T/slow"
rc=$?
cat "$T/slow"
[ $rc = 1 ] || fail "slowed run: slo check exit $rc, want 1"
grep -q "arena under 3 ns.*FAIL.*VIOLATED" "$T/slow" ||
	fail "the slowed objective is not reported violated"

"$TL" compare "$D/run-1.json" "$D/run-slow.json" >"$T/cmp"
rc=$?
cat "$T/cmp"
[ $rc = 1 ] || fail "compare A slow: exit $rc, want 1"
grep -q "c.arena ns_per_op.*REGRESSION" "$T/cmp" || fail "no regression"
grep -q "c.glibc ns_per_op.*same" "$T/cmp" || fail "glibc should be same"
"$TL" compare "$D/run-1.json" "$D/run-2.json" >/dev/null ||
	fail "compare of two good runs flagged a regression"
"$TL" compare --db "$DB" --baseline 5 "@7" >"$T/base"
[ $? = 1 ] || fail "baseline compare did not catch the slowed run"

# Bad inputs: exit 2 and a file:line:column.
printf 'apiVersion: traplab/v1\nkind: SLO\nspec:\n  objectives:\n    - experiment: alloc\n      variant: c.arena\n      metric: ns_per_op\n      op: lte\n      value: 3 lightyears\n      target: 0.9\n' >"$T/bad.yaml"
"$TL" slo check --no-history --slo "$T/bad.yaml" "$D/run-1.json" 2>"$T/err"
[ $? = 2 ] || fail "bad SLO file: want exit 2"
grep -q "bad.yaml:9:14: value: unknown unit" "$T/err" ||
	{ cat "$T/err"; fail "no position in the SLO error"; }
head -c 300 "$D/run-1.json" >"$T/cut.json"
"$TL" slo check --no-history --slo "$D/slo-test.yaml" "$T/cut.json" \
	2>"$T/err"
[ $? = 2 ] || fail "corrupt run: want exit 2"
grep -q "cut.json': line" "$T/err" || { cat "$T/err"; fail "json error"; }

# Metrics: the exposition, promtool, and the textfile written atomically.
"$TL" metrics "$D/run-1.json" >"$T/m.prom" || fail "metrics"
grep -q 'le="+Inf"' "$T/m.prom" || fail "no +Inf bucket"
if command -v promtool >/dev/null; then
	promtool check metrics <"$T/m.prom" || fail "promtool"
fi
mkdir "$T/tf"
"$TL" metrics --slo "$D/slo-test.yaml" --db "$DB" --textfile "$T/tf" \
	"$D/run-slow.json" || fail "metrics --textfile"
grep -q 'traplab_slo_objective_violated{slo="synthetic",objective="arena under 3 ns",params="size=64"} 1' \
	"$T/tf/traplab.prom" || fail "textfile lacks the SLO status"
[ "$(ls "$T/tf")" = traplab.prom ] || fail "temp files left in textfile dir"
echo "ok"
