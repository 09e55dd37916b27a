#!/usr/bin/env bash
# A history on a read-only file system is still read by the read commands
# (history list, trend, slo check --history): they open it read-only and
# never migrate. Needs root for the read-only bind mount.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root for a read-only bind mount"
mkdir -p "$tmp/rw" "$tmp/ro"
"$TRAPLAB" history --db "$tmp/rw/h.sqlite" add "$TL_ROOT/tests/data/run-1.json" \
	"$TL_ROOT/tests/data/run-2.json" >/dev/null || fail "history add"
mount --bind "$tmp/rw" "$tmp/ro" || skip "cannot bind-mount (no CAP_SYS_ADMIN)"
trap 'umount "$tmp/ro" 2>/dev/null || true; rm -rf "$tmp"' EXIT
mount -o remount,ro,bind "$tmp/ro" || skip "cannot remount read-only"
touch "$tmp/ro/x" 2>/dev/null && fail "the mount is writable"
"$TRAPLAB" history --db "$tmp/ro/h.sqlite" >"$tmp/out" 2>&1 ||
	fail "history list on a read-only history: $(cat "$tmp/out")"
grep -q readonly "$tmp/out" && fail "history list tried to write: $(cat "$tmp/out")"
[ "$(grep -c '^ *[0-9]' "$tmp/out")" -ge 2 ] || fail "runs not listed: $(cat "$tmp/out")"
umount "$tmp/ro"
echo "read-only history listed: $(grep -c '^ *[0-9]' "$tmp/out") runs"
