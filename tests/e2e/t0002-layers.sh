#!/usr/bin/env bash
# t0002-layers.sh - includes only point down the layers, and no cycles.
#
# src/'s folders are layers, bottom to top: base < machine < measure <
# store < analyze < report < cmd (STYLE.md). tests/tools/layers.py reads
# every quoted #include under src/, fails on an include that points up a
# layer or on a cycle between modules (a .c/.h pair), and prints the
# offending includes. It first runs on small trees it builds here: a clean
# one must pass, and one with an upward include, a cycle and an include
# that resolves nowhere must fail naming exactly those, so this test
# cannot pass by checking nothing. Then it runs on the working tree.
set -u
ROOT=${TL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
CHECK="$ROOT/tests/tools/layers.py"
T=$(mktemp -d /tmp/t0002.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}

mkdir -p "$T/good/src/base" "$T/good/src/store" "$T/good/src/cmd"
printf '#include "base/a.h"\n' >"$T/good/src/base/a.c"
printf '/* a */\n' >"$T/good/src/base/a.h"
printf '#include "store/s.h"\n#include "base/a.h"\n' >"$T/good/src/store/s.c"
printf '#include "base/a.h"\n' >"$T/good/src/store/s.h"
printf '#include "store/s.h"\n#include "s.h"\n' >"$T/good/src/cmd/main.c"
printf '/* sideways */\n' >"$T/good/src/cmd/s.h"
out=$(python3 "$CHECK" "$T/good") || fail "a clean tree is refused: $out"

cp -r "$T/good" "$T/bad"
# Up: base includes store (a module that includes nothing back).
printf '/* t */\n' >"$T/bad/src/store/t.h"
printf '#include "base/a.h"\n#include "store/t.h"\n' >"$T/bad/src/base/a.c"
# A cycle inside a layer: store/x.h -> store/y.h -> store/x.h.
printf '#include "store/y.h"\n' >"$T/bad/src/store/x.h"
printf '#include "store/x.h"\n' >"$T/bad/src/store/y.h"
# An include that resolves nowhere.
printf '#include "store/nosuch.h"\n' >"$T/bad/src/cmd/z.c"
out=$(python3 "$CHECK" "$T/bad")
rc=$?
[ $rc = 1 ] || fail "a bad tree passed (exit $rc): $out"
for want in \
	'src/base/a.c:2: #include "store/t.h": base includes store, a higher layer' \
	'cycle between src/store/x, src/store/y:' \
	'src/store/x.h:1: #include "store/y.h"' \
	'src/store/y.h:1: #include "store/x.h"' \
	'src/cmd/z.c:1: #include "store/nosuch.h": not found'; do
	case $out in *"$want"*) ;; *) fail "not reported: $want
--- output:
$out" ;; esac
done
n=$(printf '%s\n' "$out" | grep -c -e 'higher layer' -e '^cycle' -e 'not found')
[ "$n" = 3 ] || fail "expected 3 problems in the bad tree, got $n:
$out"

# The allow list: a listed violation is known, a stale entry fails.
mkdir -p "$T/bad/tests/tools"
printf 'up src/base/a.c store/t.h\ncycle src/store/x src/store/y\n' \
	>"$T/bad/tests/tools/layers.allow"
out=$(python3 "$CHECK" "$T/bad")
[ $? = 1 ] || fail "the unlisted bad include passed: $out"
case $out in *'known (layers.allow): src/base/a.c:2'*) ;; *) fail "allowed edge not shown as known: $out" ;; esac
n=$(printf '%s\n' "$out" | grep -c -e '^src/' -e '^cycle')
[ "$n" = 1 ] || fail "expected only the unresolved include, got: $out"
mkdir -p "$T/good/tests/tools"
printf 'up src/base/a.c store/t.h\n' >"$T/good/tests/tools/layers.allow"
out=$(python3 "$CHECK" "$T/good") && fail "a stale allow entry passed: $out"
case $out in *'matches nothing'*) ;; *) fail "stale entry not named: $out" ;; esac

python3 "$CHECK" "$ROOT" || fail "src/ breaks the layers (above)"
echo "ok: includes point down the layers, no cycles beyond tests/tools/layers.allow"
