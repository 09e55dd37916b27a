# lib.sh - shared by the end-to-end tests (sourced).
# TRAPLAB (the binary) and TL_ROOT (the repository) come from tests/run.sh.
: "${TL_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${TRAPLAB:=$TL_ROOT/traplab}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
skip() {
	echo "skip: $*"
	exit 77
}
command -v jq >/dev/null || skip "jq missing (apt-get install jq)"
. "$TL_ROOT/tests/e2e/net.sh"

# fixture_root NAME...: a project root in $tmp/root holding the named
# fixtures from tests/e2e/fixtures as its experiments; TRAPLAB_ROOT points
# there. The build cache is shared with the real root to save time.
fixture_root() {
	local r="$tmp/root"
	mkdir -p "$r/experiments" "$r/scripts" "$TL_ROOT/.cache"
	ln -s "$TL_ROOT/workload" "$r/workload"
	ln -s "$TL_ROOT/lib" "$r/lib"
	ln -s "$TL_ROOT/.cache" "$r/.cache"
	[ -d "$TL_ROOT/.tools" ] && ln -s "$TL_ROOT/.tools" "$r/.tools"
	cp "$TL_ROOT/scripts/zig.version" "$r/scripts/"
	for f in "$@"; do
		cp -r "$TL_ROOT/tests/e2e/fixtures/$f" "$r/experiments/$f"
	done
	export TRAPLAB_ROOT="$r"
}
