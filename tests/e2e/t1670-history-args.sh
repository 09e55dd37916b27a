#!/usr/bin/env bash
# `traplab history trend|matrix|add` parse their options with getopt_long
# like every command: --help prints usage with examples to stdout and exits
# 0; an unknown option exits 2 with a did-you-mean; options may come before
# or after the operands; a bad --last is refused.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
db="$tmp/h.sqlite"
for sub in trend matrix add; do # the layout: t1730
	"$TRAPLAB" history $sub --help >"$tmp/out" 2>"$tmp/err" ||
		fail "history $sub --help exited $?"
	grep -q '^usage: traplab history' "$tmp/out" || fail "$sub: no usage on stdout"
	grep -q "^examples:" "$tmp/out" || fail "$sub: no examples"
	[ -s "$tmp/err" ] && fail "$sub --help wrote to stderr: $(cat "$tmp/err")"
done
rc=0
"$TRAPLAB" history trend --parms size=64 alloc c.glibc ns_per_op 2>"$tmp/err" || rc=$?
[ $rc = 2 ] || fail "unknown trend option exited $rc"
grep -q "traplab history trend: unknown option '--parms' (did you mean '--params'?)" "$tmp/err" ||
	fail "no did-you-mean: $(cat "$tmp/err")"
rc=0
"$TRAPLAB" history matrix --lats 3 2>"$tmp/err" || rc=$?
[ $rc = 2 ] && grep -q "did you mean '--last'" "$tmp/err" || fail "matrix --lats: $rc $(cat "$tmp/err")"
rc=0
"$TRAPLAB" history matrix --last many 2>"$tmp/err" || rc=$?
[ $rc = 2 ] && grep -q "expected a count of runs" "$tmp/err" || fail "matrix --last many: $rc"
rc=0
"$TRAPLAB" history --db "$db" trend alloc c.glibc 2>"$tmp/err" || rc=$?
[ $rc = 2 ] && grep -q "expected EXPERIMENT VARIANT METRIC, got 2" "$tmp/err" || fail "2 operands: $rc"

"$TRAPLAB" history --db "$db" add "$TL_ROOT/tests/data/run-1.json" \
	"$TL_ROOT/tests/data/run-2.json" "$TL_ROOT/tests/data/run-3.json" >/dev/null ||
	fail "history add"
"$TRAPLAB" history --db "$db" trend alloc c.glibc ns_per_op --params size=64 >"$tmp/a" ||
	fail "trend, option after the operands"
"$TRAPLAB" history --db "$db" trend --params size=64 alloc c.glibc ns_per_op >"$tmp/b" ||
	fail "trend, option before the operands"
cmp -s "$tmp/a" "$tmp/b" || fail "the option's place changed the output"
"$TRAPLAB" history trend alloc c.glibc ns_per_op --db "$db" --params size=64 |
	cmp -s - "$tmp/a" || fail "trend --db after the subcommand"
grep -q 'alloc/c.glibc ns_per_op size=64 over 3 runs' "$tmp/a" || fail "trend: $(cat "$tmp/a")"
"$TRAPLAB" history matrix --metric ns_per_op "$TL_ROOT/tests/data/run-1.json" >"$tmp/m" ||
	fail "matrix from a file"
grep -q 'c.glibc' "$tmp/m" || fail "matrix: $(cat "$tmp/m")"
echo "history trend/matrix/add: --help 0, unknown option 2 with a hint, options anywhere"
