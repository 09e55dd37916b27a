#!/usr/bin/env bash
# t0810-slo-rules.sh - `traplab slo rules` on the article's service-slo.yaml
# and the OpenSLO examples: promtool accepts the rules, and promtool's unit
# tests (tests/data/slo-rules-test.yml) see the burn-rate alerts fire on
# synthetic series that must fire and stay quiet on those that must not.
. "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null || skip "no promtool (scripts/deps.sh --test)"

"$TRAPLAB" slo rules "$TL_ROOT/slo/service-slo.yaml" >"$tmp/rules.yml" ||
	fail "slo rules refused slo/service-slo.yaml"
promtool check rules "$tmp/rules.yml" >"$tmp/pc" 2>&1 ||
	{ cat "$tmp/pc"; fail "promtool check rules"; }
cp "$TL_ROOT/tests/data/slo-rules-test.yml" "$tmp/"
(cd "$tmp" && promtool test rules slo-rules-test.yml) >"$tmp/pt" 2>&1 ||
	{ cat "$tmp/pt"; fail "promtool test rules"; }

# The article's file cut from the article itself, byte for byte.
seed="$TL_ROOT/../shared/seed/article-zig-go-traps.txt"
if [ -f "$seed" ]; then
	awk '/^# service-slo.yaml/{f=1} f&&/^$/{exit} f' "$seed" >"$tmp/a.yaml"
	"$TRAPLAB" slo rules "$tmp/a.yaml" >"$tmp/a.yml" &&
		promtool check rules "$tmp/a.yml" >/dev/null 2>&1 ||
		fail "the article's own file"
fi

for f in openslo-service openslo-latency; do
	"$TRAPLAB" slo rules "$TL_ROOT/slo/$f.yaml" >"$tmp/$f.yml" ||
		fail "slo rules $f"
	promtool check rules "$tmp/$f.yml" >"$tmp/pc" 2>&1 ||
		{ cat "$tmp/pc"; fail "promtool check rules $f"; }
done

# A shorter period scales every window: 12h -> 1m/5s for the page pair.
"$TRAPLAB" slo rules --window 12h "$TL_ROOT/slo/service-slo.yaml" \
	>"$tmp/short.yml" || fail "--window 12h"
grep -q 'ratio_rate5s{' "$tmp/short.yml" && grep -q 'ratio_rate1m{' \
	"$tmp/short.yml" || fail "--window 12h did not scale 5m/1h to 5s/1m"
promtool check rules "$tmp/short.yml" >/dev/null 2>&1 || fail "short rules"

# Errors name the file, line and column, exit 2.
cat >"$tmp/bad.yaml" <<'Y'
service: api
slo:
  latency:
    p99: "150parsecs"
  error_rate: "2%"
  constraints:
    - type: "resource-bound"
      target: "cpu"
      max_utilisation: "65%"
Y
"$TRAPLAB" slo rules "$tmp/bad.yaml" >/dev/null 2>"$tmp/err"
rc=$?
cat "$tmp/err"
[ $rc = 2 ] || fail "a bad file: exit $rc, want 2"
grep -q "bad.yaml:4:10: .*unknown unit 'parsecs'" "$tmp/err" ||
	fail "no position for the bad unit"
grep -q "bad.yaml:9:7: .*unknown key 'max_utilisation'" "$tmp/err" ||
	fail "no position for the misspelt key"
echo "ok: $(grep -c 'alert:' "$tmp/rules.yml") alerts, $(grep -c 'record:' "$tmp/rules.yml") recording rules; promtool tests pass"
