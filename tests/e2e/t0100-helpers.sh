#!/usr/bin/env bash
# t0100-helpers.sh - the Go and Zig workload helpers (workload/tlw.go,
# workload/tlw.zig) speak the protocol.
#
# Builds a tiny workload in each language the way the harness does (a
# staged folder holding the workload and the helper; go.mod "module tlwork";
# `zig build-exe -O MODE -femit-bin=BIN root.zig`), runs it as
# `BIN v 100 3 k=5` and checks that stdout is exactly three well-formed
# sample lines of 100 ops followed by the metric and fact lines the
# workload asked for. Malformed arguments must give exit 2, a
# "workload: ..." message on stderr and nothing on stdout.
# Exits 77 (skip) when go or zig is missing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

go=${TL_GO:-$(command -v go || true)}
[ -n "$go" ] || [ ! -x /usr/local/go/bin/go ] || go=/usr/local/go/bin/go
zig=${TL_ZIG:-$root/.tools/zig/ziglang/zig}
if [ -z "$go" ] || [ ! -x "$go" ]; then
	echo "skip: go not found (set TL_GO)"
	exit 77
fi
if [ ! -x "$zig" ]; then
	echo "skip: zig not found at $zig (set TL_ZIG or run scripts/deps.sh)"
	exit 77
fi

# The output every workload below must print for `v 100 3 k=5 f=0.25`.
want_tail='metric k 5
metric half 0.125
fact variant v'

# check_good LABEL BIN: runs BIN on good arguments and checks its stdout.
check_good() {
	local label=$1 bin=$2 out n
	"$bin" v 100 3 k=5 f=0.25 >"$tmp/out" 2>"$tmp/err" ||
		fail "$label: exit $? ($(cat "$tmp/err"))"
	out=$(cat "$tmp/out")
	n=$(grep -c '' "$tmp/out")
	[ "$n" -eq 6 ] || fail "$label: $n lines, want 6:
$out"
	head -n 3 "$tmp/out" | grep -Evq '^sample [1-9][0-9]* 100$' &&
		fail "$label: malformed sample line in:
$out"
	[ "$(tail -n 3 "$tmp/out")" = "$want_tail" ] ||
		fail "$label: metric/fact lines differ:
$out"
	[ ! -s "$tmp/err" ] || fail "$label: unexpected stderr: $(cat "$tmp/err")"
	echo "ok: $label"
}

# check_bad LABEL BIN ARGS...: malformed arguments give exit 2, a message
# on stderr and nothing on stdout.
check_bad() {
	local label=$1 bin=$2 rc=0
	shift 2
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "$label [$*]: exit $rc, want 2"
	[ ! -s "$tmp/out" ] || fail "$label [$*]: stdout not empty: $(cat "$tmp/out")"
	grep -q '^workload: ' "$tmp/err" ||
		fail "$label [$*]: no 'workload:' message on stderr"
}

check_all() {
	local label=$1 bin=$2
	check_good "$label" "$bin"
	check_bad "$label" "$bin"
	check_bad "$label" "$bin" v
	check_bad "$label" "$bin" v 0 3
	check_bad "$label" "$bin" v x 3
	check_bad "$label" "$bin" v 100 -1
	check_bad "$label" "$bin" v 100 3 novalue
	check_bad "$label" "$bin" v 100 3 =5
	check_bad "$label" "$bin" v 100 0 k=five
	echo "ok: $label bad arguments"
}

# ---- Go --------------------------------------------------------------
mkdir "$tmp/go"
cp "$root"/workload/tlw.go "$root"/workload/tlw_amd64.go "$root"/workload/tlw_amd64.s \
	"$root"/workload/tlw_noasm.go "$tmp/go/"
printf 'module tlwork\n\ngo 1.22\n' >"$tmp/go/go.mod"
cat >"$tmp/go/w.go" <<'EOF'
package main

type node struct{ v uint64 }

func main() {
	w := tlwArgs()
	k := w.Int("k", 1)
	f := w.Float("f", 1)
	var acc uint64
	batch := func(ops uint64) {
		for i := uint64(0); i < ops; i++ {
			n := &node{v: i * uint64(k)}
			tlwSinkPtr = n
			acc += n.v
		}
		tlwKeep(acc)
	}
	w.Run(batch)
	if want := uint64(w.Samples) * uint64(k) * w.Ops * (w.Ops - 1) / 2; acc != want {
		tlwDie("acc %d, want %d", acc, want)
	}
	if a := tlwAllocsPerOp(batch, 1000); a < 0.9 || a > 1.5 {
		tlwDie("allocs_per_op %g, want about 1", a)
	}
	tlwMetric("k", float64(k))
	tlwMetric("half", f/2)
	tlwFact("variant", w.Variant)
	tlwFinish()
}
EOF
(cd "$tmp/go" && GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GOWORK=off \
	GOAMD64=v1 "$go" build -trimpath -o "$tmp/wgo" .) ||
	fail "go build failed"
check_all go "$tmp/wgo"

# ---- Zig -------------------------------------------------------------
mkdir "$tmp/zig"
cp "$root/workload/tlw.zig" "$tmp/zig/"
cat >"$tmp/zig/w.zig" <<'EOF'
const std = @import("std");
const tlw = @import("tlw.zig");

const Ctx = struct { k: u64, acc: u64 = 0 };

fn batch(c: *Ctx, ops: u64) void {
    var i: u64 = 0;
    while (i < ops) : (i += 1) c.acc +%= i * c.k;
    tlw.keep(c.acc);
}

fn batchPtr(p: *anyopaque, ops: u64) void {
    batch(@ptrCast(@alignCast(p)), ops);
}

pub fn main(init: std.process.Init) void {
    const a = tlw.start(init);
    const k = a.int("k", 1);
    const f = a.float("f", 1);
    var c: Ctx = .{ .k = @intCast(k) };
    if (a.is("ptr")) a.runPtr(&c, batchPtr) else a.run(&c, batch);
    const want = a.samples * c.k * a.ops * (a.ops - 1) / 2;
    if (c.acc != want) tlw.die("acc {d}, want {d}", .{ c.acc, want });
    var ca = tlw.CountingAllocator.init(a.gpa);
    const al = ca.allocator();
    al.destroy(al.create(u64) catch tlw.die("out of memory", .{}));
    if (ca.allocs != 1 or ca.frees != 1) tlw.die("counting allocator: {d} {d}", .{ ca.allocs, ca.frees });
    tlw.metric("k", @floatFromInt(k));
    tlw.metric("half", f / 2);
    tlw.fact("variant", a.variant);
    tlw.finish();
}
EOF
for m in Debug:-lc ReleaseFast:; do
	mode=${m%%:*}
	lc=${m#*:}
	(cd "$tmp/zig" && "$zig" build-exe -O "$mode" -femit-bin="$tmp/wzig-$mode" \
		w.zig $lc) || fail "zig build-exe -O $mode $lc failed"
	check_all "zig $mode $lc" "$tmp/wzig-$mode"
done
echo "t0100-helpers: all passed"
