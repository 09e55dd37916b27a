//! tlw-0.10.1.zig - the workload helper for Zig 0.10.1, staged as tlw.zig
//! when a variant is built by that release (toolchains: [0.10.1]).
//!
//! Zig 0.10.1 is the last release with async/await (built with -fstage1),
//! so it is here only for the variants that cannot exist later. It keeps
//! tlw.zig's names and protocol (workload/tlw.zig says what each does);
//! the differences are the release's: `main` takes no argument, so
//! `start()` reads the process's arguments itself and `Args` has no
//! `io`/`arena`; `gpa` is std.heap.page_allocator. Only what the 0.10.1
//! variants use is here.

const std = @import("std");

pub const max_params = 32;

pub const Args = struct {
    variant: []const u8,
    ops: u64,
    samples: u32,
    nparams: usize = 0,
    keys: [max_params][]const u8 = undefined,
    vals: [max_params][]const u8 = undefined,
    gpa: std.mem.Allocator = std.heap.page_allocator,

    pub fn str(a: *const Args, key: []const u8, def: []const u8) []const u8 {
        return a.strOrNull(key) orelse def;
    }

    pub fn int(a: *const Args, key: []const u8, def: i64) i64 {
        const s = a.strOrNull(key) orelse return def;
        return std.fmt.parseInt(i64, s, 0) catch
            die("param {s}='{s}' is not an integer", .{ key, s });
    }

    pub fn is(a: *const Args, variant: []const u8) bool {
        return std.mem.eql(u8, a.variant, variant);
    }

    pub fn run(a: *const Args, ctx: anytype, comptime batch: fn (@TypeOf(ctx), u64) void) void {
        var s: u32 = 0;
        while (s < a.samples) : (s += 1) {
            const t0 = now();
            batch(ctx, a.ops);
            const t1 = now();
            sample(t1 - t0, a.ops);
        }
    }

    fn strOrNull(a: *const Args, key: []const u8) ?[]const u8 {
        var i = a.nparams;
        while (i > 0) {
            i -= 1;
            if (std.mem.eql(u8, a.keys[i], key)) return a.vals[i];
        }
        return null;
    }
};

const Out = std.io.BufferedWriter(64 * 1024, std.fs.File.Writer);
var g_out: Out = undefined;
var g_started = false;

pub fn start() Args {
    g_out = .{ .unbuffered_writer = std.io.getStdOut().writer() };
    g_started = true;
    var it = std.process.args();
    const argv0 = it.next() orelse "workload";
    const variant = it.next();
    const ops_s = it.next();
    const samples_s = it.next();
    if (variant == null or ops_s == null or samples_s == null)
        die("usage: {s} VARIANT OPS SAMPLES [KEY=VALUE ...]", .{argv0});
    const ops = std.fmt.parseInt(u64, ops_s.?, 10) catch 0;
    if (ops == 0)
        die("OPS must be a positive integer, not '{s}'", .{ops_s.?});
    const samples = std.fmt.parseInt(u32, samples_s.?, 10) catch
        die("SAMPLES must be >= 0, not '{s}'", .{samples_s.?});
    var a: Args = .{ .variant = variant.?, .ops = ops, .samples = samples };
    while (it.next()) |p| {
        const eq = std.mem.indexOfScalar(u8, p, '=') orelse
            die("param '{s}' is not KEY=VALUE", .{p});
        if (eq == 0) die("param '{s}' is not KEY=VALUE", .{p});
        if (a.nparams == max_params) die("more than {d} params", .{max_params});
        a.keys[a.nparams] = p[0..eq];
        a.vals[a.nparams] = p[eq + 1 ..];
        a.nparams += 1;
    }
    return a;
}

/// Monotonic time in nanoseconds (CLOCK_MONOTONIC, vDSO).
pub fn now() u64 {
    var ts: std.os.timespec = undefined;
    std.os.clock_gettime(std.os.CLOCK.MONOTONIC, &ts) catch die("no monotonic clock", .{});
    return @intCast(u64, ts.tv_sec) * std.time.ns_per_s + @intCast(u64, ts.tv_nsec);
}

pub fn sample(ns: u64, ops: u64) void {
    line("sample {d} {d}\n", .{ ns, ops });
}

pub fn metric(name: []const u8, v: f64) void {
    line("metric {s} {d}\n", .{ name, v });
}

pub fn fact(name: []const u8, v: []const u8) void {
    line("fact {s} {s}\n", .{ name, v });
}

pub fn factInt(name: []const u8, v: i64) void {
    line("fact {s} {d}\n", .{ name, v });
}

fn line(comptime fmt: []const u8, args: anytype) void {
    g_out.writer().print(fmt, args) catch die("cannot write stdout", .{});
}

pub fn finish() void {
    g_out.flush() catch {
        std.io.getStdErr().writeAll("workload: cannot write stdout\n") catch {};
        std.process.exit(1);
    };
}

pub fn die(comptime fmt: []const u8, args: anytype) noreturn {
    if (g_started) {
        g_started = false;
        g_out.flush() catch {};
    }
    std.io.getStdErr().writer().print("workload: " ++ fmt ++ "\n", args) catch {};
    std.process.exit(2);
}

var sink_value: u64 = 0;

pub fn keep(v: u64) void {
    const p: *volatile u64 = &sink_value;
    p.* +%= v;
}
