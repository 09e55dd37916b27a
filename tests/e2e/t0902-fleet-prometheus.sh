#!/usr/bin/env bash
# t0902-fleet-prometheus.sh - one Prometheus sees the fleet: two
# `traplab serve`s (two machines), one real Prometheus scraping both, and
# the two PromQL queries of scripts/fleet/README.md, taken from the README
# as written, return one series per machine with the right values.
# Machine 1 is a real `traplab run calib --quick`; machine 2 is a copy of
# its results file with another env block and the c.add_chain median
# doubled (there is one machine here). Bounded: 60 s; all killed at the end.
set -u
. "$(dirname "$0")/lib.sh"
[ -x "$TRAPLAB" ] || skip "no traplab binary"
command -v prometheus >/dev/null || skip "prometheus not installed (Debian package prometheus)"
command -v curl >/dev/null || skip "no curl"
README=$TL_ROOT/scripts/fleet/README.md
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"' EXIT

"$TRAPLAB" run calib --quick -V c.add_chain --no-history -o "$tmp/m1.json" \
	>"$tmp/run.log" 2>&1 || { cat "$tmp/run.log"; fail "traplab run calib"; }
jq -e '.experiments[0].cases[0].variants[0].status == "ok"' "$tmp/m1.json" >/dev/null ||
	skip "calib/c.add_chain did not run here: $(jq -r '.experiments[0].cases[0].variants[0].reason' "$tmp/m1.json")"
jq '.env.fingerprint = "51d0e8a2c7f3b914" | .env.hostname = "metal-1"
    | .env.cpu_model = "Intel Xeon Gold 6338" | .env.cpus = 64
    | .env.numa_nodes = 2 | .env.pmu = true | .env.virtualised = false
    | (.experiments[0].cases[0].variants[0].metrics.ns_per_op.median) *= 2' \
	"$tmp/m1.json" >"$tmp/m2.json"
fp1=$(jq -r .env.fingerprint "$tmp/m1.json")
cpu1=$(jq -r .env.cpu_model "$tmp/m1.json")
med1=$(jq '.experiments[0].cases[0].variants[0].metrics.ns_per_op.median' "$tmp/m1.json")

targets=
for m in 1 2; do
	port=$(free_port) || fail "no port"
	"$TRAPLAB" serve --listen "127.0.0.1:$port" --db "$tmp/none.sqlite" \
		"$tmp/m$m.json" 2>"$tmp/serve$m.err" &
	pids+=($!)
	# Up before Prometheus looks (a loaded machine starts slowly).
	wait_http "http://127.0.0.1:$port/metrics" ||
		fail "serve $m did not answer on port $port: $(cat "$tmp/serve$m.err")"
	targets="$targets'127.0.0.1:$port', "
done
pport=$(free_port) || fail "no port"
cat >"$tmp/prometheus.yml" <<CFG
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: traplab
    static_configs:
      - targets: [${targets%, }]
CFG
promtool check config "$tmp/prometheus.yml" >/dev/null 2>&1 || fail "prometheus config"
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/data" \
	--web.listen-address=127.0.0.1:$pport --log.level=warn 2>"$tmp/prom.err" &
pids+=($!)

# The queries, exactly as the README gives them.
export tmp
awk '/^```promql/ { q++; on = 1; next } /^```/ { on = 0; next }
     on { print > (ENVIRON["tmp"] "/q" q ".promql") }' "$README"
[ -s "$tmp/q1.promql" ] && [ -s "$tmp/q2.promql" ] || fail "two promql blocks in the README"

query() {
	curl -s --max-time 2 -G "http://127.0.0.1:$pport/api/v1/query" \
		--data-urlencode "query=$(cat "$1")"
}
deadline=$((SECONDS + 120))
n=0
while [ $SECONDS -lt $deadline ]; do
	out=$(query "$tmp/q1.promql")
	n=$(printf '%s' "$out" | jq '.data.result | length' 2>/dev/null || echo 0)
	[ "$n" = 2 ] && break
	sleep 1
done
[ "$n" = 2 ] || { cat "$tmp/prom.err"; fail "query 1: want 2 series within 120 s, got: $out"; }
echo "query 1:"
printf '%s' "$out" | jq -c '.data.result[] | [.metric.machine, .metric.cpu_model, .value[1]]' |
	tee "$tmp/r1"
v1=$(printf '%s' "$out" | jq -r --arg m "$fp1" '.data.result[] | select(.metric.machine == $m) | .value[1]')
c1=$(printf '%s' "$out" | jq -r --arg m "$fp1" '.data.result[] | select(.metric.machine == $m) | .metric.cpu_model')
v2=$(printf '%s' "$out" | jq -r '.data.result[] | select(.metric.machine == "51d0e8a2c7f3b914") | .value[1]')
c2=$(printf '%s' "$out" | jq -r '.data.result[] | select(.metric.machine == "51d0e8a2c7f3b914") | .metric.cpu_model')
[ "$c1" = "$cpu1" ] && [ "$c2" = "Intel Xeon Gold 6338" ] || fail "cpu_model join: '$c1' '$c2'"
awk -v a="$v1" -v m="$med1" 'BEGIN { exit !(a > 0 && (a * 1e9 - m) ^ 2 < (m * 1e-9) ^ 2) }' ||
	fail "machine 1 value $v1 s is not its median $med1 ns"
awk -v a="$v1" -v b="$v2" 'BEGIN { r = b / a; exit !(r > 1.999999 && r < 2.000001) }' ||
	fail "machine 2 value $v2 is not twice machine 1's $v1"

out=$(query "$tmp/q2.promql")
echo "query 2:"
printf '%s' "$out" | jq -c '.data.result[] | [.metric.machine, .value[1]]'
[ "$(printf '%s' "$out" | jq '.data.result | length')" = 2 ] || fail "query 2: want 2 series: $out"
r1=$(printf '%s' "$out" | jq -r --arg m "$fp1" '.data.result[] | select(.metric.machine == $m) | .value[1]')
r2=$(printf '%s' "$out" | jq -r '.data.result[] | select(.metric.machine == "51d0e8a2c7f3b914") | .value[1]')
[ "$r1" = 1 ] || fail "query 2: the fastest machine is $r1, want 1"
awk -v r="$r2" 'BEGIN { exit !(r > 1.999999 && r < 2.000001) }' || fail "query 2: machine 2 is $r2, want 2"
echo ok
