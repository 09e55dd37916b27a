#!/usr/bin/env bash
# A probe (facts, no samples) runs once; a second run with the same binary,
# params and toolchains takes its facts from .cache/probes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
fixture_root tiny
# A cache of its own, so an earlier run cannot have filled it.
rm "$TRAPLAB_ROOT/.cache" && mkdir "$TRAPLAB_ROOT/.cache"
for i in 1 2; do
	"$TRAPLAB" run tiny --quick --no-history -V c.probe -o "$tmp/r$i.json" >/dev/null 2>"$tmp/err$i" ||
		{ cat "$tmp/err$i"; fail "run $i exited $?"; }
done
[ "$(jq -r '.experiments[0].cases[0].variants[] | select(.name == "c.probe") | .status' "$tmp/r1.json")" = ok ] || fail "probe not ok"
p1=$(jq -r '.experiments[0].cases[0].variants[] | select(.name == "c.probe") | .facts.pid' "$tmp/r1.json")
p2=$(jq -r '.experiments[0].cases[0].variants[] | select(.name == "c.probe") | .facts.pid' "$tmp/r2.json")
[ -n "$p1" ] && [ "$p1" != null ] || fail "no fact"
[ "$p1" = "$p2" ] || fail "the second run ran the probe again ($p1 vs $p2)"
jq -r '.experiments[0].cases[0].variants[] | select(.name == "c.probe") | .probe' "$tmp/r2.json" | grep -q "probe cache" ||
	fail "the cached run does not say so"
echo "probe facts cached"
