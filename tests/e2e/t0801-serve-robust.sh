#!/usr/bin/env bash
# t0801-serve-robust.sh - `traplab serve` binds to loopback, answers
# malformed requests without dying, and survives a bounded concurrent load
# from a second process (wrk, if installed) on loopback.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TL=${TRAPLAB:-$ROOT/traplab}
D=$ROOT/tests/data
T=$(mktemp -d /tmp/t0801.XXXXXX)
SPID=
cleanup() { [ -n "$SPID" ] && kill "$SPID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$T/serve.err" ] && cat "$T/serve.err"; exit 1; }
[ -x "$TL" ] || { echo "skip: no traplab binary"; exit 77; }
command -v curl >/dev/null || { echo "skip: no curl"; exit 77; }

. "$ROOT/tests/e2e/net.sh"
PORT=$(free_port) || fail "no free port"
"$TL" serve --slo "$D/slo-test.yaml" --db "$T/none.sqlite" \
	--listen 127.0.0.1:$PORT "$D/run-1.json" 2>"$T/serve.err" &
SPID=$!
for _ in $(seq 50); do
	curl -sf "http://127.0.0.1:$PORT/metrics" >/dev/null && break
	kill -0 $SPID 2>/dev/null || { grep -qi "unknown command" "$T/serve.err" && { echo "skip: no serve"; exit 77; }; fail "serve died"; }
	sleep 0.1
done
curl -sf "http://127.0.0.1:$PORT/metrics" >"$T/m" || fail "no /metrics"
grep -q 'traplab_slo_objective_pass{slo="synthetic"' "$T/m" || fail "no SLO status"
# Default listen address is loopback.
grep -q '127.0.0.1:9464' "$ROOT/src/report/serve.h" || fail "default not loopback"

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(code "http://127.0.0.1:$PORT/nope")" = 404 ] || fail "404"
[ "$(code -X POST --data-binary @"$D/run-1.json" "http://127.0.0.1:$PORT/metrics")" = 405 ] || fail "405"
[ "$(code -X DELETE "http://127.0.0.1:$PORT/metrics")" = 405 ] || fail "405 DELETE"
# Malformed: garbage, a header far over the memory limit, a half request
# that is abandoned, binary noise.
send() { timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; printf '%b' \"\$1\" >&3; timeout 2 cat <&3 >/dev/null" _ "$1" 2>/dev/null; }
send 'GARBAGE\r\n\r\n'
send "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: $(head -c 200000 /dev/zero | tr '\0' a)\r\n\r\n"
send 'GET /metr'
send '\x00\x01\x02\xff\xfe\r\n\r\n'
send 'GET /metrics HTTP/9.9\r\n\r\n'
kill -0 $SPID || fail "serve died on malformed requests"
[ "$(code "http://127.0.0.1:$PORT/metrics")" = 200 ] || fail "no 200 after malformed"

if command -v wrk >/dev/null; then
	# Bounded: 2 threads, 32 connections, 3 seconds, from another process.
	timeout 20 wrk -t2 -c32 -d3s "http://127.0.0.1:$PORT/metrics" >"$T/wrk" 2>&1 ||
		fail "wrk failed: $(cat "$T/wrk")"
	cat "$T/wrk"
	grep -q "Non-2xx" "$T/wrk" && fail "non-2xx answers under load"
	grep -Eq "Requests/sec: +[0-9]" "$T/wrk" || fail "wrk measured nothing"
else
	echo "note: wrk not installed; concurrent load done with curl"
	for i in $(seq 16); do curl -sf "http://127.0.0.1:$PORT/metrics" >/dev/null & done
	wait -f $(jobs -p | grep -v "^$SPID$") 2>/dev/null
fi
kill -0 $SPID || fail "serve died under load"
curl -sf "http://127.0.0.1:$PORT/metrics" | grep -q traplab_serve_scrapes_total ||
	fail "serve not answering after load"
kill -TERM $SPID; wait $SPID; rc=$?; SPID=
[ $rc = 0 ] || fail "serve exit $rc after SIGTERM"
echo ok
