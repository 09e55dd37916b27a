#!/usr/bin/env bash
# traplab measures right: the calibration claims (claims/traplab-self.yaml)
# on workloads whose true cost is known. Simulated instruction counts must
# equal the known counts (within 0.001), the L1 chase must not miss, an
# empty loop must resolve below 1 ns; the one-cycle-per-add claim needs a
# PMU and is UNTESTABLE (with that reason) without one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || skip "no valgrind (apt-get install valgrind)"
"$TRAPLAB" claims "$TL_ROOT/claims/traplab-self.yaml" --quick -o "$tmp" \
	--md "$tmp/v.md" --html "$tmp/v.html" --json "$tmp/v.json" \
	>"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; fail "claims exited $?"; }
cat "$tmp/out"
verdict() { jq -r --arg id "$1" '.verdicts[] | select(.id == $id) | .verdict' "$tmp/v.json"; }
for id in calib-add-chain-instructions calib-chase-instructions \
	calib-chase-stays-in-l1 calib-empty-instructions calib-known-instructions; do
	[ "$(verdict "$id")" = HOLDS ] || fail "$id: $(verdict "$id")"
done
# A differenced measure recovers the known marginal cost: the 8 adds.
[ "$(verdict calib-marginal-instructions)" = HOLDS ] || fail "add chain minus empty loop is not 8 instructions"
[ "$(verdict calib-marginal-time)" != REFUTED ] || fail "8 dependent adds measured outside 1.6-8 ns"
[ "$(verdict calib-empty-sub-ns)" != REFUTED ] || fail "an empty loop iteration measured at 1 ns or more"
if jq -e '.env.pmu' "$tmp/v.json" >/dev/null; then
	echo "PMU present: calib-add-chain-one-cycle is $(verdict calib-add-chain-one-cycle)"
else
	[ "$(verdict calib-add-chain-one-cycle)" = UNTESTABLE ] || fail "one-cycle claim without a PMU"
	grep -q "no PMU" "$tmp/out" || fail "the reason is not said"
fi
echo "calibration ok"
