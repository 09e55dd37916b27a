//! tasks.zig - Zig side of the tasks experiment (article 3.1).
//!
//! Creation variants (one op = one task created, started and parked; a
//! sample creates `tasks` of them; teardown is not timed):
//!   zig.thread         std.Thread.spawn (default 16 MiB virtual stack, or
//!                      stack_kib), parked on a futex (io.futexWait)
//!   zig.thread.nosigstack  the same built from tasks_nosigstack.zig, whose
//!                      std_options turn off the per-thread 256 KiB
//!                      alternate signal stack (signal_stack_size = null)
//!   zig.io_concurrent  std.Io.Group.concurrent on the std.Io.Threaded
//!                      that std.process.Init gives: what "async" is in
//!                      Zig 0.17. Each concurrent task gets an OS thread
//!                      from the pool, so a parked task is a parked thread.
//! Switch variant (one op = one switch, a round trip is two; OPS unused:
//! a sample line is `batch` switches, each requested sample `lines` lines):
//!   zig.switch.thread  two threads hand a turn over with futexWait/Wake
//!
//! zig.io_concurrent also records what the installed Zig offers for async
//! as facts: a compile probe (TL_ZIG, in TL_WORKDIR) of the old
//! `async`/`await` keyword syntax, whether std.Io has async/concurrent,
//! and whether std.Io.Evented (fibers on io_uring) compiles. A missing
//! facility is a fact, never a failure.
const std = @import("std");
const tlw = @import("tlw.zig");

pub const panic = tlw.panic; // workload/tlw.zig: no stack-trace printer

var started = std.atomic.Value(u32).init(0);
var release_word: u32 = 0;
var g_io: std.Io = undefined;

fn parked() void {
    _ = started.fetchAdd(1, .monotonic);
    while (@atomicLoad(u32, &release_word, .acquire) == 0)
        g_io.futexWaitUncancelable(u32, &release_word, 0);
}

fn parkedTask() std.Io.Cancelable!void {
    parked();
}

fn rssBytes(io: std.Io) ?u64 {
    var buf: [256]u8 = undefined;
    const s = std.Io.Dir.cwd().readFile(io, "/proc/self/statm", &buf) catch return null;
    var it = std.mem.tokenizeScalar(u8, s, ' ');
    _ = it.next() orelse return null;
    const res = it.next() orelse return null;
    const pages = std.fmt.parseInt(u64, res, 10) catch return null;
    return pages * std.heap.pageSize();
}

fn waitStarted(n: u32) void {
    while (started.load(.monotonic) < n) std.atomic.spinLoopHint();
}

fn releaseAll(io: std.Io) void {
    @atomicStore(u32, &release_word, 1, .release);
    io.futexWake(u32, &release_word, std.math.maxInt(u32));
}

fn runThreads(a: *const tlw.Args, n: u32) u8 {
    const stack_kib: usize = @intCast(a.int("stack_kib", 0));
    const stack = if (stack_kib == 0) std.Thread.SpawnConfig.default_stack_size else stack_kib * 1024;
    tlw.factInt("stack_reserved_bytes", @intCast(stack));
    threadFacts();
    const threads = a.gpa.alloc(std.Thread, n) catch tlw.die("out of memory", .{});
    defer a.gpa.free(threads);
    var s: u32 = 0;
    while (s < a.samples) : (s += 1) {
        started.store(0, .monotonic);
        @atomicStore(u32, &release_word, 0, .release);
        const rss0 = rssBytes(a.io.?);
        const t0 = tlw.now();
        var created: u32 = 0;
        var failed: ?anyerror = null;
        while (created < n) : (created += 1) {
            threads[created] = std.Thread.spawn(.{ .stack_size = stack }, parked, .{}) catch |e| {
                failed = e;
                break;
            };
        }
        waitStarted(created);
        const t1 = tlw.now();
        const rss1 = rssBytes(a.io.?);
        releaseAll(a.io.?);
        for (threads[0..created]) |t| t.join();
        if (failed) |e| {
            tlw.factInt("create_failed_at", created);
            tlw.finish();
            std.debug.print("workload: cannot create thread {d} of {d}: {t}\n", .{ created + 1, n, e });
            return 3;
        }
        tlw.sample(t1 - t0, n);
        if (s == 0) reportRss(rss0, rss1, n);
    }
    return 0;
}

/// Zig threads carry their TLS block, which holds a per-thread alternate
/// signal stack of std.options.signal_stack_size (256 KiB by default in
/// 0.17) that thread start-up writes: that, not the stack, is most of a
/// parked Zig thread's resident memory.
fn threadFacts() void {
    tlw.factInt("signal_stack_bytes", @intCast(std.options.signal_stack_size orelse 0));
    if (@import("builtin").os.tag == .linux)
        tlw.factInt("tls_area_bytes", @intCast(std.os.linux.tls.area_desc.size));
}

