#!/usr/bin/env bash
# Pathological inputs are refused fast, with a position: a 100k-deep YAML,
# a mapping of 100k params, a 50 MB claims file; a duplicate key and a
# second document in claims, SLO and experiment files.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
open(d + "/deep.yaml", "w").write("[" * 100000)
open(d + "/wide.yaml", "w").write(
    "title: t\nsource: s\nclaims:\n  - id: a\n    section: '1'\n    claim: c\n"
    "    measure:\n      experiment: alloc\n      variant: c.glibc\n"
    "      metric: ns_per_op\n      params:\n"
    + "".join("        p%d: %d\n" % (i, i) for i in range(100000))
    + "    predicate: {lt: 3}\n")
with open(d + "/big.yaml", "w") as f:
    f.write("title: big\nsource: s\nclaims:\n")
    i = 0
    while f.tell() < 50 << 20:
        f.write("  - {id: c%d, section: '1', claim: c, measure: {experiment: "
                "alloc, variant: c.glibc, metric: ns_per_op}, predicate: "
                "{lt: 3}}\n" % i)
        i += 1
PY
R=$TL_ROOT/tests/data/run-1.json
check() { # check FILE WANT: exit 2, under 1 s, message
	local t0 t1 rc=0
	t0=$(date +%s%N)
	"$TRAPLAB" claims "$1" --results "$R" -o "$tmp/o" >"$tmp/out" 2>&1 || rc=$?
	t1=$(date +%s%N)
	[ $rc = 2 ] || fail "$(basename "$1"): exit $rc: $(head -2 "$tmp/out")"
	grep -q "$2" "$tmp/out" || fail "$(basename "$1"): $(head -2 "$tmp/out")"
	[ $(((t1 - t0) / 1000000)) -lt 1000 ] || fail "$(basename "$1") took $(((t1 - t0) / 1000000)) ms"
	echo "$(basename "$1"): $(((t1 - t0) / 1000000)) ms: $(head -1 "$tmp/out")"
}
check "$tmp/deep.yaml" "deep.yaml:1:65: nested deeper than 64"
check "$tmp/wide.yaml" "wide.yaml:10012:9: more than 10000 items"
check "$tmp/big.yaml" "big.yaml: larger than 8 MiB"
sed -n 1,200p "$TL_ROOT/claims/traplab-self.yaml" >"$tmp/dup.yaml"
printf 'title: again\n' >>"$tmp/dup.yaml"
check "$tmp/dup.yaml" "duplicate key 'title'"
printf -- '---\ntitle: x\n' >>"$tmp/dup.yaml"
printf 'apiVersion: traplab/v1\nkind: SLO\nspec: {objectives: []}\nkind: SLO\n' >"$tmp/s.yaml"
rc=0; "$TRAPLAB" slo check --no-history --slo "$tmp/s.yaml" "$R" >"$tmp/out" 2>&1 || rc=$?
[ $rc = 2 ] && grep -q "s.yaml:4:1: duplicate key 'kind'" "$tmp/out" || fail "SLO duplicate key: exit $rc: $(cat "$tmp/out")"
printf 'apiVersion: traplab/v1\nkind: SLO\n---\nkind: SLO\n' >"$tmp/s.yaml"
rc=0; "$TRAPLAB" slo check --no-history --slo "$tmp/s.yaml" "$R" >"$tmp/out" 2>&1 || rc=$?
[ $rc = 2 ] && grep -q "s.yaml:3:1: a second YAML document" "$tmp/out" || fail "SLO second document: exit $rc: $(cat "$tmp/out")"
echo "limits hold"
