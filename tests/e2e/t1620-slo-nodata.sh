#!/usr/bin/env bash
# The SLO gate does not pass on no data: an objective on a skipped variant
# (NODATA) fails the gate unless it says allowNoData: true, and an
# objective naming an unknown experiment or variant is an error of the SLO
# file (exit 2, file:line:column).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
D=$TL_ROOT/tests/data
slo() { # slo VARIANT [EXTRA-LINE]
	cat <<Y
apiVersion: traplab/v1
kind: SLO
metadata: {name: nodata}
spec:
  objectives:
    - experiment: alloc
      variant: $1
      metric: ns_per_op
      op: lte
      value: 50ns
      target: 90%
${2:-}
Y
}
slo go.new >"$tmp/skip.yaml"
rc=0; "$TRAPLAB" slo check --no-history --slo "$tmp/skip.yaml" "$D/run-1.json" >"$tmp/out" 2>&1 || rc=$?
[ $rc = 1 ] || fail "NODATA (skipped variant) passed the gate: exit $rc: $(tail -2 "$tmp/out")"
grep -q "without data" "$tmp/out" || fail "the reason is not said"
slo go.new "      allowNoData: true" >"$tmp/allow.yaml"
"$TRAPLAB" slo check --no-history --slo "$tmp/allow.yaml" "$D/run-1.json" >"$tmp/out" 2>&1 ||
	fail "allowNoData: true still fails: $(tail -2 "$tmp/out")"
slo c.no_such >"$tmp/unknown.yaml"
rc=0; "$TRAPLAB" slo check --no-history --slo "$tmp/unknown.yaml" "$D/run-1.json" >"$tmp/out" 2>&1 || rc=$?
[ $rc = 2 ] || fail "unknown variant: exit $rc, want 2"
grep -q "unknown.yaml:7:16: variant: experiment 'alloc' has no variant 'c.no_such'" "$tmp/out" ||
	fail "no position for the unknown variant: $(cat "$tmp/out")"
sed 's/experiment: alloc/experiment: allocc/' "$tmp/skip.yaml" >"$tmp/noexp.yaml"
rc=0; "$TRAPLAB" slo check --no-history --slo "$tmp/noexp.yaml" "$D/run-1.json" >"$tmp/out" 2>&1 || rc=$?
[ $rc = 2 ] && grep -q "noexp.yaml:6:19: experiment: no experiment 'allocc'" "$tmp/out" ||
	fail "unknown experiment: exit $rc: $(cat "$tmp/out")"
echo "NODATA fails the gate; allowNoData passes; unknown names exit 2 with positions"
