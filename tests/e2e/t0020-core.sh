#!/usr/bin/env bash
# The pipeline end to end on the two core experiments at tiny sizes, in
# every language whose toolchain is here: alloc (an in-process loop) and
# startup (whole-process starts). Checks the results JSON's shape and that
# every figure carries its unit and source.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out="$tmp/run.json"
variants=(-V c.glibc -V c.bump -V go.new -V zig.c_allocator
	-V c.dynamic -V c.static -V go -V zig.small)
"$TRAPLAB" run alloc startup --quick --rounds 4 --samples 2 -p size=64 \
	--no-history -o "$out" "${variants[@]}" >"$tmp/stdout" 2>"$tmp/stderr" ||
	{ cat "$tmp/stderr"; fail "run exited $?"; }
cat "$tmp/stdout"

jq -e '.schema == "traplab.results/1"' "$out" >/dev/null || fail "schema"
jq -e '.env.fingerprint | length == 16' "$out" >/dev/null || fail "fingerprint"
jq -e '.env.toolchains.cc != null' "$out" >/dev/null || fail "toolchains"
jq -e '.noise.aa_mde_pct > 0' "$out" >/dev/null || fail "noise floor"
# The commit is git's short id of HEAD, asked once a commit
# (.cache/githead) and read back after.
if head=$(git -C "$TL_ROOT" rev-parse --short=12 HEAD 2>/dev/null); then
	[ "$(jq -r .traplab.commit "$out")" = "$head" ] ||
		fail "commit $(jq -r .traplab.commit "$out"), git says $head"
	"$TRAPLAB" list >/dev/null
	"$TRAPLAB" run startup --quick --rounds 1 --samples 1 -V c.static \
		--no-history -o "$tmp/again.json" >/dev/null 2>&1 ||
		fail "second run"
	[ "$(jq -r .traplab.commit "$tmp/again.json")" = "$head" ] ||
		fail "kept commit $(jq -r .traplab.commit "$tmp/again.json")"
fi

v() { jq -c --arg e "$1" --arg v "$2" '.experiments[] | select(.name == $e) | .cases[0].variants[] | select(.name == $v)' "$out"; }
want_ok() {
	local e=$1 name=$2 metric=$3 unit=$4 src=$5 j
	j=$(v "$e" "$name")
	[ "$(jq -r .status <<<"$j")" = ok ] || fail "$e/$name: $(jq -r '.status + ": " + (.reason // "")' <<<"$j")"
	jq -e --arg m "$metric" --arg u "$unit" --arg s "$src" \
		'.metrics[$m] | .unit == $u and .source == $s and .median > 0 and (.ci95 | length == 2) and .ci95[0] <= .median and .median <= .ci95[1]' \
		<<<"$j" >/dev/null || fail "$e/$name: bad $metric: $(jq -c --arg m "$metric" '.metrics[$m]' <<<"$j")"
	jq -e '.metrics.peak_rss_bytes.source == "rusage" and .metrics.peak_rss_bytes.unit == "bytes"' <<<"$j" >/dev/null ||
		fail "$e/$name: no peak RSS"
	jq -e '.build.target | length > 0' <<<"$j" >/dev/null || fail "$e/$name: no build target"
}
# A language whose toolchain is missing must be skipped with a reason.
want_ok_or_skipped() {
	local lang=$1
	shift
	if jq -e --arg l "$lang" '.env.toolchains[$l] != null' "$out" >/dev/null; then
		want_ok "$@"
	else
		[ "$(v "$2" "$3" | jq -r .status)" = skipped ] || fail "$2/$3 not skipped"
		echo "note: $lang missing; $2/$3 skipped"
	fi
}

want_ok alloc c.glibc ns_per_op ns time
want_ok alloc c.bump ns_per_op ns time
want_ok_or_skipped go alloc go.new ns_per_op ns time
want_ok_or_skipped zig alloc zig.c_allocator ns_per_op ns time
want_ok startup c.dynamic wall_ns ns time
want_ok startup c.static wall_ns ns time
want_ok_or_skipped go startup go wall_ns ns time
want_ok_or_skipped zig startup zig.small wall_ns ns time
for m in minor_faults major_faults voluntary_ctxsw user_ns sys_ns; do
	jq -e --arg m "$m" '.metrics[$m].source == "rusage"' <<<"$(v startup c.static)" >/dev/null || fail "startup: no $m"
done
jq -e '.facts.binary_bytes | tonumber > 0' <<<"$(v startup c.static)" >/dev/null || fail "binary size fact"
# Unselected variants are listed as skipped, not silently dropped.
[ "$(v alloc c.jemalloc | jq -r .status)" = skipped ] || fail "unselected variant not listed"
# The table and the progress went where they belong.
grep -q "alloc size=64" "$tmp/stdout" || fail "no table"
grep -q "results: $out" "$tmp/stdout" || fail "no results line"
echo "core pipeline ok"
