#!/usr/bin/env bash
# A workload whose child calls setsid() (and forks again) leaves its process
# group: traplab finds those descendants, kills them and records the
# variant as "leaked"; nothing of it is left running.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
fixture_root faults
out="$tmp/run.json"
"$TRAPLAB" run faults --quick --rounds 1 --samples 1 -V c.escape --no-history \
	-o "$out" >"$tmp/stdout" 2>"$tmp/stderr" &
tp=$!
rc=0; wait $tp || rc=$?
[ $rc = 0 ] || fail "run exited $rc: $(tail -3 "$tmp/stderr")"
st=$(jq -r '.experiments[0].cases[0].variants[] | select(.name == "c.escape") | .status' "$out")
why=$(jq -r '.experiments[0].cases[0].variants[] | select(.name == "c.escape") | .reason' "$out")
# Live processes with this run's containment token (not other tests').
left=$(for p in /proc/[0-9]*; do
	{ tr '\0' '\n' <"$p/environ"; } 2>/dev/null |
		grep -q "^TL_CONTAIN=$tp\." && echo "${p#/proc/}"
done || true)
[ -z "$left" ] || { kill -KILL $left; fail "descendants left running: $left"; }
[ "$st" = leaked ] || fail "c.escape status '$st', want leaked ($why)"
echo "$why" | grep -q "descendant process" || fail "reason: $why"
echo "escaped descendants killed and reported: $why"
