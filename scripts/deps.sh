#!/usr/bin/env bash
# deps.sh - install what traplab needs, and say nothing when it is all here.
#
#   scripts/deps.sh          what `make` and `make run` need
#   scripts/deps.sh --test   also what the tests drive (chromium for the
#                            HTML report, prometheus/promtool, wrk)
#
# Debian packages come from apt-get (as root; otherwise the exact apt-get
# line is printed and the script stops). Go is the one on PATH (or
# /usr/local/go), else Debian's golang-go. Zig is the user's `zig` when it
# is the pinned version (scripts/zig.version), else that version from
# PyPI's ziglang package, pip-installed into .tools/zig (git-ignored).
# Idempotent: a second run does nothing and prints nothing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
want_test=0
for a in "$@"; do
	case "$a" in
	--test) want_test=1 ;;
	-h | --help)
		sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "deps.sh: unknown option '$a'" >&2
		exit 2
		;;
	esac
done

# Every package and why it is here (the README's dependency table says
# the same in prose).
core=(
	build-essential pkg-config git # cc, make
	g++                            # the cpp variants
	clang libclang-rt-14-dev       # libFuzzer targets, TSan build
	clang-format                   # make format-check
	libyaml-dev                    # experiment, claim and SLO files
	libjansson-dev                 # the results JSON
	libsqlite3-dev                 # run history
	libmicrohttpd-dev              # traplab serve (/metrics)
	libpq-dev                      # a shared history in PostgreSQL (fleet)
	valgrind                       # the sim counters (cachegrind)
	linux-perf                     # perf, to cross-check counters
	python3-pip                    # installs the pinned Zig from PyPI
	libgc-dev                      # Boehm GC, the C model of a collector
	libjemalloc-dev libgoogle-perftools-dev libmimalloc-dev # allocators
	libck-dev                      # Concurrency Kit rings
	libfiu-dev fiu-utils           # malloc failure injection (chaos)
	libpfm4-dev                    # perf event names
	hyperfine libbenchmark-dev     # make bench: the tools we compare with
	stress-ng                      # interference (chaos)
	util-linux                     # setarch -R for the sim path
	musl-tools                     # a tiny static launcher (RSS floor)
	jq                             # the tests and make bench read JSON
)
test_extra=(
	chromium                       # renders the HTML report in a test
	prometheus prometheus-pushgateway # promtool and a real scrape
	wrk curl                       # bounded load on traplab serve; HTTP
	postgresql                     # the shared history's tests (fleet)
	slurmctld slurmd slurm-client munge # a one-node Slurm (fleet test)
)

pkgs=("${core[@]}")
[ "$want_test" = 1 ] && pkgs+=("${test_extra[@]}")

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done

have_go() {
	command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] || [ -x /usr/lib/go/bin/go ]
}
have_go || missing+=(golang-go)

if [ "${#missing[@]}" -gt 0 ]; then
	line="apt-get install -y --no-install-recommends ${missing[*]}"
	if [ "$(id -u)" != 0 ]; then
		echo "traplab needs these Debian packages; as root run:" >&2
		echo "  apt-get update && $line" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Zig: the pinned version, from the user's PATH or from PyPI.
zig_version=$(tr -d ' \n' <"$root/scripts/zig.version")
if command -v zig >/dev/null 2>&1 && [ "$(zig version 2>/dev/null)" = "$zig_version" ]; then
	exit 0
fi
zig="$root/.tools/zig/ziglang/zig"
if [ -x "$zig" ] && [ "$("$zig" version 2>/dev/null)" = "$zig_version" ]; then
	exit 0
fi
echo "deps: installing Zig $zig_version from PyPI (ziglang) into .tools/zig" >&2
rm -rf "$root/.tools/zig"
pip=(python3 -m pip install --quiet --disable-pip-version-check --no-deps
	--target "$root/.tools/zig" "ziglang==$zig_version")
"${pip[@]}" 2>/dev/null || "${pip[@]}" --break-system-packages
"$zig" version >/dev/null
