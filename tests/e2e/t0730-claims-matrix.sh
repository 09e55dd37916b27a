#!/usr/bin/env bash
# Results from two machines: `traplab claims --results a.json b.json` judges
# each machine apart (claims x machines), pools runs of one machine, and the
# HTML report opens with the matrix. The second machine is this machine's
# run with its env block edited (a real second machine is not available
# here); the test says so in its output.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
fixture_root tiny
claims="$TL_ROOT/tests/e2e/fixtures/tiny-claims.yaml"
"$TRAPLAB" run tiny --quick --no-history -o "$tmp/a.json" >/dev/null 2>&1 || fail "run a"
"$TRAPLAB" run tiny --quick --no-history -o "$tmp/a2.json" >/dev/null 2>&1 || fail "run a2"
jq '.env.fingerprint = "51d0e8a2c7f3b914" | .env.cpu_model = "Intel Xeon Gold 6338 (edited copy)" | .env.cpus = 64 | .env.numa_nodes = 2 | .env.pmu = true | .env.virtualised = false' \
	"$tmp/a.json" >"$tmp/b.json"
echo "note: machine M2 is an edited copy of this machine's run"

"$TRAPLAB" claims "$claims" --results "$tmp/a.json" "$tmp/a2.json" "$tmp/b.json" \
	--html "$tmp/r.html" --md "$tmp/r.md" --json "$tmp/v.json" >"$tmp/out" 2>"$tmp/err" ||
	{ cat "$tmp/err"; fail "claims exited $?"; }
cat "$tmp/out"
grep -q "M1  .*2 runs" "$tmp/out" || fail "the two runs of this machine are not pooled"
grep -q "M2  51d0e8a2c7f3b914" "$tmp/out" || fail "no second machine"
grep -Eq "^tiny-double +0 +(HOLDS|REFUTED|INCONCLUSIVE) +(HOLDS|REFUTED|INCONCLUSIVE)" "$tmp/out" || fail "matrix row"
jq -e '.matrix.machines | length == 2' "$tmp/v.json" >/dev/null || fail "verdicts JSON lacks the matrix"
grep -q "Verdicts across machines" "$tmp/r.html" || fail "HTML lacks the matrix"
echo "matrix ok"
