//! ffi.zig - Zig side of the ffi experiment (article 4.3).
//!
//!   zig.extern   ffi_add from c/ffi_lib.c, which zig build-exe compiles
//!                as a separate C object (no LTO: not inlined, a real call)
//!   zig.func     a Zig function called with @call(.never_inline, ...)
//!   zig.inline   a Zig function called with @call(.always_inline, ...)
//!   zig.extern.lto  ffi_add again, built with -flto so the linker may
//!                inline the "foreign" function: reported as its own case
//! One op = one call in a dependency chain; the batch loop keeps `a` in a
//! register through an empty asm so the sum cannot be closed-form.
const std = @import("std");
const tlw = @import("tlw.zig");

pub const panic = tlw.panic; // workload/tlw.zig: no stack-trace printer

extern fn ffi_add(a: u64, b: u64) u64;

fn addZig(a: u64, b: u64) u64 {
    return a +% b;
}

var acc: u64 = 0;

inline fn opaqueValue(v: u64) u64 {
    var x = v;
    asm volatile (""
        : [x] "+r" (x),
    );
    return x;
}

fn batchExtern(_: void, ops: u64) void {
    var a = acc;
    var i: u64 = 0;
    while (i < ops) : (i += 1) a = opaqueValue(ffi_add(a, i));
    acc = a;
}

fn batchFunc(_: void, ops: u64) void {
    var a = acc;
    var i: u64 = 0;
    while (i < ops) : (i += 1) a = opaqueValue(@call(.never_inline, addZig, .{ a, i }));
    acc = a;
}

fn batchInline(_: void, ops: u64) void {
    var a = acc;
    var i: u64 = 0;
    while (i < ops) : (i += 1) a = opaqueValue(@call(.always_inline, addZig, .{ a, i }));
    acc = a;
}

pub fn main(init: std.process.Init.Minimal) u8 {
    var a = tlw.start(init);
    // Each requested sample becomes `lines` short batches (see ffi.c).
    const lines = a.int("lines", 100);
    if (lines < 1 or lines > 1_000_000) tlw.die("lines must be in 1..1000000", .{});
    a.samples *= @intCast(lines);
    tlw.fact("clock", "CLOCK_MONOTONIC");
    if (a.is("zig.extern") or a.is("zig.extern.lto")) {
        a.run({}, batchExtern);
    } else if (a.is("zig.func")) {
        a.run({}, batchFunc);
    } else if (a.is("zig.inline")) {
        a.run({}, batchInline);
    } else tlw.die("unknown variant '{s}'", .{a.variant});
    const want: u64 = @as(u64, a.samples) *% (a.ops *% (a.ops - 1) / 2);
    if (acc != want) tlw.die("wrong result {d}, want {d}", .{ acc, want });
    tlw.keep(acc);
    tlw.finish();
    return 0;
}
