//! json.zig - serialise records of a 6-field struct with std.json's
//! Stringify (comptime @typeInfo-driven: the field walk is unrolled at
//! compile time), variant zig.std_json. Param records=N (default 1000).
//!
//! Records come from the generator shared with the C and Go workloads
//! (splitmix64 from seed 0x5eed, same recipe), so output_bytes and
//! output_fnv1a64 (the N records, one per line) must equal theirs. One
//! operation serialises one record, cycling through the N, into a reused
//! fixed buffer (std.Io.Writer.fixed).
//!
//! code_bytes: the size of the noinline function serialising one record
//! (std.json inlined into it under ReleaseFast) plus every out-of-line
//! function whose name holds "json.Stringify.", from this executable's
//! ELF .symtab.

const std = @import("std");
const tlw = @import("tlw.zig");

pub const panic = tlw.panic; // workload/tlw.zig: no stack-trace printer

const Record = struct {
    id: i64,
    name: []const u8,
    email: []const u8,
    age: i32,
    balance: i64,
    active: bool,
};

const Splitmix = struct {
    s: u64,
    fn next(r: *Splitmix) u64 {
        r.s +%= 0x9e3779b97f4a7c15;
        var z = r.s;
        z = (z ^ (z >> 30)) *% 0xbf58476d1ce4e5b9;
        z = (z ^ (z >> 27)) *% 0x94d049bb133111eb;
        return z ^ (z >> 31);
    }
};

fn makeRecords(a: *const tlw.Args, n: usize) []Record {
    const first = [8][]const u8{ "Ann", "Bob", "Chen", "Dana", "José", "Eve", "Kai", "Lu" };
    const last = [8][]const u8{ "Smith", "O\"Neil", "Back\\Slash", "Tab\tTer", "Nguyen", "Li", "Müller", "Kowalski" };
    const rs = a.arena.alloc(Record, n) catch tlw.die("out of memory", .{});
    var rng: Splitmix = .{ .s = 0x5eed };
    for (rs, 0..) |*r, i| {
        r.id = @intCast(rng.next() >> 1);
        const f = first[rng.next() % 8];
        const l = last[rng.next() % 8];
        r.name = std.fmt.allocPrint(a.arena, "{s} {s}", .{ f, l }) catch tlw.die("out of memory", .{});
        r.email = std.fmt.allocPrint(a.arena, "user{d}@example.com", .{i}) catch tlw.die("out of memory", .{});
        r.age = @intCast(rng.next() % 100);
        r.balance = @as(i64, @intCast(rng.next() % 2000001)) - 1000000;
        r.active = rng.next() & 1 != 0;
    }
    return rs;
}

/// One record into buf; returns the bytes written, or null on overflow.
noinline fn serialiseRecord(r: *const Record, buf: []u8) ?usize {
    var w: std.Io.Writer = .fixed(buf);
    std.json.Stringify.value(r.*, .{}, &w) catch return null;
    return w.end;
}

const Ctx = struct {
    recs: []const Record,
    next: usize = 0,
    buf: [4096]u8 = undefined,
    bytes: u64 = 0,
    failed: bool = false,

    fn batch(c: *Ctx, ops: u64) void {
        var i = c.next;
        var bytes: u64 = 0;
        var n = ops;
        while (n > 0) : (n -= 1) {
            if (serialiseRecord(&c.recs[i], &c.buf)) |len| bytes += len else c.failed = true;
            tlw.keepAny(&c.buf);
            i += 1;
            if (i == c.recs.len) i = 0;
        }
        c.next = i;
        c.bytes += bytes;
    }
};

/// serialiseRecord must have a symbol; out-of-line std.json.Stringify
/// functions may not exist (all inlined).
fn codeBytes(a: *const tlw.Args) !u64 {
    const own = a.codeBytes(&.{"serialiseRecord"}) catch |e|
        return if (e == error.NoSymbols) error.NoSerialiseSymbol else e;
    const lib = a.codeBytes(&.{"json.Stringify."}) catch |e|
        if (e == error.NoSymbols) 0 else return e;
    return own + lib;
}

pub fn main(init: std.process.Init.Minimal) void {
    const a = tlw.start(init);
    if (!a.is("zig.std_json")) tlw.die("unknown variant '{s}'", .{a.variant});
    const n_i = a.int("records", 1000);
    if (n_i < 1 or n_i > 10000000) tlw.die("records={d} out of range 1..10000000", .{n_i});
    const n: usize = @intCast(n_i);

    var c: Ctx = .{ .recs = makeRecords(&a, n) };
    const t0 = tlw.now();
    a.run(&c, Ctx.batch);
    const t1 = tlw.now();
    if (c.failed) {
        std.debug.print("json: a record did not serialise\n", .{});
        std.process.exit(1);
    }
    if (a.samples > 0 and t1 > t0)
        tlw.metric("mb_per_s", @as(f64, @floatFromInt(c.bytes)) * 1e3 / @as(f64, @floatFromInt(t1 - t0)));

    // The check: FNV-1a 64 of the N records, one per line.
    var h: u64 = 0xcbf29ce484222325;
    var total: u64 = 0;
    const dump = a.int("dump", 0) != 0;
    for (c.recs) |*r| {
        var len = serialiseRecord(r, c.buf[0 .. c.buf.len - 1]) orelse {
            std.debug.print("json: a record did not serialise\n", .{});
            std.process.exit(1);
        };
        c.buf[len] = '\n';
        len += 1;
        if (dump) std.debug.print("{s}", .{c.buf[0..len]});
        for (c.buf[0..len]) |ch| {
            h ^= ch;
            h *%= 0x100000001b3;
        }
        total += len;
    }
    var hex: [16]u8 = undefined;
    _ = std.fmt.bufPrint(&hex, "{x:0>16}", .{h}) catch unreachable;
    tlw.factInt("records", n_i);
    tlw.factInt("output_bytes", @intCast(total));
    tlw.fact("output_fnv1a64", &hex);
    if (codeBytes(&a)) |b| {
        tlw.factInt("code_bytes", @intCast(b));
        tlw.fact("code_bytes_method", "ELF .symtab of own executable: serialiseRecord (std.json inlined into it) + out-of-line std.json.Stringify functions");
    } else |err| {
        var buf: [128]u8 = undefined;
        const v = std.fmt.bufPrint(&buf, "absent:{s}", .{@errorName(err)}) catch "absent:symtab";
        tlw.fact("code_bytes", v);
    }
    tlw.finish();
}
