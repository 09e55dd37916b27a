#!/usr/bin/env bash
# traplab claims --repeat N: N sequential passes on the tiny fixture; per
# claim how often each verdict came out, flips, samples spent beside the
# oracle bound; the run records its sampling and each case its budget.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
fixture_root tiny
"$TRAPLAB" claims "$TL_ROOT/tests/e2e/fixtures/tiny-claims.yaml" --quick \
	--repeat 3 -o "$tmp" >"$tmp/out" 2>"$tmp/err" ||
	{ cat "$tmp/err"; fail "claims --repeat 3 exited $?"; }
cat "$tmp/out"
grep -q "^3 passes: how often each verdict came out" "$tmp/out" || fail "no tally header"
grep -Eq "^tiny-fast +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +(-|YES) +[0-9]+ " "$tmp/out" || fail "tiny-fast row"
grep -Eq "^[0-9]+ of 2 claims flip; wall per pass median [0-9.]+ s" "$tmp/out" || fail "no summary line"
j="$tmp/claims-repeat.json"
[ -s "$j" ] || fail "no $j"
jq -e '.schema == "traplab.repeat/1" and .passes == 3 and (.wall_s | length) == 3' "$j" >/dev/null || fail "repeat JSON header"
jq -e 'all(.claims[]; (.verdicts | add) == 3)' "$j" >/dev/null || fail "verdict counts do not add up to 3 per claim"
run="$TRAPLAB_ROOT/results/claims-run.json"
[ -s "$run" ] || run=$(ls "$tmp"/*claims-run.json 2>/dev/null | head -1)
jq -e '.options.sampling == "sequential"' "$run" >/dev/null || fail "run does not say it was sequential"
jq -e 'all(.experiments[].cases[]; .budget_rounds >= .rounds and .rounds >= 3)' "$run" >/dev/null || fail "rounds outside [3, budget]"
jq -e '.interval | startswith("confidence sequence")' "$tmp/verdicts.json" >/dev/null || fail "verdicts do not use the confidence sequence"
# --repeat with --results is refused (it runs the passes itself).
rc=0; "$TRAPLAB" claims --results "$run" --repeat 2 -o "$tmp/x" >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "--repeat with --results: exit $rc, not 2"
echo ok