fn reportRss(rss0: ?u64, rss1: ?u64, n: u32) void {
    const r0 = rss0 orelse return;
    const r1 = rss1 orelse return;
    tlw.metric("rss_bytes_before_create", @floatFromInt(r0));
    tlw.metric("rss_bytes_after_create", @floatFromInt(r1));
    const d: f64 = @as(f64, @floatFromInt(r1)) - @as(f64, @floatFromInt(r0));
    tlw.metric("rss_bytes_per_task", d / @as(f64, @floatFromInt(n)));
}

fn runConcurrent(a: *const tlw.Args, n: u32) u8 {
    var s: u32 = 0;
    while (s < a.samples) : (s += 1) {
        started.store(0, .monotonic);
        @atomicStore(u32, &release_word, 0, .release);
        var group: std.Io.Group = .init;
        const rss0 = rssBytes(a.io.?);
        const t0 = tlw.now();
        var created: u32 = 0;
        var failed: ?anyerror = null;
        while (created < n) : (created += 1) {
            group.concurrent(a.io.?, parkedTask, .{}) catch |e| {
                failed = e;
                break;
            };
        }
        waitStarted(created);
        const t1 = tlw.now();
        const rss1 = rssBytes(a.io.?);
        releaseAll(a.io.?);
        group.await(a.io.?) catch tlw.die("group await canceled", .{});
        if (failed) |e| {
            tlw.factInt("create_failed_at", created);
            tlw.finish();
            std.debug.print("workload: cannot start concurrent task {d} of {d}: {t}\n", .{ created + 1, n, e });
            return 3;
        }
        tlw.sample(t1 - t0, n);
        if (s == 0) reportRss(rss0, rss1, n);
    }
    return 0;
}

/// Compiles `src` with TL_ZIG in TL_WORKDIR; returns null when no Zig is
/// known, else whether it compiled and the first "error:" line. A probe
/// that runs past probe_timeout_ms counts as not run (null).
const Probe = struct { ok: bool, first_error: []const u8 };
const probe_timeout_ms = 120_000;

fn probe(init: std.process.Init, name: []const u8, src: []const u8) ?Probe {
    const zig = init.environ_map.get("TL_ZIG") orelse return null;
    if (zig.len == 0) return null;
    const work = init.environ_map.get("TL_WORKDIR") orelse "/tmp";
    const al = init.arena.allocator();
    const path = std.fmt.allocPrint(al, "{s}/{s}.zig", .{ work, name }) catch return null;
    const cache = std.fmt.allocPrint(al, "{s}/zig-cache", .{work}) catch return null;
    std.Io.Dir.cwd().writeFile(init.io, .{ .sub_path = path, .data = src }) catch return null;
    const r = tlw.tool(al, &.{ zig, "build-exe", "-fno-emit-bin", "--cache-dir", cache, "--global-cache-dir", cache, path }, probe_timeout_ms) catch return null;
    var first: []const u8 = "";
    var lines = std.mem.splitScalar(u8, r.stderr, '\n');
    while (lines.next()) |l| {
        if (std.mem.indexOf(u8, l, "error:")) |i| {
            first = l[i..];
            break;
        }
    }
    return .{ .ok = r.ok, .first_error = first };
}

