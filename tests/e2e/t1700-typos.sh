#!/usr/bin/env bash
# t1700-typos.sh - a misspelt command, experiment, variant or param is an
# error (exit 2) with a did-you-mean, printed once, before anything is
# built; a pattern that matches something is not an error.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# expect WANT_HINT ARGS...: exit 2, the hint on stderr exactly once.
expect() {
	local want=$1 rc
	shift
	"$TRAPLAB" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 2 ] || fail "traplab $* exited $rc, not 2: $(cat "$tmp/err")"
	[ "$(grep -c "did you mean '$want'?" "$tmp/err")" = 1 ] ||
		fail "traplab $*: no single did-you-mean '$want': $(cat "$tmp/err")"
	[ ! -s "$tmp/out" ] || fail "traplab $*: wrote to stdout: $(cat "$tmp/out")"
}
o=(--quick --no-history -o "$tmp/r.json")
expect claims clams
expect alloc run aloc "${o[@]}"
expect c.glibc run alloc "${o[@]}" -V c.glibcc
expect alloc/c.glibc run alloc "${o[@]}" -V alloc/c.glibcc
expect size run alloc "${o[@]}" --param sise=64
expect size run alloc "${o[@]}" -p alloc/sise=64
# Far from every name: an error all the same, without a guess.
"$TRAPLAB" run alloc "${o[@]}" -V 'qqqqqq*' 2>"$tmp/err"
[ $? = 2 ] && grep -q "matches no variant of alloc" "$tmp/err" ||
	fail "an unmatched pattern: $(cat "$tmp/err")"
grep -q "did you mean" "$tmp/err" && fail "a guess far from every name"
[ ! -e "$tmp/r.json" ] || fail "a refused run wrote results"
echo ok
