#!/usr/bin/env bash
# parallel_setup: a round's processes set up side by side and time one at
# a time. From the fixture's log (tests/e2e/fixtures/gate): no process's
# timed span overlaps anything of another process's, set-ups did overlap,
# a process that timed without waiting at its gate is a failure with its
# reason, one that died in its set-up holds up no other, and the case's
# JSON says what ran beside what.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
fixture_root gate

out="$tmp/run.json"
"$TRAPLAB" run gate --rounds 3 --samples 2 --warmup 0 --no-history \
	-V c.a -V c.b -V c.early -V c.die -o "$out" >"$tmp/stdout" 2>"$tmp/stderr" || { rc=$?; cat "$tmp/stderr"; fail "run exited $rc"; }
cat "$tmp/stdout"; cp "$out" /tmp/t0046.json

status() { jq -r --arg v "$1" '.experiments[0].cases[0].variants[] | select(.name == $v) | .status' "$out"; }
errors() { jq -r --arg v "$1" '.experiments[0].cases[0].variants[] | select(.name == $v) | .errors | join(" | ")' "$out"; }

for v in c.a c.b; do
	[ "$(status $v)" = ok ] || fail "$v: $(status $v): $(errors $v)"
	jq -e --arg v $v '.experiments[0].cases[0].variants[] | select(.name == $v) | .metrics.ns_per_op.samples | length == 6' "$out" >/dev/null ||
		fail "$v: not 3 rounds x 2 samples"
done
[ "$(status c.early)" != ok ] || fail "c.early timed without waiting and is ok"
errors c.early | grep -q "without waiting for its turn" || fail "c.early: $(errors c.early)"
[ "$(status c.die)" != ok ] || fail "c.die: ok"
errors c.die | grep -q "died in its set-up" || fail "c.die: $(errors c.die)"
jq -e '.experiments[0].cases[0].parallel_setup.rounds == 3' "$out" >/dev/null ||
	fail "parallel_setup in the case JSON: $(jq -c '.experiments[0].cases[0].parallel_setup' "$out")"
grep -q "set-ups side by side in 3 rounds; each process timed alone" "$tmp/stdout" ||
	fail "the table does not say what ran beside what"

log="$TRAPLAB_ROOT/gate.log"
[ -s "$log" ] || fail "no gate.log"
# variant pid kind start end: a timed span of c.a or c.b that overlaps any
# span of another process (c.early's own timing excepted: it is the fault)
clash=$(awk '{ v[NR] = $1; p[NR] = $2; k[NR] = $3; s[NR] = $4; e[NR] = $5 }
	END {
		for (i = 1; i <= NR; i++) {
			if (k[i] != "timed" || v[i] == "c.early") continue
			for (j = 1; j <= NR; j++)
				if (p[j] != p[i] && !(v[j] == "c.early" && k[j] == "timed") &&
				    s[j] < e[i] && s[i] < e[j])
					print v[i] " " p[i] " timed beside " v[j] " " p[j] " " k[j]
		}
	}' "$log")
[ -z "$clash" ] || fail "timed beside another process: $clash"
overlap=$(awk '$3 == "setup" { n++; p[n] = $2; s[n] = $4; e[n] = $5 }
	END {
		c = 0
		for (i = 1; i <= n; i++)
			for (j = i + 1; j <= n; j++)
				if (p[i] != p[j] && s[j] < e[i] && s[i] < e[j]) c++
		print c
	}' "$log")
[ "$overlap" -ge 3 ] || fail "set-ups side by side: $overlap overlapping pairs"

# A set-up that outlives its limit: the others are let through so as to
# end, their round is not kept, and the straggler is killed at its limit
# (its limit, and the others', cover the others' turns: 2 x 0.5 s).
rm -f "$log"
"$TRAPLAB" run gate --rounds 1 --samples 2 --warmup 0 --no-history \
	-V c.a -V c.hang -o "$tmp/hang.json" >"$tmp/stdout" 2>"$tmp/stderr" || { rc=$?; cat "$tmp/stderr"; fail "hang run exited $rc"; }
out="$tmp/hang.json"
[ "$(status c.hang)" = timeout ] || fail "c.hang: $(status c.hang): $(errors c.hang)"
errors c.a | grep -q "timed beside the set-up of c.hang" || fail "c.a: $(status c.a): $(errors c.a)"
[ "$(jq '.experiments[0].cases[0].variants[] | select(.name == "c.a") | .metrics.ns_per_op.samples // [] | length' "$out")" = 0 ] ||
	fail "c.a kept samples timed beside a set-up"
echo "timed one at a time, $overlap set-ups side by side; the faults recorded"
