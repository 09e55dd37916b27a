#!/usr/bin/env bash
# traplab claims --chaos cpu: the claims' experiments run again under a
# CPU hog, and each verdict is shown clean and under interference, with
# the SLO check on both runs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
command -v stress-ng >/dev/null || echo "note: no stress-ng; traplab's own stressor is used"
fixture_root tiny
mkdir -p "$TRAPLAB_ROOT/slo" "$TRAPLAB_ROOT/results"
cat >"$TRAPLAB_ROOT/slo/default.yaml" <<'YAML'
apiVersion: traplab/v1
kind: SLO
metadata: {name: tiny}
spec:
  timeWindow: [{duration: 20runs, isRolling: true}]
  budgetingMethod: Occurrences
  objectives:
    - {experiment: tiny, variant: c.sum, metric: ns_per_op, stat: median, op: lte, value: 1us, target: 95%}
YAML
"$TRAPLAB" claims "$TL_ROOT/tests/e2e/fixtures/tiny-claims.yaml" --quick -o "$tmp" \
	--chaos cpu >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; fail "claims --chaos exited $?"; }
cat "$tmp/out"
grep -q "under --interfere cpu:" "$tmp/out" || fail "no chaos table"
grep -Eq "^tiny-double +(HOLDS|REFUTED|INCONCLUSIVE) +[A-Z]+ +(yes|NO)" "$tmp/out" || fail "tiny-double row"
grep -q "judged verdicts survive --interfere cpu" "$tmp/out" || fail "no survival count"
grep -q "SLOs under --interfere cpu" "$tmp/out" || fail "no SLO check under chaos"
jq -e '.options.interfere == "cpu"' "$TRAPLAB_ROOT/results/claims-run-chaos-cpu.json" >/dev/null || fail "chaos run does not record its interference"
# The stressor is gone when traplab is.
sleep 0.5
! pgrep -f "stress-ng.*--cpu" >/dev/null || fail "a stressor outlived the run"
echo "chaos pass ok"
