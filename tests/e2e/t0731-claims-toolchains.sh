#!/usr/bin/env bash
# Toolchains as an axis, on saved runs: runs of one machine under two Zig
# releases are judged apart (never pooled), the matrix labels each column
# with its releases, and the claims whose verdict changes with the
# toolchain are named (terminal and verdicts JSON). The second run is this
# machine's run with env.toolchains.zig edited and the samples of both
# variants made 10000x slower, so that tiny-fast flips (tiny-double, a
# ratio, does not); the test says so.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
fixture_root tiny
claims="$TL_ROOT/tests/e2e/fixtures/tiny-claims.yaml"
"$TRAPLAB" run tiny --quick --no-history -o "$tmp/a.json" >/dev/null 2>&1 || fail "run a"
jq '.env.toolchains.zig = "0.17.1" | .env.toolchains.go = "go1.26.8"' "$tmp/a.json" >"$tmp/z17.json"
jq '.env.toolchains.zig = "0.13.0" | .env.toolchains.go = "go1.26.8"
	| (.experiments[].cases[].variants[] | select(.name == "c.sum" or .name == "c.sum2") | .metrics.ns_per_op.samples) |= map(. * 10000)' \
	"$tmp/a.json" >"$tmp/z13.json"
echo "note: the zig 0.13.0 column is an edited copy of this machine's run"

"$TRAPLAB" claims "$claims" --results "$tmp/z17.json" "$tmp/z13.json" \
	--html "$tmp/r.html" --md "$tmp/r.md" --json "$tmp/v.json" >"$tmp/out" 2>"$tmp/err" ||
	{ cat "$tmp/err"; fail "claims exited $?"; }
cat "$tmp/out"
grep -q "M1  .*; go1.26.8, zig 0.17.1" "$tmp/out" || fail "column 1 does not name its toolchains"
grep -q "M2  .*; go1.26.8, zig 0.13.0" "$tmp/out" || fail "column 2 does not name its toolchains"
grep -q "1 claim whose verdict changes with the toolchain" "$tmp/out" || fail "no toolchain-dependent list"
grep -Eq "^  tiny-fast +M1 HOLDS M2 REFUTED" "$tmp/out" || fail "tiny-fast is not named as moving"
jq -e '.matrix.toolchain_dependent == ["tiny-fast"]' "$tmp/v.json" >/dev/null ||
	fail "verdicts JSON lacks toolchain_dependent"
grep -q "zig 0.13.0" "$tmp/r.html" || fail "the HTML report does not show the toolchain column"

# A release that is not installed is refused before anything runs.
set +e
"$TRAPLAB" claims "$claims" --quick --toolchains zig=9.9.9 -o "$tmp/x" >"$tmp/out2" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || { cat "$tmp/out2"; fail "--toolchains zig=9.9.9 exited $rc, not 2"; }
grep -q "zig 9.9.9 is not installed" "$tmp/out2" || fail "no reason for the missing release"
echo "toolchain matrix ok"