/// The compile probes take about 1.5 s, so their findings are kept in
/// TL_ROOT/.cache/probes/zig-async-VERSION.txt (one "name value" line
/// each) and reused by later processes of the same Zig; `fact
/// probe_cached` says which happened.
fn asyncFacts(init: std.process.Init) void {
    const version = @import("builtin").zig_version_string;
    tlw.fact("zig_version", version);
    tlw.fact("std_io_async", if (@hasDecl(std.Io, "async")) "true" else "false");
    tlw.fact("std_io_concurrent", if (@hasDecl(std.Io, "concurrent")) "true" else "false");
    tlw.fact("std_io_group", if (@hasDecl(std.Io, "Group")) "true" else "false");
    const al = init.arena.allocator();
    const cache: ?[]const u8 = if (init.environ_map.get("TL_ROOT")) |root|
        std.fmt.allocPrint(al, "{s}/.cache/probes/zig-async-{s}.txt", .{ root, version }) catch null
    else
        null;
    if (cache) |path| {
        var buf: [4096]u8 = undefined;
        if (std.Io.Dir.cwd().readFile(init.io, path, &buf)) |text| {
            var lines = std.mem.splitScalar(u8, text, '\n');
            while (lines.next()) |l| {
                const sp = std.mem.indexOfScalar(u8, l, ' ') orelse continue;
                tlw.fact(l[0..sp], l[sp + 1 ..]);
            }
            tlw.fact("probe_cached", "true");
            return;
        } else |_| {}
    }
    var out: std.Io.Writer.Allocating = .init(al);
    const w = &out.writer;
    if (probe(init, "kw_async",
        \\fn f() void {}
        \\pub fn main() void {
        \\    var frame = async f();
        \\    await frame;
        \\}
    )) |p| {
        w.print("async_keyword_compiles {s}\n", .{if (p.ok) "true" else "false"}) catch {};
        if (!p.ok) w.print("async_keyword_error {s}\n", .{p.first_error}) catch {};
    } else {
        std.debug.print("workload: no TL_ZIG: compile probes skipped\n", .{});
        return;
    }
    if (probe(init, "evented",
        \\const std = @import("std");
        \\pub fn main() !void {
        \\    var ev: std.Io.Evented = undefined;
        \\    try ev.init(std.heap.page_allocator, .{});
        \\    defer ev.deinit();
        \\    _ = ev.io();
        \\}
    )) |p| {
        w.print("std_io_evented_compiles {s}\n", .{if (p.ok) "true" else "false"}) catch {};
        if (!p.ok) w.print("std_io_evented_error {s}\n", .{p.first_error}) catch {};
    }
    const text = out.written();
    var lines = std.mem.splitScalar(u8, text, '\n');
    while (lines.next()) |l| {
        const sp = std.mem.indexOfScalar(u8, l, ' ') orelse continue;
        tlw.fact(l[0..sp], l[sp + 1 ..]);
    }
    tlw.fact("probe_cached", "false");
    const path = cache orelse return;
    const dir = std.fs.path.dirname(path) orelse return;
    std.Io.Dir.cwd().createDirPath(init.io, dir) catch return;
    const tmp = std.fmt.allocPrint(al, "{s}.tmp{d}", .{ path, std.os.linux.getpid() }) catch return;
    std.Io.Dir.cwd().writeFile(init.io, .{ .sub_path = tmp, .data = text }) catch return;
    std.Io.Dir.renameAbsolute(tmp, path, init.io) catch {};
}

// ---- switch latency ----

var turn: u32 = 0; // 0: main's turn, 1: the partner's
var stop = std.atomic.Value(bool).init(false);
var partner_rounds: u64 = 0;

fn partner() void {
    while (true) {
        while (@atomicLoad(u32, &turn, .acquire) == 0)
            g_io.futexWaitUncancelable(u32, &turn, 0);
        if (stop.load(.monotonic)) return;
        partner_rounds += 1;
        @atomicStore(u32, &turn, 0, .release);
        g_io.futexWake(u32, &turn, 1);
    }
}

fn batchSwitch(io: std.Io, rounds: u64) void {
    var i: u64 = 0;
    while (i < rounds) : (i += 1) {
        @atomicStore(u32, &turn, 1, .release);
        io.futexWake(u32, &turn, 1);
        while (@atomicLoad(u32, &turn, .acquire) == 1)
            io.futexWaitUncancelable(u32, &turn, 1);
    }
}

fn runSwitch(a: *const tlw.Args) u8 {
    const batch = a.int("batch", 100);
    const lines = a.int("lines", 100);
    if (batch < 2 or lines < 1) tlw.die("batch must be >= 2 and lines >= 1", .{});
    const rounds: u64 = @intCast(@divTrunc(batch, 2));
    const nlines: u64 = @as(u64, @intCast(lines)) * a.samples;
    const warm: u64 = 1000;
    const t = std.Thread.spawn(.{}, partner, .{}) catch tlw.die("cannot spawn", .{});
    tlw.fact("clock", "CLOCK_MONOTONIC");
    tlw.factInt("switches_per_sample", @intCast(rounds * 2));
    batchSwitch(a.io.?, warm);
    var s: u64 = 0;
    while (s < nlines) : (s += 1) {
        const t0 = tlw.now();
        batchSwitch(a.io.?, rounds);
        tlw.sample(tlw.now() - t0, rounds * 2);
    }
    stop.store(true, .monotonic);
    @atomicStore(u32, &turn, 1, .release);
    a.io.?.futexWake(u32, &turn, 1);
    t.join();
    if (partner_rounds != rounds * nlines + warm)
        tlw.die("{d} round trips done, {d} expected", .{ partner_rounds, rounds * nlines + warm });
    return 0;
}

pub fn main(init: std.process.Init) u8 {
    const a = tlw.start(init);
    g_io = a.io.?;
    var rc: u8 = 0;
    if (a.is("zig.switch.thread")) {
        rc = runSwitch(&a);
    } else {
        const n_i = a.int("tasks", 1000);
        if (n_i <= 0 or n_i > std.math.maxInt(u32)) tlw.die("tasks must be positive", .{});
        const n: u32 = @intCast(n_i);
        tlw.factInt("tasks", n);
        if (a.is("zig.thread") or a.is("zig.thread.nosigstack")) {
            rc = runThreads(&a, n);
        } else if (a.is("zig.io_concurrent")) {
            asyncFacts(init);
            threadFacts();
            rc = runConcurrent(&a, n);
        } else tlw.die("unknown variant '{s}'", .{a.variant});
    }
    if (rc == 0) tlw.finish();
    return rc;
}
