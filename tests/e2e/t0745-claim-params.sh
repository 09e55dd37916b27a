#!/usr/bin/env bash
# t0745-claim-params.sh - the claim language on params: a value a claim
# names is run even when neither the default nor the --quick sweep holds
# it, and a claim need not pin a param its variant does not read
# (`reads:` in experiment.yaml); an unknown param in `reads` is an error at
# file:line:column.
set -u
. "$(dirname "$0")/lib.sh"
[ -x "$TRAPLAB" ] || skip "no traplab binary"
fixture_root tiny
y="$TRAPLAB_ROOT/experiments/tiny/experiment.yaml"
cat >"$y" <<'YAML'
name: tiny
description: Two small C loops with params, for the claim-language test.
section: "0"
rounds: 2
samples: 2
params:
  reps: {default: [1, 2], quick: [1], help: read by c.sum}
  mode: {default: [a, b], quick: [a], help: read by no variant here}
metrics: [ns_per_op]
variants:
  - {name: c.sum, lang: c, sources: [c/tiny.c], reads: [reps], comment: a sum of squares}
  - {name: c.sum2, lang: c, sources: [c/tiny.c], reads: [reps], comment: the loop twice}
YAML
cat >"$tmp/c.yaml" <<'YAML'
title: params
claims:
  - id: outside-sweep
    section: "0"
    claim: a value no sweep holds is run
    quantity: time per op at reps=7
    measure: {experiment: tiny, variant: c.sum, metric: ns_per_op, params: {reps: "7"}}
    predicate: {gt: 0}
  - id: unread-param
    section: "0"
    claim: mode is not read by c.sum2, so it needs no value
    measure: {experiment: tiny, variant: c.sum2, metric: ns_per_op, params: {reps: "1"}}
    predicate: {gt: 0}
YAML
"$TRAPLAB" claims "$tmp/c.yaml" --check >"$tmp/check" 2>&1 ||
	{ cat "$tmp/check"; fail "check refused the claims"; }
"$TRAPLAB" claims "$tmp/c.yaml" --quick --md "$tmp/v.md" --html "$tmp/r.html" \
	--json "$tmp/v.json" >"$tmp/out" 2>"$tmp/err" ||
	{ cat "$tmp/out" "$tmp/err"; fail "claims exited $?"; }
v() { jq -r --arg id "$1" '.verdicts[] | select(.id == $id) | .verdict' "$tmp/v.json"; }
[ "$(v outside-sweep)" = HOLDS ] || { cat "$tmp/out"; fail "reps=7 was not run: $(v outside-sweep)"; }
[ "$(v unread-param)" = HOLDS ] || { cat "$tmp/out"; fail "unread param: $(v unread-param)"; }
grep -q "tiny/reps=.*7" "$tmp/err" || fail "the plan does not name reps=7"

# An unknown param in reads: file:line:column, the experiment refused.
sed -i 's/reads: \[reps\], comment: the loop twice/reads: [rep], comment: the loop twice/' "$y"
"$TRAPLAB" claims "$tmp/c.yaml" --check >"$tmp/bad" 2>&1
grep -q "experiment.yaml:12:58: variant 'c.sum2' reads 'rep', which is not a param" "$tmp/bad" ||
	{ cat "$tmp/bad"; fail "no file:line:column for reads"; }
echo "ok: values outside the sweep run; unread params need no value"
