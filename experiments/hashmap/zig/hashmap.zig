//! hashmap.zig - insert then look up N keys with Zig's comptime-specialised
//! hash maps: std.StringHashMap(i64) (variant zig.string_hash_map) and
//! std.AutoHashMap(u64, i64) (variant zig.auto_hash_map). Param keys=N.
//!
//! One operation is one round: clear the map (keeping its capacity, which
//! was reserved for N keys before timing), insert the N keys (value =
//! index), then look every key up and sum the values. Keys are the same as
//! the C and Go workloads': splitmix64 finaliser of the index, as u64 or as
//! 16 lowercase hex digits. The last round's count and sum are checked
//! after timing (exit 1 when wrong).
//!
//! code_bytes: sizes of functions from this executable's ELF .symtab: the
//! round function (into which ReleaseFast inlines put, get, clear and, for
//! u64 keys, the hash), the map type's out-of-line functions
//! (hash_map.Custom(<key>,i64,...), e.g. grow) and, for strings, the
//! out-of-line Wyhash.hash and mem.eql that the round calls.
//! code_bytes_per_type leaves out those last two, which other instances
//! share. The round's own loop is counted too, which code_bytes_method says.

const std = @import("std");
const tlw = @import("tlw.zig");

pub const panic = tlw.panic; // workload/tlw.zig: no stack-trace printer

fn mix64(x0: u64) u64 {
    var x = x0;
    x ^= x >> 30;
    x *%= 0xbf58476d1ce4e5b9;
    x ^= x >> 27;
    x *%= 0x94d049bb133111eb;
    x ^= x >> 31;
    return x;
}

fn Ctx(comptime Map: type, comptime K: type) type {
    return struct {
        map: Map,
        keys: []const K,
        count: usize = 0,
        sum: i64 = 0,
        failed: bool = false,

        const Self = @This();

        // noinline: one round is one symbol, so the map code inlined into
        // it can be told apart from the map's own out-of-line functions.
        noinline fn round(c: *Self) void {
            c.map.clearRetainingCapacity();
            for (c.keys, 0..) |k, i| c.map.putAssumeCapacity(k, @intCast(i));
            var sum: i64 = 0;
            for (c.keys) |k| {
                if (c.map.get(k)) |v| sum += v else c.failed = true;
            }
            c.count = c.map.count();
            c.sum = sum;
        }

        fn batch(c: *Self, ops: u64) void {
            var n = ops;
            while (n > 0) : (n -= 1) c.round();
            tlw.keep(@bitCast(c.sum));
        }
    };
}

fn run(comptime Map: type, comptime K: type, a: *const tlw.Args, keys: []const K, own: []const []const u8, shared: []const []const u8, method: []const u8) void {
    const C = Ctx(Map, K);
    var c: C = .{ .map = Map.init(a.gpa), .keys = keys };
    c.map.ensureTotalCapacity(@intCast(keys.len)) catch tlw.die("out of memory", .{});
    a.run(&c, C.batch);
    const n = keys.len;
    const want: i64 = @intCast(n * (n - 1) / 2);
    if (c.failed or (a.samples > 0 and (c.count != n or c.sum != want))) {
        std.debug.print("hashmap: wrong result: count {d} sum {d} (want {d}, {d})\n", .{ c.count, c.sum, n, want });
        std.process.exit(1);
    }
    tlw.factInt("keys_per_op", @intCast(n));
    if (a.codeBytes(own)) |b| {
        const s = if (shared.len > 0) a.codeBytes(shared) catch 0 else 0;
        tlw.factInt("code_bytes", @intCast(b + s));
        tlw.factInt("code_bytes_per_type", @intCast(b));
        tlw.fact("code_bytes_method", method);
    } else |err| {
        var buf: [128]u8 = undefined;
        const v = std.fmt.bufPrint(&buf, "absent:{s}", .{@errorName(err)}) catch "absent:symtab";
        tlw.fact("code_bytes", v);
    }
}

pub fn main(init: std.process.Init.Minimal) void {
    const a = tlw.start(init);
    const n_i = a.int("keys", 1000000);
    if (n_i < 1 or n_i > 100000000) tlw.die("keys={d} out of range 1..100000000", .{n_i});
    const n: usize = @intCast(n_i);

    if (a.is("zig.auto_hash_map")) {
        const keys = a.arena.alloc(u64, n) catch tlw.die("out of memory", .{});
        for (keys, 0..) |*k, i| k.* = mix64(i);
        run(std.AutoHashMap(u64, i64), u64, &a, keys, &.{ "hashmap.Ctx(hash_map.HashMap(u64,", "hash_map.Custom(u64,i64," }, &.{}, "ELF .symtab of own executable: the round function (put/get/clear/hash inlined, loop included) + hash_map.Custom(u64,i64,...) functions");
    } else if (a.is("zig.string_hash_map")) {
        const keys = a.arena.alloc([]const u8, n) catch tlw.die("out of memory", .{});
        const text = a.arena.alloc(u8, n * 16) catch tlw.die("out of memory", .{});
        for (keys, 0..) |*k, i| {
            const s = text[i * 16 ..][0..16];
            _ = std.fmt.bufPrint(s, "{x:0>16}", .{mix64(i)}) catch unreachable;
            k.* = s;
        }
        run(std.StringHashMap(i64), []const u8, &a, keys, &.{ "hashmap.Ctx(hash_map.HashMap([]const u8,", "hash_map.Custom([]const u8,i64," }, &.{ "hash.wyhash.Wyhash.hash", "mem.eql__" }, "ELF .symtab of own executable: the round function (put/get/clear inlined, loop included) + hash_map.Custom([]const u8,i64,...) functions + (shared, not per type) Wyhash.hash and mem.eql called by the round");
    } else {
        tlw.die("unknown variant '{s}'", .{a.variant});
    }
    tlw.finish();
}
