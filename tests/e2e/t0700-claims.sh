#!/usr/bin/env bash
# t0700-claims.sh - `traplab claims` on a synthetic run: the verdicts of
# claims whose CI lies inside, outside and across their range, equivalence,
# UNTESTABLE reasons, the three report files, --check on the shipped claim
# file, and file:line:column errors with exit 2 for a malformed file.
set -u
. "$(dirname "$0")/lib.sh"
[ -x "$TRAPLAB" ] || skip "no traplab binary"
export TRAPLAB_ROOT="$TL_ROOT"

# The shipped claim set parses and has at least 25 claims.
"$TRAPLAB" claims --check >"$tmp/check" 2>&1
rc=$?
[ $rc = 0 ] || [ $rc = 1 ] || { cat "$tmp/check"; fail "--check exit $rc"; }
n=$(sed -n 's/.*: \([0-9]*\) claims, .*/\1/p' "$tmp/check")
[ "${n:-0}" -ge 25 ] || fail "only '${n:-?}' claims in the shipped file"

# A run (alloc/c.tcmalloc ~25 ns tight, c.glibc ~25 ns wide, c.stack
# skipped; no PMU, one NUMA node, no go) and eight claims on it.
. "$(dirname "$0")/fixtures/synthetic-claims.sh"
"$TRAPLAB" claims "$tmp/c.yaml" --results "$tmp/run.json" --md "$tmp/v.md" \
	--html "$tmp/r.html" --json "$tmp/v.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] || { cat "$tmp/out" "$tmp/err"; fail "claims exit $rc"; }
v() { jq -r ".verdicts[] | select(.id == \"$1\") | .verdict" "$tmp/v.json"; }
r() { jq -r ".verdicts[] | select(.id == \"$1\") | .reason" "$tmp/v.json"; }
[ "$(v holds)" = HOLDS ] || fail "holds: $(v holds)"
[ "$(v refuted)" = REFUTED ] || fail "refuted: $(v refuted)"
[ "$(v straddles)" = INCONCLUSIVE ] || fail "straddles: $(v straddles)"
[ "$(v same)" = HOLDS ] || fail "same: $(v same)"
[ "$(v same-noisy)" = INCONCLUSIVE ] || fail "same-noisy: $(v same-noisy)"
[ "$(v skipped)" = UNTESTABLE ] || fail "skipped: $(v skipped)"
r skipped | grep -q "skipped: no cc here" || fail "skipped reason: $(r skipped)"
r nopmu | grep -q "^no PMU: no PMU here" || fail "nopmu reason: $(r nopmu)"
[ "$(r nogo)" = "toolchain missing: go" ] || fail "nogo reason: $(r nogo)"
jq -e '.family_size == 5 and .adjust == "holm"' "$tmp/v.json" >/dev/null ||
	fail "family/adjust: $(jq -c '[.family_size, .adjust]' "$tmp/v.json")"
grep -q "8 claims: 2 hold, 1 refuted, 2 inconclusive, 3 untestable" \
	"$tmp/out" || { cat "$tmp/out"; fail "terminal summary"; }
grep -q '^| `holds` | 2.1 |' "$tmp/v.md" || fail "markdown row"
grep -q "<svg" "$tmp/r.html" || fail "no chart in the HTML"

# Bonferroni widens every CI to 1 - 0.05/5 (TOST: 1 - 2 * 0.05/5).
"$TRAPLAB" claims "$tmp/c.yaml" --results "$tmp/run.json" --adjust \
	bonferroni --md "$tmp/v2.md" --html "$tmp/r2.html" \
	--json "$tmp/v2.json" >/dev/null 2>&1 || fail "bonferroni run"
jq -e '[.verdicts[] | .estimate.level // empty | select(. >= 0.979)] |
	length == 5' "$tmp/v2.json" >/dev/null || fail "bonferroni levels"

# An unresolved claim: reports are written, the claim is UNTESTABLE, exit 1.
sed 's/variant: c.tcmalloc, metric: ns_per_op, params: {size: 64}}$/variant: c.nope, metric: ns_per_op, params: {size: 64}}/' \
	"$tmp/c.yaml" >"$tmp/u.yaml"
"$TRAPLAB" claims "$tmp/u.yaml" --results "$tmp/run.json" --md "$tmp/u.md" \
	--html "$tmp/u.html" --json "$tmp/u.json" >"$tmp/out" 2>"$tmp/err"
[ $? = 1 ] || fail "unresolved claim: exit not 1"
grep -q "u.yaml:6:43: claim 'holds': variant 'c.nope' is not in experiment 'alloc'" \
	"$tmp/err" || { cat "$tmp/err"; fail "unresolved diagnostic"; }
jq -e '.verdicts[0].verdict == "UNTESTABLE"' "$tmp/u.json" >/dev/null ||
	fail "unresolved verdict"

# A malformed file: exit 2, file:line:column, no report.
sed 's/predicate: {approx: 80 ns, tol: 50%}/predicate: {approx: 80 MB, tol: 50%}/' \
	"$tmp/c.yaml" >"$tmp/bad.yaml"
"$TRAPLAB" claims "$tmp/bad.yaml" --results "$tmp/run.json" \
	--json "$tmp/bad.json" >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] || fail "malformed: exit not 2"
grep -q "bad.yaml:12:25: predicate: '80 MB': expected a time" "$tmp/err" ||
	{ cat "$tmp/err"; fail "malformed diagnostic"; }
[ ! -e "$tmp/bad.json" ] || fail "malformed file still wrote verdicts"

# A results file that does not exist.
"$TRAPLAB" claims "$tmp/c.yaml" --results "$tmp/none.json" >/dev/null \
	2>"$tmp/err"
[ $? = 1 ] && grep -Eq "cannot (read|open)" "$tmp/err" || fail "missing run file"
echo ok
