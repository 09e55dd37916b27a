#!/usr/bin/env bash
# A workload that crashes, hangs, prints garbage, exits non-zero, fails in
# some rounds or does not compile: each gets a clear reason in the table and
# the results JSON, and the other variants' results are written.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
fixture_root faults

out="$tmp/run.json"
"$TRAPLAB" run faults --quick --rounds 4 --samples 2 --no-history \
	-o "$out" >"$tmp/stdout" 2>"$tmp/stderr" || fail "run exited $?"
cat "$tmp/stdout"

status() { jq -r --arg v "$1" '.experiments[0].cases[0].variants[] | select(.name == $v) | .status' "$out"; }
reason() { jq -r --arg v "$1" '.experiments[0].cases[0].variants[] | select(.name == $v) | .reason' "$out"; }

[ "$(status c.ok)" = ok ] || fail "c.ok: $(status c.ok)"
jq -e '.experiments[0].cases[0].variants[] | select(.name == "c.ok") | .metrics.ns_per_op.median > 0' "$out" >/dev/null || fail "c.ok has no ns_per_op"
jq -e '.experiments[0].cases[0].variants[] | select(.name == "c.ok") | .facts.answer == "42"' "$out" >/dev/null || fail "fact lost"
jq -e '.experiments[0].cases[0].variants[] | select(.name == "c.ok") | .metrics.widgets_per_op.source == "workload"' "$out" >/dev/null || fail "metric lost"
# A workload metric's values carry their process's round, as ns/op's do
# (the verdicts count a process's values as one cluster): 4 rounds, 0..3.
jq -e '.experiments[0].cases[0].variants[] | select(.name == "c.ok") | .metrics.widgets_per_op | (.round_of | length) == (.samples | length) and (.round_of | unique) == [0, 1, 2, 3]' "$out" >/dev/null ||
	fail "workload metric rounds: $(jq -c '.experiments[0].cases[0].variants[] | select(.name == "c.ok") | .metrics.widgets_per_op.round_of' "$out")"
[ "$(status c.crash)" = crashed ] || fail "c.crash: $(status c.crash)"
reason c.crash | grep -q "signal 11" || fail "crash reason: $(reason c.crash)"
[ "$(status c.hang)" = timeout ] || fail "c.hang: $(status c.hang)"
[ "$(status c.garbage)" = bad_output ] || fail "c.garbage: $(status c.garbage)"
reason c.garbage | grep -q "line 1" || fail "garbage reason: $(reason c.garbage)"
[ "$(status c.nonzero)" = exit_nonzero ] || fail "c.nonzero: $(status c.nonzero)"
jq -r '.experiments[0].cases[0].variants[] | select(.name == "c.nonzero") | .errors[0]' "$out" | grep -q "the result was wrong" || fail "stderr tail not kept"
[ "$(status c.late)" = partial ] || fail "c.late: $(status c.late)"
[ "$(status c.broken)" = build_failed ] || fail "c.broken: $(status c.broken)"
jq -r '.experiments[0].cases[0].variants[] | select(.name == "c.broken") | .build.log' "$out" | grep -q this_does_not_compile || fail "compiler message lost"
grep -q "c.broken: build failed" "$tmp/stderr" || fail "build failure not said on stderr"
grep -q "timeout" "$tmp/stdout" || fail "table does not show the timeout"
echo "all fault kinds recorded"
