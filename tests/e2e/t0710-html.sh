#!/usr/bin/env bash
# t0710-html.sh - the HTML report renders in headless Chromium: a
# screenshot is taken, the DOM holds the verdict table, a claim card and an
# SVG chart, and the browser logs no console error. Skips (77) without
# chromium.
set -u
. "$(dirname "$0")/lib.sh"
[ -x "$TRAPLAB" ] || skip "no traplab binary"
CHROME=$(command -v chromium || command -v chromium-browser) ||
	skip "chromium missing (apt-get install chromium)"
export TRAPLAB_ROOT="$TL_ROOT"

cat >"$tmp/run.json" <<'JSON'
{"schema": "traplab.results/1", "started_utc": "2026-11-25T00:00:00Z",
 "options": {"quick": true, "counters": "sim"},
 "env": {"cpu_model": "test <CPU> & co", "cpus": 2, "kernel": "6.1",
         "pmu": false, "pmu_reason": "no PMU here", "numa_nodes": 1,
         "toolchains": {"cc": "gcc 12", "go": "go1.26", "zig": "0.17.1"}},
 "experiments": [{"name": "alloc", "section": "2.1", "cases": [{
   "params": {"size": "64"}, "variants": [
   {"name": "c.tcmalloc", "status": "ok", "metrics": {
     "ns_per_op": {"source": "time", "n": 5, "median": 25,
                   "ci95": [24, 26], "samples": [24, 24.5, 25, 25.5, 26]},
     "instructions_per_op": {"source": "sim", "n": 1, "median": 31,
                   "ci95": [31, 31], "exact": true, "samples": [31]}}},
   {"name": "c.glibc", "status": "ok", "metrics": {
     "ns_per_op": {"source": "time", "n": 5, "median": 2500,
                   "ci95": [2000, 3000],
                   "samples": [2000, 2400, 2500, 2600, 3000]}}},
   {"name": "c.stack", "status": "build_failed", "reason": "cc: error"}]}]}]}
JSON
cat >"$tmp/c.yaml" <<'YAML'
title: "report <test> & \"quotes\""
claims:
  - id: t1
    section: "2.1"
    claim: malloc(64) takes about 25 ns <b>not bold</b>
    measure: {experiment: alloc, variant: c.tcmalloc, metric: ns_per_op, params: {size: 64}}
    predicate: {approx: 25 ns, tol: 20%}
  - id: t2
    section: "2.1"
    claim: 31 instructions
    measure: {experiment: alloc, variant: c.tcmalloc, metric: instructions_per_op, params: {size: 64}}
    predicate: {approx: 31, tol: 1}
  - id: t3
    section: "2.1"
    claim: stack is free
    measure: {experiment: alloc, variant: c.stack, metric: ns_per_op, params: {size: 64}}
    predicate: {lt: 1 ns}
YAML
"$TRAPLAB" claims "$tmp/c.yaml" --results "$tmp/run.json" --md "$tmp/v.md" \
	--html "$tmp/r.html" --json "$tmp/v.json" >"$tmp/out" 2>&1 ||
	{ cat "$tmp/out"; fail "claims failed"; }
grep -q "&lt;b&gt;not bold&lt;/b&gt;" "$tmp/r.html" || fail "text not escaped"
grep -q "simulated" "$tmp/r.html" || fail "simulated counters not said"
! grep -qi "<script\|https\?://" "$tmp/r.html" || fail "not self-contained"

flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
	--disable-component-update --disable-sync --no-first-run
	--user-data-dir="$tmp/profile" --enable-logging=stderr --v=0
	--window-size=1200,1600)
timeout 90 "$CHROME" "${flags[@]}" --screenshot="$tmp/shot.png" \
	"file://$tmp/r.html" >"$tmp/shot.log" 2>&1 ||
	{ tail "$tmp/shot.log"; fail "chromium screenshot failed"; }
