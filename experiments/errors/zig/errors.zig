//! errors.zig - an error travelling up a 3-deep call chain, Zig side
//! (article 1.3 and 2.5).
//!
//! One op parses one record of the shared input (see c/errors.c: 4096
//! records from splitmix64 seed 42, identical in every language; fact
//! input_fnv1a) through parseRecord -> parseField -> parseDigits, all
//! noinline, with `!u32` error unions and `try`.
//!
//!   zig.try       ReleaseFast
//!   zig.try_safe  ReleaseSafe (safety checks and error return traces on)
//!
//! The parsed sum and error count are checked after the batches.
const std = @import("std");
const tlw = @import("tlw.zig");

pub const panic = tlw.panic; // workload/tlw.zig: no stack-trace printer

const nrec = 4096;

const Input = struct {
    rec: [nrec][8]u8 = std.mem.zeroes([nrec][8]u8),
    ok_sum: u64 = 0,
    nbad: u64 = 0,
    ok_before: [nrec]u64 = undefined,
    bad_before: [nrec]u64 = undefined,
};

fn splitmix64(s: *u64) u64 {
    s.* +%= 0x9e3779b97f4a7c15;
    var z = s.*;
    z = (z ^ (z >> 30)) *% 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) *% 0x94d049bb133111eb;
    return z ^ (z >> 31);
}

fn makeInput(in: *Input, rate: f64) void {
    var s: u64 = 42;
    const threshold: u64 = @intFromFloat(rate * 9007199254740992.0);
    var h: u64 = 0xcbf29ce484222325;
    for (0..nrec) |i| {
        const value = splitmix64(&s) % 1000000;
        const r2 = splitmix64(&s);
        const r3 = splitmix64(&s);
        var d: [8]u8 = undefined;
        const digits = std.fmt.bufPrint(&d, "{d}", .{value}) catch unreachable;
        in.ok_before[i] = in.ok_sum;
        in.bad_before[i] = in.nbad;
        @memcpy(in.rec[i][0..digits.len], digits);
        in.rec[i][7] = @intCast(digits.len);
        if (r2 >> 11 < threshold) {
            in.rec[i][r3 % digits.len] = 'x';
            in.nbad += 1;
        } else {
            in.ok_sum += value;
        }
        for (in.rec[i]) |b| {
            h ^= b;
            h *%= 0x100000001b3;
        }
    }
    var hex: [16]u8 = undefined;
    _ = std.fmt.bufPrint(&hex, "{x:0>16}", .{h}) catch unreachable;
    tlw.fact("input_fnv1a", &hex);
}

const ParseError = error{ InvalidCharacter, Overflow };

noinline fn parseDigits(s: []const u8) ParseError!u32 {
    var v: u32 = 0;
    for (s) |c| {
        if (c < '0' or c > '9') return error.InvalidCharacter;
        v = v * 10 + (c - '0');
    }
    return v;
}

noinline fn parseField(s: []const u8) ParseError!u32 {
    const v = try parseDigits(s);
    if (v > 999999) return error.Overflow;
    return v;
}

noinline fn parseRecord(rec: *const [8]u8) ParseError!u32 {
    return try parseField(rec[0..rec[7]]);
}

const Ctx = struct {
    in: *const Input,
    sum: u64 = 0,
    nerr: u64 = 0,
    want_sum: u64 = 0,
    want_err: u64 = 0,
};

fn run(c: *Ctx, ops: u64) void {
    var s: u64 = 0;
    var e: u64 = 0;
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        if (parseRecord(&c.in.rec[i & (nrec - 1)])) |v| {
            s += v;
        } else |_| {
            e += 1;
        }
    }
    c.sum += s;
    c.nerr += e;
    c.want_sum += ops / nrec * c.in.ok_sum + c.in.ok_before[ops % nrec];
    c.want_err += ops / nrec * c.in.nbad + c.in.bad_before[ops % nrec];
}

var input: Input = .{};

pub fn main(init: std.process.Init.Minimal) void {
    const a = tlw.start(init);
    if (!a.is("zig.try") and !a.is("zig.try_safe"))
        tlw.die("unknown variant '{s}'", .{a.variant});
    const rate = a.float("error_rate", 0.1);
    if (!(rate >= 0 and rate <= 1)) tlw.die("error_rate must be within 0..1", .{});
    makeInput(&input, rate);
    var c: Ctx = .{ .in = &input };
    a.run(&c, run);
    if (c.sum != c.want_sum or c.nerr != c.want_err)
        tlw.die("parsed sum {d} errors {d}, expected {d} and {d}", .{ c.sum, c.nerr, c.want_sum, c.want_err });
    tlw.metric("error_fraction", @as(f64, @floatFromInt(input.nbad)) / nrec);
    tlw.keep(c.sum);
    tlw.finish();
}
