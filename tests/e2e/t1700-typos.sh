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
# Misspelt options of every command that has its own short options.
expect --quick run alloc --quik --no-history -o "$tmp/r.json"
expect --only claims --onyl 'defer-*'
expect --results explain alloc-stack-sub-ns --reslts x.json
expect --window slo rules --windw 1h slo/service-slo.yaml
expect --write slo tune --prometheus http://127.0.0.1:1 --wrte slo/service-slo.yaml
expect --slo chaos --slp x.yaml
# Far from every name: an error all the same, without a guess.
"$TRAPLAB" run alloc "${o[@]}" -V 'qqqqqq*' 2>"$tmp/err"
[ $? = 2 ] && grep -q "matches no variant of alloc" "$tmp/err" ||
	fail "an unmatched pattern: $(cat "$tmp/err")"
grep -q "did you mean" "$tmp/err" && fail "a guess far from every name"
[ ! -e "$tmp/r.json" ] || fail "a refused run wrote results"
# In a claim file: a misspelt experiment, variant, param or metric is
# reported at its position with the likely name.
cat >"$tmp/c.yaml" <<'YAML'
title: typos
claims:
  - {id: m, section: "1", claim: x, predicate: {lt: 1 us},
     measure: {experiment: alloc, variant: c.glibc, metric: ns_per_opp, params: {size: 64}}}
  - {id: p, section: "1", claim: x, predicate: {lt: 1 us},
     measure: {experiment: alloc, variant: c.glibc, metric: ns_per_op, params: {sise: 64}}}
  - {id: e, section: "1", claim: x, predicate: {lt: 1 us},
     measure: {experiment: allocc, variant: c.glibc, metric: ns_per_op}}
YAML
"$TRAPLAB" claims --check "$tmp/c.yaml" >"$tmp/out" 2>"$tmp/err"
[ $? = 1 ] || fail "claims --check with typos should exit 1"
for want in "metric 'ns_per_opp' (did you mean 'ns_per_op'?)" \
	"no param 'sise' (did you mean 'size'?)" "'allocc' is missing (did you mean 'alloc'?)"; do
	[ "$(grep -cF "$want" "$tmp/err")" = 1 ] || fail "not once: $want: $(cat "$tmp/err")"
done
echo ok
