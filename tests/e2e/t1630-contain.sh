#!/usr/bin/env bash
# A workload whose child calls setsid() (and forks again) leaves its process
# group: traplab finds those descendants, kills them and records the
# variant as "leaked"; nothing of it is left running.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
fixture_root faults
out="$tmp/run.json"
"$TRAPLAB" run faults --quick --rounds 1 --samples 1 -V c.escape --no-history \
	-o "$out" >"$tmp/stdout" 2>"$tmp/stderr" || fail "run exited $?: $(tail -3 "$tmp/stderr")"
st=$(jq -r '.experiments[0].cases[0].variants[] | select(.name == "c.escape") | .status' "$out")
why=$(jq -r '.experiments[0].cases[0].variants[] | select(.name == "c.escape") | .reason' "$out")
left=$(pgrep -f ' c\.escape ' || true)
[ -z "$left" ] || { kill -KILL $left; fail "descendants left running: $left"; }
[ "$st" = leaked ] || fail "c.escape status '$st', want leaked ($why)"
echo "$why" | grep -q "descendant process" || fail "reason: $why"
echo "escaped descendants killed and reported: $why"
