#!/usr/bin/env bash
# t1710-exports.sh - what CI reads from `traplab claims`: JUnit XML (parsed
# as XML: one test case per claim, REFUTED and a missed expect: fail,
# UNTESTABLE skipped), CSV (parsed: one row per claim, no nan, no 0 for
# an absent figure), GitHub annotations and the job summary; a bad
# expect: is an error at its line with a did-you-mean; a claim file other
# than the default writes beside itself, or into -o DIR.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 missing (parses the XML and CSV)"
. "$(dirname "$0")/fixtures/synthetic-claims.sh"
# One expectation met, one missed (holds is expected to be REFUTED).
sed -i 's/^    predicate: {approx: 25 ns, tol: 20%}$/&\n    expect: REFUTED/;
	s/^    predicate: {between: \[20 ns, 30 ns\]}$/&\n    expect: INCONCLUSIVE/' "$tmp/c.yaml"
grep -c '^    expect:' "$tmp/c.yaml" | grep -qx 2 || fail "fixture edit"

# A root of its own (the real experiments, an empty results/), so that
# what lands in results/ can be checked.
mkdir -p "$tmp/root/scripts"
for d in experiments workload lib .cache; do ln -s "$TL_ROOT/$d" "$tmp/root/$d"; done
cp "$TL_ROOT/scripts/zig.version" "$tmp/root/scripts/"
export TRAPLAB_ROOT="$tmp/root"
summary="$tmp/summary.md"
GITHUB_STEP_SUMMARY=$summary "$TRAPLAB" claims "$tmp/c.yaml" --results "$tmp/run.json" \
	--junit "$tmp/j.xml" --csv "$tmp/c.csv" --github -o "$tmp/out" >"$tmp/stdout" 2>"$tmp/err" ||
	{ cat "$tmp/err"; fail "claims exited $?"; }
python3 - "$tmp/j.xml" "$tmp/c.csv" <<'PY' || fail "JUnit/CSV content"
import csv, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = {c.get("name").split(":")[0]: c for c in root.iter("testcase")}
assert len(cases) == 8, sorted(cases)
failed = sorted(k for k, c in cases.items() if c.find("failure") is not None)
skipped = sorted(k for k, c in cases.items() if c.find("skipped") is not None)
assert failed == ["holds", "refuted"], failed
assert skipped == ["nogo", "nopmu", "skipped"], skipped
assert root.get("tests") == "8" and root.get("failures") == "2" and root.get("skipped") == "3"
assert "expected REFUTED, got HOLDS" in cases["holds"].find("failure").get("message")
assert cases["refuted"].get("line") and cases["refuted"].get("file").endswith("c.yaml")
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(rows) == 8, len(rows)
by = {r["id"]: r for r in rows}
assert by["holds"]["verdict"] == "HOLDS" and by["holds"]["gate"] == "fail", by["holds"]
assert by["straddles"]["gate"] == "pass" and by["straddles"]["expect"] == "INCONCLUSIVE"
assert by["refuted"]["unit"] == "ns" and 24 < float(by["refuted"]["value"]) < 26
assert float(by["refuted"]["ci_lo"]) <= float(by["refuted"]["value"]) <= float(by["refuted"]["ci_hi"])
assert by["skipped"]["value"] == "" and "skipped: no cc here" in by["skipped"]["reason"]
text = open(sys.argv[2]).read().lower()
assert "nan" not in text and "e+" not in text
print("junit 8 cases (2 failed, 3 skipped), csv 8 rows")
PY
grep -q '^::error file=.*c.yaml,line=[0-9]*,title=refuted REFUTED::' "$tmp/stdout" ||
	fail "no annotation for the refuted claim: $(cat "$tmp/stdout")"
grep -q '^::warning .*title=nogo UNTESTABLE::toolchain missing%3A go\|^::warning .*title=nogo UNTESTABLE::toolchain missing: go' "$tmp/stdout" ||
	fail "no warning for an untestable claim"
grep -q '^### synthetic' "$summary" && grep -q '| \*\*FAIL\*\* | `refuted` | REFUTED |' "$summary" ||
	fail "job summary: $(cat "$summary")"
# Outputs of another claim file: into -o DIR, never over the default pass.
for f in report.html verdicts.md verdicts.json; do
	[ -s "$tmp/out/$f" ] || fail "-o: no $f"
	[ ! -e "$TRAPLAB_ROOT/results/$f" ] || fail "wrote the default $f"
done
# ... and beside the claim file when no -o.
"$TRAPLAB" claims "$tmp/c.yaml" --results "$tmp/run.json" >/dev/null 2>&1
[ -s "$tmp/c.report.html" ] && [ -s "$tmp/c.verdicts.json" ] || fail "not beside the claim file"
[ ! -e "$TRAPLAB_ROOT/results/report.html" ] || fail "wrote the default report"
# A bad expectation is an error at its position, once.
sed -i 's/expect: REFUTED/expect: REFUTD/' "$tmp/c.yaml"
"$TRAPLAB" claims "$tmp/c.yaml" --results "$tmp/run.json" --junit "$tmp/j2.xml" -o "$tmp/o2" >/dev/null 2>"$tmp/err"
[ $? = 1 ] || fail "a bad expect: should exit 1"
[ "$(grep -c "c.yaml:[0-9]*:[0-9]*: claim 'holds': expect: 'REFUTD' is not a verdict.*did you mean 'REFUTED'" "$tmp/err")" = 1 ] ||
	fail "bad expect message: $(cat "$tmp/err")"

# slo check: the same exports, one case per objective and case.
D=$TL_ROOT/tests/data
GITHUB_STEP_SUMMARY=$tmp/slo-summary.md COLUMNS=80 "$TRAPLAB" slo check --no-history \
	--slo "$D/slo-test.yaml" --junit "$tmp/slo.xml" --csv "$tmp/slo.csv" --github \
	"$D/run-slow.json" >"$tmp/slo.out" 2>"$tmp/slo.err"
[ $? = 1 ] || fail "slo check of a slowed run should exit 1: $(cat "$tmp/slo.err")"
grep -v '^::' "$tmp/slo.out" | awk 'length($0) > 80 { bad = 1 } END { exit bad }' || fail "slo table wider than 80"
python3 - "$tmp/slo.xml" "$tmp/slo.csv" <<'PY' || fail "slo JUnit/CSV"
import csv, sys, xml.etree.ElementTree as ET
cases = list(ET.parse(sys.argv[1]).getroot().iter("testcase"))
assert len(cases) == 5, len(cases)
failed = sorted(c.get("name") for c in cases if c.find("failure") is not None)
assert failed == ["arena at most half of glibc [size=64]", "arena under 3 ns [size=64]"], failed
skipped = [c.get("name") for c in cases if c.find("skipped") is not None]
assert skipped == ["go.new allocation under 50 ns [size=64]"], skipped  # allowNoData
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(rows) == 5 and {r["gate"] for r in rows} == {"pass", "fail", "skip"}, rows
assert "e+" not in open(sys.argv[2]).read()
assert next(r for r in rows if r["objective"] == "go.new allocation under 50 ns")["value"] == ""
print("slo: junit 5 cases, 2 failed, 1 skipped; csv 5 rows")
PY
grep -q '^::error file=.*slo-test.yaml,line=[0-9]*,title=arena under 3 ns \[size=64\] FAIL%2C VIOLATED::' "$tmp/slo.out" ||
	fail "no annotation for the violated objective: $(grep '::' "$tmp/slo.out")"
grep -q '^### SLO synthetic' "$tmp/slo-summary.md" || fail "no SLO job summary"
echo "slo exports ok"