[ -s "$tmp/shot.png" ] || fail "no screenshot"
[ "$(head -c 4 "$tmp/shot.png" | od -An -c | tr -d ' ')" = "211PNG" ] ||
	fail "screenshot is not a PNG"
[ "$(stat -c %s "$tmp/shot.png")" -gt 10000 ] || fail "screenshot is blank"
if grep -E "CONSOLE|Uncaught|Refused to" "$tmp/shot.log"; then
	fail "console errors while rendering"
fi
timeout 90 "$CHROME" "${flags[@]}" --dump-dom "file://$tmp/r.html" \
	>"$tmp/dom.html" 2>"$tmp/dom.log" || fail "chromium --dump-dom failed"
grep -q '<h2>Verdicts</h2>' "$tmp/dom.html" || fail "no verdict table"
grep -q 'class="card" id="t1"' "$tmp/dom.html" || fail "no claim card"
grep -q '<svg' "$tmp/dom.html" || fail "no chart"
grep -qi "CONSOLE" "$tmp/dom.log" && fail "console errors in --dump-dom"
cp "$tmp/shot.png" "${TL_BUILD:-$tmp}/t0710-report.png" 2>/dev/null
grep -q 'class="legend"' "$tmp/r.html" || fail "no legend"
[ "$(grep -o 'class="legend"' "$tmp/r.html" | head -1)" ] &&
	awk '/class="legend"/ { l = NR } /<h2>Verdicts/ { v = NR } END { exit !(l && v && l < v) }' "$tmp/r.html" ||
	fail "the legend is not above the verdicts"
grep -q "family-wise correction" "$tmp/r.html" || fail "the legend does not explain INCONCLUSIVE after the correction"
grep -q "$TL_ROOT\|$tmp" "$tmp/r.html" && fail "absolute paths in the report"
grep -q 'not in the chart: c.stack' "$tmp/r.html" || fail "a failed variant is not listed apart"
# A phone and a laptop: no horizontal scroll, no console error, a
# screenshot of each kept under build/ for CI. The page has no script: a
# wrapper page holds it in an iframe of the size and measures its layout
# (Chromium's headless window has a minimum width, an iframe has none).
for size in 390,844 1280,800; do
	w=${size%,*} h=${size#*,}
	sflags=("${flags[@]/--window-size=1200,1600/--window-size=$size}")
	timeout 90 "$CHROME" "${sflags[@]}" --screenshot="$tmp/shot-$w.png" \
		"file://$tmp/r.html" >"$tmp/shot-$w.log" 2>&1 || fail "screenshot at $size"
	grep -E "CONSOLE|Uncaught|Refused to" "$tmp/shot-$w.log" && fail "console errors at $size"
	cp "$tmp/shot-$w.png" "${TL_BUILD:-$tmp}/t0710-report-$w.png" 2>/dev/null
	cat >"$tmp/m-$w.html" <<HTML
<!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="r.html"
 style="width:${w}px;height:${h}px;border:0"></iframe><script>
document.getElementById("f").onload = function () {
	var d = this.contentDocument.documentElement;
	document.body.setAttribute("data-sw", d.scrollWidth + "/" + d.clientWidth);
};</script></body></html>
HTML
	timeout 90 "$CHROME" "${flags[@]}" --allow-file-access-from-files \
		--virtual-time-budget=5000 --dump-dom "file://$tmp/m-$w.html" \
		>"$tmp/m-$w.dom" 2>/dev/null || fail "--dump-dom at $size"
	sw=$(grep -o 'data-sw="[0-9]*/[0-9]*"' "$tmp/m-$w.dom" | tr -dc '0-9/')
	[ -n "$sw" ] || fail "no layout measure at $size"
	[ "${sw%/*}" -le "${sw#*/}" ] || fail "horizontal scroll at $size: scroll width/client width $sw"
	echo "at ${size/,/x}: scroll width/client width $sw"
done
echo "ok: screenshot $(stat -c %s "$tmp/shot.png") bytes"
