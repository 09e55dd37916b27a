//! slice.zig - slice headers and a misaligned u32 load, Zig side
//! (article 2.3).
//!
//! Facts: zig_slice_header_bytes (@sizeOf([]u32)), zig_manyptr_bytes
//! (@sizeOf([*]u32)). One op is one u32 load through a `*align(1) const
//! u32` (Zig's way to say "may be misaligned": no copy, no check) from
//! one of 8 positions at the same offset in 8 pages, as in c/slice.c:
//!
//!   zig.aligned     offset 4032, aligned
//!   zig.split_line  offset 4030, straddles two cache lines
//!   zig.split_page  offset 4094, straddles two pages
//!
//! The loads are summed and checked against a byte-wise recomputation.
const std = @import("std");
const tlw = @import("tlw.zig");

pub const panic = tlw.panic; // workload/tlw.zig: no stack-trace printer

const page = 4096;
const npos = 8;

var buf: [(npos + 1) * page]u8 align(page) = undefined;

const Ctx = struct { pos: [npos]*align(1) const u32, sum: u64 = 0 };

fn run(c: *Ctx, ops: u64) void {
    var s: u64 = 0;
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        s += c.pos[i & (npos - 1)].*;
        if (i & (npos - 1) == npos - 1) tlw.clobber();
    }
    c.sum += s;
}

fn bytesValue(p: [*]const u8) u64 {
    return @as(u64, p[0]) | @as(u64, p[1]) << 8 | @as(u64, p[2]) << 16 | @as(u64, p[3]) << 24;
}

pub fn main(init: std.process.Init.Minimal) void {
    const a = tlw.start(init);
    const off: usize = if (a.is("zig.aligned"))
        4032
    else if (a.is("zig.split_line"))
        4030
    else if (a.is("zig.split_page"))
        4094
    else
        tlw.die("unknown variant '{s}'", .{a.variant});
    tlw.factInt("zig_slice_header_bytes", @sizeOf([]u32));
    tlw.factInt("zig_manyptr_bytes", @sizeOf([*]u32));
    for (&buf, 0..) |*b, k| b.* = @truncate(k * 7 + 3);
    var c: Ctx = .{ .pos = undefined };
    var per_round: u64 = 0;
    for (0..npos) |k| {
        const p: [*]const u8 = buf[k * page + off ..].ptr;
        c.pos[k] = @ptrCast(p);
        per_round += bytesValue(p);
    }
    a.run(&c, run);
    var want: u64 = 0;
    for (0..a.samples) |_| {
        want += a.ops / npos * per_round;
        for (0..a.ops % npos) |i| want += bytesValue(@ptrCast(c.pos[i]));
    }
    if (c.sum != want) tlw.die("sum {d}, expected {d}", .{ c.sum, want });
    tlw.finish();
}
