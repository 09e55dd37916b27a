#!/usr/bin/env bash
# deps.sh - install what traplab needs, and say nothing when it is all here.
#
#   scripts/deps.sh          what `make` and `make run` need (with Zig
#                            0.10.1, which the async claims are built by)
#   scripts/deps.sh --test   also what the tests drive (chromium for the
#                            HTML report, prometheus/promtool, wrk) and
#                            the extra toolchains below
#   scripts/deps.sh --toolchains   also the pinned extra toolchains:
#                            Zig 0.13.0 (the article's era) and 0.10.1
#                            (the last with async), go1.27.3
#
# Debian packages come from apt-get (as root; otherwise the exact apt-get
# line is printed and the script stops). Go is the one on PATH (or
# /usr/local/go), else Debian's golang-go. Zig is the user's `zig` when it
# is the pinned version (scripts/zig.version), else that version from
# PyPI's ziglang package, pip-installed into .tools/zig (git-ignored).
# Each extra toolchain has its own git-ignored folder: .tools/zig-VERSION
# (PyPI's ziglang, pinned in scripts/toolchains) and .tools/go-VERSION
# (GOPATH and module cache of `GOTOOLCHAIN=goVERSION go version`, which
# fetches that release from the Go module proxy).
# Idempotent: a second run does nothing and prints nothing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
want_test=0
want_tools=0
for a in "$@"; do
	case "$a" in
	--test) want_test=1 want_tools=1 ;;
	--toolchains) want_tools=1 ;;
	-h | --help)
		sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
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
	libmicrohttpd-dev              # traplab serve (/metrics), the SLO demo service
	libcurl4-openssl-dev           # push (Pushgateway), Prometheus queries, webhooks
	libssl-dev                     # SHA-256 (libcrypto) for the build cache key
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

# pip_zig FOLDER PYPI_VERSION: PyPI's ziglang into .tools/FOLDER.
pip_zig() {
	local dir="$root/.tools/$1"
	echo "deps: installing Zig $2 from PyPI (ziglang) into .tools/$1" >&2
	rm -rf "$dir"
	local pip=(python3 -m pip install --quiet --disable-pip-version-check
		--no-deps --target "$dir" "ziglang==$2")
	"${pip[@]}" 2>/dev/null || "${pip[@]}" --break-system-packages
	"$dir/ziglang/zig" version >/dev/null
}

# go_fetch VERSION: goVERSION from the Go module proxy into .tools/go-VERSION.
go_fetch() {
	local d="$root/.tools/go-$1" go
	go=$(command -v go || echo /usr/local/go/bin/go)
	echo "deps: installing go$1 from the Go module proxy into .tools/go-$1" >&2
	mkdir -p "$d"
	(cd "$d" && env GOTOOLCHAIN="go$1" GOPATH="$d" GOMODCACHE="$d/pkg/mod" \
		GOFLAGS=-modcacherw GOPROXY=https://proxy.golang.org,direct \
		"$go" version >/dev/null 2>&1)
}

# The toolchains to fetch, one job a line: "pip_zig FOLDER PYPI_VERSION"
# or "go_fetch VERSION". The pinned Zig is the user's PATH one when it is
# that version, else PyPI's.
tools=()
zig_version=$(tr -d ' \n' <"$root/scripts/zig.version")
zig="$root/.tools/zig/ziglang/zig"
if ! { command -v zig >/dev/null 2>&1 && [ "$(zig version 2>/dev/null)" = "$zig_version" ]; } &&
	! { [ -x "$zig" ] && [ "$("$zig" version 2>/dev/null)" = "$zig_version" ]; }; then
	tools+=("pip_zig zig $zig_version")
fi

# The extra toolchains (scripts/toolchains: "zig VERSION PYPI_VERSION
# [claims]", "go VERSION"): all of them with --toolchains, else only those
# marked "claims", which the default claims pass builds with (Zig 0.10.1:
# the article's async claims exist in no later release).
while read -r lang ver pypi mark; do
	[ "$want_tools" = 1 ] || [ "${mark:-}" = claims ] || continue
	case "$lang" in
	zig)
		z="$root/.tools/zig-$ver/ziglang/zig"
		[ -x "$z" ] && [ "$("$z" version 2>/dev/null)" = "$ver" ] && continue
		tools+=("pip_zig zig-$ver ${pypi:-$ver}")
		;;
	go)
		ls "$root/.tools/go-$ver"/pkg/mod/golang.org/toolchain@*-go"$ver".*/bin/go >/dev/null 2>&1 && continue
		tools+=("go_fetch $ver")
		;;
	esac
done < <(grep -v '^#' "$root/scripts/toolchains")

# Each toolchain is fetched in the background, beside apt-get when what
# it needs (pip, go) is already here: on a fresh machine the two Zigs
# took 13 s after apt-get, now they take none of the wall time. A failed
# one stops the script once the others are done.
pids=() started=()
start_tools() {
	local k
	for k in "${!tools[@]}"; do
		[ -z "${started[$k]:-}" ] || continue
		case "${tools[$k]}" in
		pip_zig*) python3 -m pip --version >/dev/null 2>&1 || continue ;;
		go_fetch*) have_go || continue ;;
		esac
		started[$k]=1
		# shellcheck disable=SC2086
		${tools[$k]} &
		pids+=($!)
	done
}
# Nothing is left running when the script stops early (apt-get failed).
stop_tools() {
	local pid
	for pid in "${pids[@]}"; do
		pkill -TERM -P "$pid" 2>/dev/null || true
		kill "$pid" 2>/dev/null || true
	done
}

if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" != 0 ]; then
	echo "traplab needs these Debian packages; as root run:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi
trap stop_tools EXIT
start_tools

if [ "${#missing[@]}" -gt 0 ]; then
	echo "deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

start_tools
fail=0
for pid in "${pids[@]}"; do
	wait "$pid" || fail=1
done
trap - EXIT
if [ "$fail" != 0 ] || [ "${#started[@]}" != "${#tools[@]}" ]; then
	echo "deps: a toolchain could not be installed (above)" >&2
	exit 1
fi
