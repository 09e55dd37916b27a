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
grep -q "^- Method: intervals of medians from the raw samples by confidence sequence" "$tmp/verdicts.md" ||
	fail "the report's method: $(grep Method "$tmp/verdicts.md")"
jq -e 'all(.claims[]; (.passes | length) == 3 and all(.passes[]; .verdict | type == "string"))' "$j" >/dev/null || fail "each pass's verdict not kept"
# A pass whose verdict on a claim is not that claim's most frequent one
# keeps its run (listed in odd_passes, said on stdout); the others' are
# removed, so the pass files are exactly the odd passes' runs.
jq -e '.odd_passes | type == "array"' "$j" >/dev/null || fail "no odd_passes"
kept=$(jq -r '.odd_passes[].run' "$j" | sort)
files=$(ls "$tmp"/claims-repeat-pass-*.json 2>/dev/null | sort || true)
[ "$kept" = "$files" ] || fail "pass files [$files] are not the odd passes' [$kept]"
for f in $kept; do
	jq -e '.experiments | length > 0' "$f" >/dev/null || fail "$f is not a run"
	grep -q "kept ($f)" "$tmp/out" || fail "$f not said on stdout"
done
# The same run judged with each process one unit (--strict); it says so.
"$TRAPLAB" claims "$TL_ROOT/tests/e2e/fixtures/tiny-claims.yaml" --results "$run" \
	--strict -o "$tmp/s" >/dev/null 2>&1 || fail "claims --strict exited $?"
jq -e '.interval | endswith("each process one unit")' "$tmp/s/verdicts.json" >/dev/null ||
	fail "strict interval: $(jq -r .interval "$tmp/s/verdicts.json")"
rc=0; "$TRAPLAB" claims --results "$run" --strict --independent -o "$tmp/y" >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "--strict with --independent: exit $rc, not 2"
# --repeat with --results is refused (it runs the passes itself).
rc=0; "$TRAPLAB" claims --results "$run" --repeat 2 -o "$tmp/x" >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] || fail "--repeat with --results: exit $rc, not 2"
echo ok
