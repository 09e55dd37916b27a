//! escape.zig - a function hands back three ints: where do they live?
//! (article 2.2, Zig side)
//!
//!   zig.caller_buf  the caller passes the buffer (the explicit lifetime
//!                   Zig asks for; returning &local does not compile, see
//!                   the c.probe facts)
//!   zig.alloc       the callee allocates from smp_allocator, the caller
//!                   frees: the heap made explicit
//!
//! One op: one call, the three values summed; the sum is checked after.
const std = @import("std");
const tlw = @import("tlw.zig");

pub const panic = tlw.panic; // workload/tlw.zig: no stack-trace printer

noinline fn fillCaller(dst: *[3]u32, base: u32) []u32 {
    dst.* = .{ base + 1, base + 2, base + 3 };
    return dst[0..];
}

noinline fn fillAlloc(ally: std.mem.Allocator, base: u32) []u32 {
    const x = ally.alloc(u32, 3) catch tlw.die("out of memory", .{});
    x[0] = base + 1;
    x[1] = base + 2;
    x[2] = base + 3;
    return x;
}

const Ctx = struct { sum: u64 = 0, expect: u64 = 0 };

fn runCaller(c: *Ctx, ops: u64) void {
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        const base: u32 = @truncate(i & 1023);
        var buf: [3]u32 = undefined;
        const x = fillCaller(&buf, base);
        tlw.keepAny(x.ptr);
        c.sum += x[0] + x[1] + x[2];
        c.expect += 3 * base + 6;
    }
}

fn runAlloc(c: *Ctx, ops: u64) void {
    const ally = std.heap.smp_allocator;
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        const base: u32 = @truncate(i & 1023);
        const x = fillAlloc(ally, base);
        tlw.keepAny(x.ptr);
        c.sum += x[0] + x[1] + x[2];
        c.expect += 3 * base + 6;
        ally.free(x);
    }
}

pub fn main(init: std.process.Init.Minimal) void {
    const a = tlw.start(init);
    var c: Ctx = .{};
    if (a.is("zig.caller_buf")) {
        a.run(&c, runCaller);
    } else if (a.is("zig.alloc")) {
        a.run(&c, runAlloc);
    } else tlw.die("unknown variant '{s}'", .{a.variant});
    if (c.sum != c.expect) tlw.die("sum {d}, expected {d}", .{ c.sum, c.expect });
    tlw.finish();
}
