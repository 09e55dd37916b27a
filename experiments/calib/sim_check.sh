#!/bin/sh
# sim_check.sh - check calib's known costs under cachegrind by hand.
#
# Builds c/calib.c like the harness does, runs each variant under the same
# command as src/machine/sim.c (setarch -R valgrind --tool=cachegrind ... fixed
# geometry) at OPS = N1, N2, N3 with one sample, differences the summary
# counts, and prints expected vs measured per op for Ir (instructions),
# Dr, Dw, Bc and D1mr. Exits 1 when a differenced count is off its
# expected value by more than TOL (default 0.001 per op).
#
# usage: experiments/calib/sim_check.sh [N1 N2 N3]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n1=${1:-200000} n2=${2:-800000} n3=${3:-500000}
tol=${TOL:-0.001}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -I "$root/workload" -I "$root/lib" "$here/c/calib.c" -lm -lpthread \
	-o "$tmp/calib"
sim() {
	setarch -R valgrind -q --tool=cachegrind --cache-sim=yes \
		--branch-sim=yes --I1=32768,8,64 --D1=32768,8,64 \
		--LL=8388608,16,64 --cachegrind-out-file="$2" "$tmp/calib" \
		"$1" "$3" 1 >"$2.stdout" 2>"$2.err" ||
		{ echo "sim_check: $1 OPS=$3 failed:" >&2; cat "$2.err" >&2; exit 2; }
}
fact() { awk -v k="$2" '$1 == "fact" && $2 == k { print $3 }' "$1"; }
bad=0
printf '%-20s %-6s %9s %14s %14s\n' variant count expected "N1..N2 per op" \
	"N1..N3 per op"
for v in c.add_chain c.pointer_chase_l1 c.empty c.known_insns; do
	for n in "$n1" "$n2" "$n3"; do
		sim "$v" "$tmp/$v.$n" "$n"
	done
	out="$tmp/$v.$n1.stdout"
	for pair in "Ir:2:expected_instructions_per_op" \
		"Dr:5:expected_data_reads_per_op" \
		"Dw:8:expected_data_writes_per_op" \
		"Bc:11:expected_branches_per_op" \
		"D1mr:6:expected_l1d_load_misses_per_op"; do
		ev=${pair%%:*} rest=${pair#*:} col=${rest%%:*} key=${rest#*:}
		want=$(fact "$out" "$key")
		[ -n "$want" ] || { [ "$ev" = D1mr ] && continue; want=?; }
		c1=$(awk -v c="$col" '/^summary:/ { print $c }' "$tmp/$v.$n1")
		c2=$(awk -v c="$col" '/^summary:/ { print $c }' "$tmp/$v.$n2")
		c3=$(awk -v c="$col" '/^summary:/ { print $c }' "$tmp/$v.$n3")
		r=$(awk -v a="$c1" -v b="$c2" -v c="$c3" -v n1="$n1" \
			-v n2="$n2" -v n3="$n3" -v w="$want" -v t="$tol" 'BEGIN {
			p = (b - a) / (n2 - n1); q = (c - a) / (n3 - n1)
			ok = (w != "?" && p - w <= t && w - p <= t && \
			      q - w <= t && w - q <= t)
			printf "%.6f %.6f %d", p, q, ok }')
		set -- $r
		printf '%-20s %-6s %9s %14s %14s%s\n' "$v" "$ev" "$want" "$1" \
			"$2" "$([ "$3" = 1 ] || echo '  <- OFF')"
		[ "$3" = 1 ] || bad=1
	done
done
exit $bad
