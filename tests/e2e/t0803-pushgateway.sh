#!/usr/bin/env bash
# t0803-pushgateway.sh - `traplab push` to a real Pushgateway on loopback;
# the pushed value is read back from the gateway. Bounded; killed at end.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TL=${TRAPLAB:-$ROOT/traplab}
D=$ROOT/tests/data
T=$(mktemp -d /tmp/t0803.XXXXXX)
PIDS=
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; tail -n 5 "$T"/*.err 2>/dev/null; exit 1; }
[ -x "$TL" ] || { echo "skip: no traplab binary"; exit 77; }
PG=$(command -v prometheus-pushgateway || command -v pushgateway) ||
	{ echo "skip: no Pushgateway (Debian package prometheus-pushgateway)"; exit 77; }
. "$ROOT/tests/e2e/net.sh"
PORT=$(free_port) || fail "no port"
"$PG" --web.listen-address=127.0.0.1:$PORT 2>"$T/pg.err" &
PIDS="$PIDS $!"
wait_http "http://127.0.0.1:$PORT/metrics" ||
	fail "the Pushgateway did not start within 30 s"
"$TL" push "http://127.0.0.1:$PORT" "$D/run-1.json" 2>"$T/push.err" ||
	fail "push: $(cat "$T/push.err")"
cat "$T/push.err"
curl -sf "http://127.0.0.1:$PORT/metrics" >"$T/m" || fail "gateway"
grep -q 'traplab_op_duration_seconds{.*job="traplab".*variant="c.arena".*stat="median".*} 2.0847e-09' "$T/m" ||
	grep 'op_duration_seconds.*c.arena.*median' "$T/m" | head -2
grep -q 'variant="c.arena"' "$T/m" || fail "pushed metrics not in the gateway"
# An unreachable gateway is an error, exit 2.
"$TL" push "http://127.0.0.1:1" "$D/run-1.json" 2>/dev/null
[ $? = 2 ] || fail "push to a closed port should exit 2"
# A scheme other than http(s) is refused plainly; user:password in the
# URL is parsed (the gateway has no auth, so it ignores it) and never
# printed; a job name with a control character is refused.
"$TL" push "ftp://127.0.0.1:$PORT" "$D/run-1.json" 2>"$T/e"
[ $? = 2 ] && grep -qi "protocol" "$T/e" || fail "ftp:// should be refused plainly: $(cat "$T/e")"
"$TL" push --job "ci/nightly build" "http://me:s3cret@127.0.0.1:$PORT" "$D/run-1.json" 2>"$T/e" ||
	fail "push with user:password: $(cat "$T/e")"
grep -q s3cret "$T/e" && fail "the password was printed: $(cat "$T/e")"
curl -sf "http://127.0.0.1:$PORT/metrics" | grep -q 'job="ci/nightly build"' ||
	fail "a job name with '/' and ' ' did not arrive intact"
"$TL" push --job "$(printf 'x\r\nX-Evil: 1')" "http://127.0.0.1:$PORT" "$D/run-1.json" 2>"$T/e"
[ $? = 2 ] && grep -q "control character" "$T/e" || fail "a control character in the job name was not refused"
echo ok
