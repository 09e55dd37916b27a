#!/usr/bin/env bash
# t1720-compare.sh - `traplab compare` lists every figure of both runs (a
# variant gone from B is "missing"), says "same" only when the ratio CI
# sits inside the equivalence margin, prints human units within 80
# columns, and writes --md and --json (parsed).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
D=$TL_ROOT/tests/data
# B: c.arena gone, c.glibc 70% slower (samples scaled by 0.3... no: 1/0.3).
jq '(.experiments[] | select(.name == "alloc") | .cases[].variants) |=
	(map(select(.name != "c.arena")) |
	 map(if .name == "c.glibc" then .metrics.ns_per_op.samples |= map(. * 3.3)
	     | .metrics.ns_per_op.median *= 3.3 else . end))' \
	"$D/run-1.json" >"$tmp/b.json" || fail "jq"
COLUMNS=80 "$TRAPLAB" compare --md "$tmp/c.md" --json "$tmp/c.json" \
	"$D/run-1.json" "$tmp/b.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/out"
[ $rc = 1 ] || fail "a regression should exit 1, not $rc: $(cat "$tmp/err")"
awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$tmp/out" || fail "wider than 80 columns"
grep -Eq '^  c\.glibc ns_per_op +12\.4 ns +4[01]\.[0-9] ns +\+2[0-9][0-9]% .*REGRESSION$' "$tmp/out" ||
	fail "no regression row with its change"
grep -Eq '^  c\.arena ns_per_op +2\.08 ns +- +- +missing$' "$tmp/out" || fail "no missing row"
grep -Eiq 'nan|e\+0' "$tmp/out" "$tmp/c.md" && fail "raw number in the output"
jq -e '.schema == "traplab.compare/1" and .missing == 1 and .regressions == 1
	and ([.figures[] | select(.verdict == "missing" and .median_b == null)] | length == 1)' \
	"$tmp/c.json" >/dev/null || fail "compare JSON: $(head -c 600 "$tmp/c.json")"
grep -q '^| alloc size=64 | `c.glibc` | `ns_per_op` | 12.4 ns | .* | \*\*REGRESSION\*\* |$' "$tmp/c.md" ||
	fail "Markdown row: $(cat "$tmp/c.md")"
# Same run twice: equivalent, so "same"; a wide CI is "unclear", never "same".
"$TRAPLAB" compare "$D/run-1.json" "$D/run-2.json" >"$tmp/same" || fail "A vs A' exit $?"
grep -q 'same$' "$tmp/same" || fail "no 'same' for equivalent runs"
jq '(.experiments[].cases[].variants[] | select(.name == "c.arena") | .metrics.ns_per_op.samples) |=
	(to_entries | map(if .key % 2 == 0 then .value * 1.6 else .value * 0.6 end))' \
	"$D/run-2.json" >"$tmp/noisy.json"
"$TRAPLAB" compare "$D/run-1.json" "$tmp/noisy.json" >"$tmp/noisy"
grep -E '^  c\.arena ns_per_op' "$tmp/noisy" | grep -q 'unclear$' ||
	fail "a noisy figure is not 'unclear': $(grep c.arena "$tmp/noisy")"
echo ok
