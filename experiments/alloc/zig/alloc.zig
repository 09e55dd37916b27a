//! alloc.zig - one short-lived heap allocation, Zig side (article 2.1).
//!
//! One op, as in c/alloc.c: get `size` bytes, write their first and last
//! byte, publish the pointer through an optimizer barrier, read the two
//! bytes back, and give the memory back. The variant picks the allocator:
//!
//!   zig.gpa          std.heap.DebugAllocator(.{}) (the former
//!                    GeneralPurposeAllocator), alloc + free
//!   zig.smp          std.heap.smp_allocator, alloc + free
//!   zig.c_allocator  std.heap.c_allocator (libc malloc), alloc + free
//!   zig.arena        ArenaAllocator over page_allocator: no free; reset
//!                    (.retain_capacity) after as many ops as fill 1 MiB,
//!                    the same rule as c.bump
//!   zig.fba          FixedBufferAllocator over a 1 MiB buffer: no free;
//!                    reset when an allocation fails
//!
//! The bytes read back are summed and checked after the timed batches.
const std = @import("std");
const tlw = @import("tlw.zig");

pub const panic = tlw.panic; // workload/tlw.zig: no stack-trace printer

const region_bytes = 1 << 20;

const Ctx = struct {
    size: usize,
    ally: std.mem.Allocator,
    sum: u64 = 0,
    expect: u64 = 0,
    seq: u64 = 0,
    /// zig.arena: allocations per 1 MiB region, and how many are out.
    per_region: u64 = 0,
    in_region: u64 = 0,
    arena: ?*std.heap.ArenaAllocator = null,
    fba: ?*std.heap.FixedBufferAllocator = null,
};

inline fn touch(c: *Ctx, p: []u8) void {
    const b: u8 = @truncate(c.seq);
    c.seq += 1;
    p[0] = b;
    p[p.len - 1] = b;
    tlw.keepAny(p.ptr);
    tlw.clobber();
    c.sum += @as(u64, p[0]) + p[p.len - 1];
    c.expect += 2 * @as(u64, b);
}

fn runFree(c: *Ctx, ops: u64) void {
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        const p = c.ally.alloc(u8, c.size) catch tlw.die("alloc({d}) failed", .{c.size});
        touch(c, p);
        c.ally.free(p);
    }
}

fn runArena(c: *Ctx, ops: u64) void {
    const arena = c.arena.?;
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        if (c.in_region == c.per_region) {
            _ = arena.reset(.retain_capacity);
            c.in_region = 0;
        }
        const p = c.ally.alloc(u8, c.size) catch tlw.die("arena alloc failed", .{});
        c.in_region += 1;
        touch(c, p);
    }
}

fn runFba(c: *Ctx, ops: u64) void {
    const fba = c.fba.?;
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        const p = c.ally.alloc(u8, c.size) catch blk: {
            fba.reset();
            break :blk c.ally.alloc(u8, c.size) catch tlw.die("fba alloc failed", .{});
        };
        touch(c, p);
    }
}

pub fn main(init: std.process.Init.Minimal) void {
    const a = tlw.start(init);
    const size_i = a.int("size", 64);
    if (size_i < 1 or size_i > region_bytes) tlw.die("size={d} out of range 1..{d}", .{ size_i, region_bytes });
    const size: usize = @intCast(size_i);

    var debug: std.heap.DebugAllocator(.{}) = .init;
    var arena = std.heap.ArenaAllocator.init(std.heap.page_allocator);
    var fba_buf: []u8 = &.{};
    var fba: std.heap.FixedBufferAllocator = undefined;
    var c: Ctx = .{ .size = size, .ally = undefined };

    if (a.is("zig.gpa")) {
        c.ally = debug.allocator();
        a.run(&c, runFree);
    } else if (a.is("zig.smp")) {
        c.ally = std.heap.smp_allocator;
        a.run(&c, runFree);
    } else if (a.is("zig.c_allocator")) {
        c.ally = std.heap.c_allocator;
        a.run(&c, runFree);
    } else if (a.is("zig.arena")) {
        c.ally = arena.allocator();
        c.arena = &arena;
        c.per_region = @max(1, region_bytes / ((size + 15) & ~@as(usize, 15)));
        a.run(&c, runArena);
    } else if (a.is("zig.fba")) {
        fba_buf = std.heap.page_allocator.alloc(u8, region_bytes) catch tlw.die("out of memory", .{});
        fba = std.heap.FixedBufferAllocator.init(fba_buf);
        c.ally = fba.allocator();
        c.fba = &fba;
        a.run(&c, runFba);
    } else {
        tlw.die("unknown variant '{s}'", .{a.variant});
    }
    if (c.sum != c.expect) tlw.die("read back {d}, expected {d}", .{ c.sum, c.expect });
    if (debug.deinit() == .leak) tlw.die("DebugAllocator reports a leak", .{});
    arena.deinit();
    if (fba_buf.len != 0) std.heap.page_allocator.free(fba_buf);
    tlw.finish();
}
