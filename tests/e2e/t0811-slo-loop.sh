#!/usr/bin/env bash
# t0811-slo-loop.sh - the article's closed loop on one machine: the demo
# service (slo/demo) under load, a real Prometheus scraping it on loopback
# with the rules `traplab slo rules` generated from slo/service-slo.yaml.
#   healthy             -> `slo check --prometheus` passes (exit 0)
#   latency injected    -> the generated burn-rate alerts fire in
#                          Prometheus, the check fails (exit 1), and the
#                          SLO file's action runs with the evidence
# The SLO period is scaled down (`--window 12h`: page windows 1m/5s) and
# checks look at a 10 s window, so it runs in well under two minutes.
# Every process it starts is killed on exit.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TL=${TRAPLAB:-$ROOT/traplab}
DEMO=$(dirname "$(readlink -f "$TL")")/slo-demo
T=$(mktemp -d /tmp/t0811.XXXXXX)
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	tail -n 5 "$T"/*.err 2>/dev/null
	exit 1
}
skip() { echo "skip: $*"; exit 77; }
[ -x "$TL" ] || skip "no traplab binary"
[ -x "$DEMO" ] || skip "no slo-demo binary beside traplab ($DEMO)"
command -v prometheus >/dev/null || skip "prometheus not installed (scripts/deps.sh --test)"
command -v curl >/dev/null || skip "no curl"
command -v jq >/dev/null || skip "no jq"

. "$ROOT/tests/e2e/net.sh"
SP=$(free_port) || fail "no port"
PP=$(free_port) || fail "no port"
[ "$SP" != "$PP" ] || PP=$((SP + 1))
PROM=http://127.0.0.1:$PP

# The article's file, plus an action that keeps the evidence it receives.
{
	cat "$ROOT/slo/service-slo.yaml"
	cat <<Y
action:
  command: 'cp "\$TRAPLAB_SLO_EVIDENCE" $T/evidence.json; echo "\$TRAPLAB_SLO_OBJECTIVE" > $T/acted'
Y
} >"$T/slo.yaml"

"$DEMO" --listen 127.0.0.1:$SP --latency-ms 5 --load 40 --max-seconds 170 \
	2>"$T/demo.err" &
DEMO_PID=$!
PIDS="$PIDS $!"
"$TL" slo rules --window 12h "$T/slo.yaml" >"$T/rules.yml" || fail "slo rules"
cat >"$T/prometheus.yml" <<CFG
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [rules.yml]
scrape_configs:
  - job_name: risk-decision-api
    static_configs: [{targets: ['127.0.0.1:$SP']}]
CFG
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/data" \
	--web.listen-address=127.0.0.1:$PP --log.level=warn 2>"$T/prom.err" &
PIDS="$PIDS $!"

# Wait until Prometheus has 10 s of the service's requests.
for _ in $(seq 60); do
	n=$(curl -s --max-time 2 -G "$PROM/api/v1/query" --data-urlencode \
		'query=count_over_time(http_request_duration_seconds_count{job="risk-decision-api",code="200"}[10s])' |
		jq -r '.data.result[0].value[1] // 0' 2>/dev/null)
	[ "${n:-0}" -ge 8 ] 2>/dev/null && break
	sleep 1
done
[ "${n:-0}" -ge 8 ] 2>/dev/null || fail "Prometheus did not scrape the demo service"

check() { "$TL" slo check --prometheus "$PROM" --window 10s "$@" "$T/slo.yaml"; }

check >"$T/healthy" 2>"$T/healthy.err"
rc=$?
cat "$T/healthy"
[ $rc = 0 ] || fail "healthy service: slo check exit $rc, want 0"
[ ! -e "$T/acted" ] || fail "the action ran on a healthy service"

# Inject latency: every request now takes ~200 ms, over the 150 ms bound.
curl -sf "http://127.0.0.1:$SP/knobs?latency_ms=200" >/dev/null ||
	fail "cannot turn the latency knob"
fired=
for _ in $(seq 40); do
	fired=$(curl -s "$PROM/api/v1/alerts" | jq -r \
		'.data.alerts[] | select(.state=="firing") | .labels.alertname' |
		sort -u | tr '\n' ' ')
	case "$fired" in *RiskDecisionApiLatencyBurnRatePage*) break ;; esac
	sleep 1
done
echo "firing: $fired"
case "$fired" in
*RiskDecisionApiLatencyBurnRatePage*) ;;
*) fail "the page alert did not fire within 40 s" ;;
esac
case "$fired" in
*ErrorRate*) fail "an error-rate alert fired without errors" ;;
esac
sleep 6 # the check's 10 s window is mostly slow requests now
check >"$T/slow" 2>"$T/slow.err"
rc=$?
cat "$T/slow" "$T/slow.err"
[ $rc = 1 ] || fail "slow service: slo check exit $rc, want 1"
grep -q "^latency .*FAIL" "$T/slow" || fail "latency not reported FAIL"
grep -q "^error_rate .*PASS" "$T/slow" || fail "error_rate should pass"
[ "$(cat "$T/acted" 2>/dev/null)" = latency ] || fail "the action did not run for latency"
jq -e '.violated and (.objectives[0].outcome == "FAIL") and
	(.objectives[0].query | test("histogram_quantile"))' \
	"$T/evidence.json" >/dev/null || fail "evidence JSON incomplete"

# The same violation POSTed to a webhook (a one-request listener).
if command -v python3 >/dev/null; then
	WP=$(free_port) || fail "no port"
	python3 - "$WP" "$T/hook.json" <<'PY' 2>"$T/hook.err" &
import http.server, sys
got = []
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        open(sys.argv[2], "wb").write(body)
        got.append(1)
        self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
srv.timeout = 60
while not got:  # the readiness probe is a connection too
    srv.handle_request()
PY
	PIDS="$PIDS $!"
	sed '/^action:/,$d' "$T/slo.yaml" >"$T/hook.yaml"
	printf 'action:\n  webhook: http://127.0.0.1:%s/slo\n' "$WP" \
		>>"$T/hook.yaml"
	for _ in $(seq 50); do
		(exec 3<>/dev/tcp/127.0.0.1/$WP) 2>/dev/null && break
		sleep 0.1
	done
	check_file() { "$TL" slo check --prometheus "$PROM" --window 10s "$1"; }
	check_file "$T/hook.yaml" >/dev/null 2>"$T/hook.out"
	grep -q "action: webhook http://127.0.0.1:$WP/slo (HTTP 204)" \
		"$T/hook.out" || { cat "$T/hook.out"; fail "webhook not called"; }
	jq -e '.objectives[0].name == "latency" and .violated' "$T/hook.json" \
		>/dev/null || fail "webhook body is not the violation"
fi

# Heal, then a chaos experiment within the SLO's bounds: CPU load at the
# resource-bound 65% on every CPU for 6 s; it must report recovery.
curl -sf "http://127.0.0.1:$SP/knobs?latency_ms=5" >/dev/null ||
	fail "cannot turn the latency knob back"
sleep 6 # the slow requests leave the 4 s watch window
"$TL" chaos --slo "$T/slo.yaml" --target "$DEMO_PID" --prometheus "$PROM" \
	--fault cpu --duration 6 --recover 40 --watch 4 >"$T/chaos" \
	2>"$T/chaos.err"
rc=$?
cat "$T/chaos" "$T/chaos.err"
[ $rc = 0 ] || fail "chaos: exit $rc, want 0 (recovered)"
grep -q "^fault cpu for 6 s: stress-ng on every CPU at 65%" "$T/chaos" ||
	fail "the CPU fault is not bounded by the SLO's 65%"
grep -q "^baseline before the fault: within" "$T/chaos" ||
	fail "the healed service did not pass before the fault"
grep -Eq "^recovered( [0-9.]+ s after the fault ended|: nothing to recover from)" "$T/chaos" ||
	fail "chaos did not report a recovery time"
grep -q "^error budget burned: latency" "$T/chaos" ||
	fail "chaos did not report the budget burned"
# chaos's stressor (its exact arguments: 6 s + 1 of timeout) is gone.
pgrep -f "stress-ng --cpu [0-9]+ --cpu-load 65 --timeout 7s" >/dev/null &&
	fail "chaos left stress-ng running"

# Tune from what the healthy service achieved; the proposal is a diff of
# the file, --write applies it, and the service meets the new thresholds.
sleep 10 # the CPU fault's slow requests leave the 8 s window
cp "$T/slo.yaml" "$T/tuned.yaml"
# Both look at the same 8 s of history (--at): the check must pass on
# exactly the requests the proposal was made from.
AT=$(($(date +%s) - 1))
"$TL" slo tune --prometheus "$PROM" --window 8s --at $AT --write \
	"$T/tuned.yaml" \
	>"$T/tune" 2>"$T/tune.err"
rc=$?
cat "$T/tune" "$T/tune.err"
[ $rc = 0 ] || fail "slo tune: exit $rc"
grep -q '^-    p99: "150ms"' "$T/tune" || fail "no diff of the p99 line"
grep -Eq '^\+    p99: "[0-9.]+m?s"' "$T/tune" || fail "no proposed p99"
grep -q "^error_rate: no failed request" "$T/tune" ||
	fail "error_rate should be kept (nothing failed)"
grep -q "^  limit: \"1200rps\"\|limit: \"1200rps\"" "$T/tuned.yaml" ||
	fail "tune touched a bound"
"$TL" slo check --prometheus "$PROM" --window 8s --at $AT --no-act \
	"$T/tuned.yaml" \
	>"$T/tuned.out" 2>&1
rc=$?
cat "$T/tuned.out"
[ $rc = 0 ] || fail "the healthy service fails its tuned thresholds (exit $rc)"
echo "ok: healthy passes; latency fires $fired and fails the check; action ran; chaos recovered; tuned thresholds met"
