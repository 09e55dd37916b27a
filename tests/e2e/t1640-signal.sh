#!/usr/bin/env bash
# SIGTERM or SIGINT to `traplab run`: the workload's process group is
# killed, the work folder removed, the partial results written marked
# incomplete (never promoted to latest.json), exit 128+signal. A later run
# removes the work folders of dead runs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
fixture_root faults
r=$TRAPLAB_ROOT
# Live processes carrying traplab PID's containment token (zombies have no
# environment, and other tests' workloads carry other tokens).
ours() {
	local p
	for p in /proc/[0-9]*; do
		{ tr '\0' '\n' <"$p/environ"; } 2>/dev/null |
			grep -q "^TL_CONTAIN=$1\." && echo "${p#/proc/}"
	done
	return 0
}
for sig in TERM INT; do
	rm -rf "$r/results"
	setsid "$TRAPLAB" run faults --rounds 2 --samples 1 -V c.ok -V c.hang \
		-V c.late --no-history >"$tmp/out" 2>&1 &
	tp=$!
	# Wait for the hanging workload to be running (ours: its token).
	for i in $(seq 100); do
		kids=$(ours $tp)
		[ -n "$kids" ] && break
		sleep 0.1
	done
	[ -n "$kids" ] || fail "c.hang never started: $(tail -3 "$tmp/out")"
	kill -$sig $tp
	rc=0; wait $tp || rc=$?
	want=$((128 + $(kill -l $sig)))
	left=$(ours $tp)
	[ -z "$left" ] || { kill -KILL $left; fail "SIG$sig: workloads left:$left"; }
	[ $rc = $want ] || fail "SIG$sig: exit $rc, want $want: $(tail -3 "$tmp/out")"
	[ ! -e "$r/.cache/work/run-$tp" ] || fail "SIG$sig: work folder left"
	f=$(ls "$r"/results/run-*.json 2>/dev/null | head -1)
	[ -n "$f" ] || fail "SIG$sig: no partial results"
	[ "$(jq -r .incomplete.signal "$f")" = SIG$sig ] || fail "SIG$sig: not marked: $(jq -c .incomplete "$f")"
	[ ! -e "$r/results/latest.json" ] || fail "SIG$sig: incomplete run promoted to latest.json"
	# Neither the SLO gate nor the history takes an incomplete run.
	printf 'apiVersion: traplab/v1\nkind: SLO\nspec:\n  objectives:\n    - {experiment: faults, variant: c.ok, metric: ns_per_op, op: lte, value: 1s, target: 50%%}\n' >"$tmp/s.yaml"
	rc=0; "$TRAPLAB" slo check --no-history --slo "$tmp/s.yaml" "$f" >"$tmp/slo" 2>&1 || rc=$?
	[ $rc = 1 ] && grep -q incomplete "$tmp/slo" || fail "slo check on an incomplete run: exit $rc: $(cat "$tmp/slo")"
	"$TRAPLAB" history --db "$tmp/h.sqlite" add "$f" >/dev/null 2>&1 && fail "history stored an incomplete run"
done
# A dead run's folder is removed by the next run; -o writes only its file.
mkdir -p "$r/.cache/work/run-999999999/w1"
mkdir -p "$tmp/o"
"$TRAPLAB" run faults --quick --rounds 1 --samples 1 -V c.ok --no-history \
	-o "$tmp/o/x.json" >/dev/null 2>&1 || fail "run after the signals"
[ ! -e "$r/.cache/work/run-999999999" ] || fail "dead run's folder not removed"
[ "$(ls "$tmp/o")" = x.json ] || fail "-o wrote more than its file: $(ls "$tmp/o")"
jq -e 'has("incomplete") | not' "$tmp/o/x.json" >/dev/null || fail "complete run marked incomplete"
echo "SIGTERM/SIGINT: nothing left, partial results marked; dead folders removed"
