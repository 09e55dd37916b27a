//! defer.zig - the cost of running cleanup at scope exit, Zig side
//! (article 2.4).
//!
//! One op is one call of a noinline function that takes a lock-like
//! resource, does a little work that reads it, may leave early (one call
//! in 256) and must release it on every path; see c/defer.c.
//!
//!   zig.none        release written out before each return
//!   zig.defer       `defer unlock(r)`: expanded at each exit at compile time
//!   zig.loop_defer  n resources taken in a loop, held until return: Zig's
//!                   defer is block-scoped (a defer in the loop body would
//!                   run every iteration), so one defer after the loop
//!                   releases all n; the body checks all n are held
//!
//! The sum seen by the body, held == 0 and the release count are checked
//! after the batches.
const std = @import("std");
const tlw = @import("tlw.zig");

pub const panic = tlw.panic; // workload/tlw.zig: no stack-trace printer

const Res = struct { held: u64 = 0, released: u64 = 0 };

inline fn lock(r: *Res) void {
    r.held += 1;
}

inline fn unlock(r: *Res) void {
    r.held -= 1;
    r.released += 1;
}

noinline fn fNone(r: *Res, x: u64) u64 {
    lock(r);
    var v = x *% 3 +% r.held;
    if (x & 255 == 255) {
        unlock(r);
        return v;
    }
    v ^= x >> 3;
    unlock(r);
    return v;
}

noinline fn fDefer(r: *Res, x: u64) u64 {
    lock(r);
    defer unlock(r);
    var v = x *% 3 +% r.held;
    if (x & 255 == 255) return v;
    v ^= x >> 3;
    return v;
}

var nloop: u64 = 8;

noinline fn fLoopDefer(r: *Res, x: u64) u64 {
    var j: u64 = 0;
    while (j < nloop) : (j += 1) lock(r);
    defer {
        var k: u64 = 0;
        while (k < nloop) : (k += 1) unlock(r);
    }
    return x *% 3 +% r.held;
}

const Ctx = struct {
    f: *const fn (*Res, u64) u64,
    r: Res = .{},
    sum: u64 = 0,
    calls: u64 = 0,
};

fn run(c: *Ctx, ops: u64) void {
    var s: u64 = 0;
    var i: u64 = 0;
    while (i < ops) : (i += 1) s +%= c.f(&c.r, i);
    c.sum +%= s;
    c.calls += ops;
}

fn expected(ops: u64, held_inside: u64, samples: u32) u64 {
    var sum: u64 = 0;
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        var v = i *% 3 +% held_inside;
        if (held_inside == 1 and i & 255 != 255) v ^= i >> 3;
        sum +%= v;
    }
    return sum *% samples;
}

pub fn main(init: std.process.Init.Minimal) void {
    const a = tlw.start(init);
    const n = a.int("n", 8);
    if (n < 1 or n > 128) tlw.die("n must be within 1..128", .{});
    nloop = @intCast(n);
    var per_call: u64 = 1;
    var c: Ctx = .{ .f = &fNone };
    if (a.is("zig.none")) {
        c.f = &fNone;
    } else if (a.is("zig.defer")) {
        c.f = &fDefer;
    } else if (a.is("zig.loop_defer")) {
        c.f = &fLoopDefer;
        per_call = nloop;
    } else tlw.die("unknown variant '{s}'", .{a.variant});
    a.run(&c, run);
    if (c.r.held != 0 or c.r.released != c.calls * per_call or c.sum != expected(a.ops, per_call, a.samples))
        tlw.die("held {d} released {d} sum {d}: cleanup went wrong", .{ c.r.held, c.r.released, c.sum });
    tlw.finish();
}
