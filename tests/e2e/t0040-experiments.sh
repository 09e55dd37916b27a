#!/usr/bin/env bash
# Every experiment, every language present, at tiny size: each variant
# builds, runs, checks its own result and ends ok (or skipped with a reason,
# e.g. a missing toolchain). One round, one sample: this is a correctness
# test, not a measurement.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

exps=$(cd "$TL_ROOT/experiments" && ls -d */ | tr -d / | grep -v '^build$')
# shellcheck disable=SC2086
"$TRAPLAB" run $exps --quick --rounds 1 --samples 1 --warmup 0 \
	--no-history -o "$tmp/all.json" >"$tmp/out" 2>"$tmp/err" ||
	{ tail -n 30 "$tmp/err"; fail "run exited $?"; }
# The build experiment times whole compilations: one C and one Go build.
"$TRAPLAB" run build --quick --rounds 1 --samples 1 --warmup 0 --no-history \
	-V c.clean -V c.go_clean -o "$tmp/build.json" >>"$tmp/out" 2>>"$tmp/err" ||
	{ tail -n 30 "$tmp/err"; fail "build run exited $?"; }
# Zig's incremental builds are updates of its compiler server: the one
# with @compileLog answers with the error, the other builds (the workload
# dies when an update that built did not rewrite the binary).
if [ -x "$TL_ROOT/.tools/zig/ziglang/zig" ]; then
	"$TRAPLAB" run build --rounds 1 --samples 2 --warmup 0 --no-history \
		--param funcs=1 -V c.zig_compilelog_0 -V c.zig_compilelog_12 \
		-o "$tmp/zig.json" >>"$tmp/out" 2>>"$tmp/err" ||
		{ tail -n 30 "$tmp/err"; fail "zig build run exited $?"; }
	facts() { jq -r --arg v "$1" '.experiments[].cases[].variants[]
		| select(.name == $v) | .facts | "\(.builds) \(.incremental) \(.first_error // "-")"' "$tmp/zig.json"; }
	case "$(facts c.zig_compilelog_0)" in
	"true compiler server"*" -") ;;
	*) fail "c.zig_compilelog_0: $(facts c.zig_compilelog_0)" ;;
	esac
	case "$(facts c.zig_compilelog_12)" in
	"false compiler server"*"error: found compile log statement") ;;
	*) fail "c.zig_compilelog_12: $(facts c.zig_compilelog_12)" ;;
	esac
	# a build time only for the build that built
	[ "$(jq -c '[.experiments[].cases[].variants[] | select(.status == "ok")
		| [.name, (.metrics | has("ns_per_op")), (.metrics | has("build_ns"))]]' \
		"$tmp/zig.json")" = '[["c.zig_compilelog_0",true,true],["c.zig_compilelog_12",true,false]]' ] ||
		fail "zig build metrics: $(jq -c '[.experiments[].cases[].variants[] | select(.status == "ok") | [.name, (.metrics | keys)]]' "$tmp/zig.json")"
fi

bad=$(jq -r '.experiments[] | .name as $e | .cases[] | (.params | to_entries | map("\(.key)=\(.value)") | join(",")) as $p
	| .variants[] | select(.status != "ok" and .status != "skipped")
	| "\($e)/\(.name) [\($p)]: \(.status): \(.reason // "")"' "$tmp/all.json" "$tmp/build.json" $(ls "$tmp"/zig.json 2>/dev/null))
skipped=$(jq -r '.experiments[] | .name as $e | .cases[0].variants[] | select(.status == "skipped" and (.reason | test("not selected") | not))
	| "\($e)/\(.name): \(.reason)"' "$tmp/all.json" "$tmp/build.json" | sort -u)
n=$(jq '[.experiments[].cases[].variants[] | select(.status == "ok")] | length' "$tmp/all.json" "$tmp/build.json" | paste -sd+ | bc)
echo "$n variant cases ok"
[ -z "$skipped" ] || printf 'skipped:\n%s\n' "$skipped"
[ -z "$bad" ] || { printf 'failed:\n%s\n' "$bad"; fail "some variants failed"; }
echo "every experiment ran"
