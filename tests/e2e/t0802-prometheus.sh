#!/usr/bin/env bash
# t0802-prometheus.sh - a real Prometheus on loopback scrapes
# `traplab serve`, and the value traplab exposed comes back through
# Prometheus's query API. Bounded: 150 s at most; every process is killed.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TL=${TRAPLAB:-$ROOT/traplab}
D=$ROOT/tests/data
T=$(mktemp -d /tmp/t0802.XXXXXX)
PIDS=
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; tail -n 5 "$T"/*.err 2>/dev/null; exit 1; }
[ -x "$TL" ] || { echo "skip: no traplab binary"; exit 77; }
command -v prometheus >/dev/null || { echo "skip: prometheus not installed (Debian package prometheus)"; exit 77; }
command -v curl >/dev/null || { echo "skip: no curl"; exit 77; }

. "$ROOT/tests/e2e/net.sh"
SPORT=$(free_port) || fail "no port"
PPORT=$(free_port) || fail "no port"
[ "$SPORT" != "$PPORT" ] || PPORT=$((SPORT + 1))

"$TL" serve --listen 127.0.0.1:$SPORT --slo "$D/slo-test.yaml" \
	--db "$T/none.sqlite" "$D/run-1.json" 2>"$T/serve.err" &
PIDS="$PIDS $!"
wait_http "http://127.0.0.1:$SPORT/metrics" || fail "serve did not start"
cat >"$T/prometheus.yml" <<CFG
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: traplab
    static_configs:
      - targets: ['127.0.0.1:$SPORT']
CFG
promtool check config "$T/prometheus.yml" >/dev/null 2>&1 || fail "config"
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/data" \
	--web.listen-address=127.0.0.1:$PPORT --log.level=warn 2>"$T/prom.err" &
PIDS="$PIDS $!"

# The figure traplab exposes: c.arena's median ns_per_op in run-1, 2.0847 ns.
Q='traplab_op_duration_seconds{variant="c.arena",stat="median"}'
deadline=$((SECONDS + 120))
val=
while [ $SECONDS -lt $deadline ]; do
	out=$(curl -s --max-time 2 -G "http://127.0.0.1:$PPORT/api/v1/query" \
		--data-urlencode "query=$Q")
	val=$(printf '%s' "$out" | grep -o '"value":\[[^]]*\]' | head -1 |
		sed 's/.*,"\(.*\)"\]/\1/')
	[ -n "$val" ] && break
	sleep 1
done
[ -n "$val" ] || fail "no value from Prometheus within 120 s (last: ${out:-none})"
echo "prometheus returned $Q = $val"
[ "$val" = "2.0847e-09" ] || fail "value $val, want 2.0847e-09"
# The SLO status went through too, and the scrape target is up.
out=$(curl -s -G "http://127.0.0.1:$PPORT/api/v1/query" \
	--data-urlencode 'query=up{job="traplab"}')
printf '%s' "$out" | grep -q '"value":\[[^]]*,"1"\]' || fail "target not up: $out"
out=$(curl -s -G "http://127.0.0.1:$PPORT/api/v1/query" \
	--data-urlencode 'query=traplab_slo_objective_pass{objective="arena under 3 ns"}')
printf '%s' "$out" | grep -q '"value":\[[^]]*,"1"\]' || fail "SLO pass not 1: $out"
echo ok
