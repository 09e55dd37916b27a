#!/usr/bin/env bash
# serve under faults: a second server on a served port fails ("address in
# use") and a restart right after (TIME_WAIT) works; 200 idle slow clients
# do not stop scrapes; an unreadable run file is read once per version
# (not per scrape) while the last good page is served with an error metric.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || skip "no curl"
D=$TL_ROOT/tests/data
spid=
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
start() {
	"$TRAPLAB" serve --listen 127.0.0.1:$port "$tmp/run.json" 2>>"$tmp/serve.err" &
	spid=$!
	for _ in $(seq 50); do
		curl -sf "http://127.0.0.1:$port/metrics" >/dev/null && return
		sleep 0.1
	done
	fail "serve did not answer: $(cat "$tmp/serve.err")"
}
cp "$D/run-1.json" "$tmp/run.json"
port=$(free_port) || fail "no free port"
start
rc=0; timeout 5 "$TRAPLAB" serve --listen 127.0.0.1:$port "$D/run-1.json" 2>"$tmp/second" || rc=$?
[ $rc != 0 ] && [ $rc != 124 ] || fail "second serve on a served port: exit $rc"
grep -q "address in use" "$tmp/second" || fail "second serve said: $(cat "$tmp/second")"
# Scrapes leave TIME_WAIT connections; a restart must still bind.
for _ in 1 2 3; do curl -sf "http://127.0.0.1:$port/metrics" >/dev/null; done
kill $spid; wait $spid 2>/dev/null || true; spid=
start
# 200 idle slow clients, then 50 scrapes at once: all answered.
python3 "$TL_ROOT/tests/tools/slowclients.py" $port 200 50 >"$tmp/slow" ||
	fail "scrapes with 200 idle clients: $(cat "$tmp/slow")"
grep -q "open=200" "$tmp/slow" || fail "idle clients refused: $(cat "$tmp/slow")"
# An unreadable run: read once, last good page kept, error counted.
: >"$tmp/serve.err"
echo '{"schema": "traplab.results/1", "experiments": [' >"$tmp/run.json"
for _ in $(seq 20); do curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/page"; done
grep -q '^traplab_serve_source_ok 0' "$tmp/page" || fail "source_ok not 0"
grep -q '^traplab_serve_reload_errors_total 1' "$tmp/page" || fail "reload errors: $(grep reload "$tmp/page")"
grep -q 'traplab_op_duration_seconds' "$tmp/page" || fail "last good page not served"
[ "$(grep -c 'serve:' "$tmp/serve.err")" = 1 ] || fail "bad file read $(grep -c 'serve:' "$tmp/serve.err") times for 20 scrapes"
echo "port exclusive, restart ok, $(cat "$tmp/slow"), bad file read once"
