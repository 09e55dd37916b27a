#!/usr/bin/env bash
# Zig's language async exists only in Zig 0.10.1 (stage1): the variants
# zig.async and zig.switch.async build with that release (scripts/deps.sh
# --toolchains, which --test runs, installs it) whatever the run's Zig, run
# on the tasks protocol and report what the 3.1 claims read: @frameSize,
# resident memory per task, and switch samples for p50/p99. Under another
# chosen release they are skipped with the reason, never silently absent.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# Captured first: grep -q closing the pipe early would fail it (pipefail).
"$TRAPLAB" list --toolchains >"$tmp/tools"
grep -Eq '^zig +0\.10\.1 +(default|extra) ' "$tmp/tools" ||
	skip "Zig 0.10.1 is not installed (scripts/deps.sh --toolchains)"

"$TRAPLAB" run tasks -V zig.async -V zig.switch.async -p tasks=200 -p lines=50 \
	--rounds 1 --samples 2 --warmup 0 --no-history -o "$tmp/a.json" \
	>"$tmp/out" 2>"$tmp/err" || { tail -n 20 "$tmp/err"; fail "run exited $?"; }
v() { jq -c --arg n "$1" '.experiments[0].cases[0].variants[] | select(.name == $n)' "$tmp/a.json"; }
a=$(v zig.async)
s=$(v zig.switch.async)
echo "zig.async: $(jq -c '{status, facts, rss: .metrics.rss_bytes_per_task.median}' <<<"$a")"
echo "zig.switch.async: $(jq -c '{status, median: .metrics.ns_per_op.median, p99: .metrics.ns_per_op.p99, n: .metrics.ns_per_op.n}' <<<"$s")"
jq -e '.status == "ok"' <<<"$a" >/dev/null || fail "zig.async: $(jq -r .reason <<<"$a")"
jq -e '.status == "ok"' <<<"$s" >/dev/null || fail "zig.switch.async: $(jq -r .reason <<<"$s")"
jq -e '.facts.zig_version == "0.10.1"' <<<"$a" >/dev/null || fail "not built by Zig 0.10.1"
jq -e '(.facts.frame_bytes | tonumber) > 0' <<<"$a" >/dev/null || fail "no frame_bytes fact"
jq -e '.metrics.rss_bytes_per_task.median > 0' <<<"$a" >/dev/null || fail "no rss_bytes_per_task"
jq -e '.metrics.ns_per_op.n >= 100 and .metrics.ns_per_op.p99 >= .metrics.ns_per_op.median' <<<"$s" >/dev/null ||
	fail "switch samples: too few, or no p99"

# A chosen release where async cannot exist: skipped, with the reason.
"$TRAPLAB" run tasks -V zig.async --toolchain zig=0.17.1 -p tasks=200 --rounds 1 --samples 1 \
	--warmup 0 --no-history -o "$tmp/b.json" >/dev/null 2>&1 || fail "run b"
jq -e '.experiments[0].cases[0].variants[] | select(.name == "zig.async")
	| .status == "skipped" and (.reason | test("cannot exist in zig 0.17.1"))' "$tmp/b.json" >/dev/null ||
	fail "zig.async under 0.17.1 is not skipped with its reason"
echo "zig async under 0.10.1 ok"
