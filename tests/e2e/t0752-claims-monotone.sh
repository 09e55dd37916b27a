#!/usr/bin/env bash
# A verdict does not depend on alpha the wrong way round. The fixture is
# the start-up experiment of a kept --repeat pass (01:09 UTC 2026-12-08)
# on which startup-go-vs-zig (about 3x against "27x") was decided at
# alpha 0.006 and 0.003 but not at 0.005 and 0.004, because the early
# looks moved with alpha (base/confseq.h, TL_CONFSEQ_LOOK_ALPHA): decided
# at a level, it must be decided at every larger one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
run="$TL_ROOT/tests/e2e/fixtures/nonmonotone-startup.json"
prev=""
for a in 0.0005 0.001 0.002 0.003 0.004 0.005 0.006 0.01 0.05; do
	"$TRAPLAB" claims --results "$run" --only startup-go-vs-zig \
		--adjust none --alpha "$a" -o "$tmp/$a" >/dev/null 2>&1 ||
		fail "claims at alpha $a exited $?"
	v=$(jq -r '.verdicts[0].verdict' "$tmp/$a/verdicts.json")
	echo "alpha $a: $v $(jq -c '[.verdicts[0].estimate.lo, .verdicts[0].estimate.hi]' "$tmp/$a/verdicts.json")"
	[ "$prev" != REFUTED ] || [ "$v" = REFUTED ] ||
		fail "REFUTED at a smaller alpha, $v at $a"
	prev=$v
done
[ "$prev" = REFUTED ] || fail "not REFUTED at 0.05: $prev"
echo "decided at every level from the first it is decided at"
