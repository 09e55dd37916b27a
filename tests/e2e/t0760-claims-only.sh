#!/usr/bin/env bash
# t0760-claims-only.sh - `claims --only ID,GLOB`: only the named claims
# are judged and reported, the output says how many of the file's claims
# that is, the family-wise correction divides alpha among the judged ones
# only, and an id no claim has exits 2 with a did-you-mean. Saved runs
# only (--results): nothing is measured.
set -u
. "$(dirname "$0")/lib.sh"
[ -x "$TRAPLAB" ] || skip "no traplab binary"
export TRAPLAB_ROOT="$TL_ROOT"
run1=$TL_ROOT/tests/data/run-1.json

# The shipped file: a glob and an id; 54-odd claims, a handful judged.
"$TRAPLAB" claims --results "$run1" -o "$tmp/a" \
	--only 'alloc-stack-*,startup-go-87ms' >"$tmp/out" 2>"$tmp/err" ||
	{ cat "$tmp/out" "$tmp/err"; fail "claims --only exit $?"; }
ids=$(jq -r '[.verdicts[].id] | join(" ")' "$tmp/a/verdicts.json")
[ "$ids" = "alloc-stack-sub-ns alloc-stack-cycles alloc-stack-instructions startup-go-87ms" ] ||
	fail "judged: $ids"
total=$(jq .claims_in_file "$tmp/a/verdicts.json")
[ "$total" -ge 25 ] || fail "claims_in_file: $total"
grep -q "^4 of the $total claims of zig-go-traps.yaml judged (--only)" \
	"$tmp/out" || { cat "$tmp/out"; fail "no 'N of M claims judged' line"; }
grep -q "Only 4 of the file's $total claims were judged (--only)" \
	"$tmp/a/verdicts.md" "$tmp/a/report.html" || fail "the reports do not say so"
[ "$(grep -c "Only 4 of the file's" "$tmp/a/verdicts.md" "$tmp/a/report.html" |
	grep -c ':1$')" = 2 ] || fail "one of the reports does not say so"
grep -q "alloc-tcmalloc-64" "$tmp/out" "$tmp/a/verdicts.md" &&
	fail "a claim left out by --only is reported"

# A typo: exit 2, a suggestion, no report.
"$TRAPLAB" claims --results "$run1" -o "$tmp/b" --only defer-go-cots \
	>"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] || fail "unknown id: exit not 2"
grep -q "no claim 'defer-go-cots' (did you mean 'defer-go-costs'?)" \
	"$tmp/err" || fail "unknown id: $(cat "$tmp/err")"
[ $(wc -l <"$tmp/err") = 1 ] || fail "the error is said more than once"
[ ! -e "$tmp/b/verdicts.json" ] || fail "a report was written"
"$TRAPLAB" claims --results "$run1" -o "$tmp/b" --only 'nosuch-*' \
	>/dev/null 2>&1
[ $? = 2 ] || fail "a glob matching nothing: exit not 2"

# The family: 5 numeric claims in the synthetic file, 3 of them kept;
# Bonferroni widens to 1 - 0.05/3 (TOST 1 - 2 * 0.05/3), not 1 - 0.05/5.
. "$(dirname "$0")/fixtures/synthetic-claims.sh"
"$TRAPLAB" claims "$tmp/c.yaml" --results "$tmp/run.json" -o "$tmp/c" \
	--adjust bonferroni --only 'holds,same*' >"$tmp/out" 2>&1 ||
	{ cat "$tmp/out"; fail "synthetic --only"; }
jq -e '.family_size == 3 and .claims_in_file == 8 and
	([.verdicts[].estimate.level] | map(. * 1e4 | round) ==
	 [9833, 9667, 9833])' "$tmp/c/verdicts.json" >/dev/null ||
	fail "family: $(jq -c '[.family_size, [.verdicts[].estimate.level]]' "$tmp/c/verdicts.json")"
grep -q "^3 of the 8 claims of c.yaml judged (--only); alpha 0.05 is shared by the 3" \
	"$tmp/out" || fail "synthetic summary: $(cat "$tmp/out")"
echo ok
