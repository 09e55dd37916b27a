//! async.zig - Zig's language-level async for the tasks experiment
//! (article 3.1), in Zig 0.10.1 (stage1: -fstage1), the last release
//! that has it. It follows tasks.zig's protocol:
//!
//!   zig.async         creation: one op = one async call that runs to its
//!                     first `suspend` and parks there; its frame comes
//!                     from an arena (page_allocator), so the task is its
//!                     frame and nothing else. A sample creates `tasks`
//!                     of them (timed), then resumes them all to the end
//!                     (not timed). Reports @frameSize of the task as
//!                     fact frame_bytes and the in-process resident set
//!                     before and after the first round (metric
//!                     rss_bytes_per_task), like the other creation
//!                     variants.
//!   zig.switch.async  resume latency: main resumes a frame that suspends
//!                     straight back; one op = one switch (a resume and
//!                     its suspend are two), a sample line is `batch`
//!                     switches, each requested sample `lines` lines.
//!
//! An async frame is a plain struct the caller places: no stack, no
//! scheduler, no thread. A resume is a call into the frame's resume
//! point, a suspend a return.
const std = @import("std");
const tlw = @import("tlw.zig");

var done: u64 = 0;

fn parked() void {
    suspend {}
    done += 1;
}

fn rssBytes() ?u64 {
    var buf: [256]u8 = undefined;
    const f = std.fs.openFileAbsolute("/proc/self/statm", .{}) catch return null;
    defer f.close();
    const n = f.readAll(&buf) catch return null;
    var it = std.mem.tokenize(u8, buf[0..n], " ");
    _ = it.next() orelse return null;
    const res = it.next() orelse return null;
    const pages = std.fmt.parseInt(u64, res, 10) catch return null;
    return pages * std.mem.page_size;
}

fn reportRss(rss0: ?u64, rss1: ?u64, n: u32) void {
    const r0 = rss0 orelse return;
    const r1 = rss1 orelse return;
    tlw.metric("rss_bytes_before_create", @intToFloat(f64, r0));
    tlw.metric("rss_bytes_after_create", @intToFloat(f64, r1));
    const d = @intToFloat(f64, r1) - @intToFloat(f64, r0);
    tlw.metric("rss_bytes_per_task", d / @intToFloat(f64, n));
}

fn runCreate(a: *const tlw.Args, n: u32) void {
    tlw.factInt("frame_bytes", @intCast(i64, @frameSize(parked)));
    tlw.factInt("frame_align", @intCast(i64, @alignOf(@Frame(parked))));
    var s: u32 = 0;
    while (s < a.samples) : (s += 1) {
        var arena = std.heap.ArenaAllocator.init(std.heap.page_allocator);
        defer arena.deinit();
        const al = arena.allocator();
        const frames = al.alloc(*@Frame(parked), n) catch tlw.die("out of memory", .{});
        // Touched before the first RSS reading: the task is its frame,
        // not our list of them.
        std.mem.set(u8, std.mem.sliceAsBytes(frames), 0);
        done = 0;
        const rss0 = rssBytes();
        const t0 = tlw.now();
        var i: u32 = 0;
        while (i < n) : (i += 1) {
            const f = al.create(@Frame(parked)) catch tlw.die("out of memory at task {d}", .{i});
            f.* = async parked();
            frames[i] = f;
        }
        const t1 = tlw.now();
        const rss1 = rssBytes();
        for (frames) |f| resume f;
        if (done != n) tlw.die("{d} tasks finished, {d} expected", .{ done, n });
        tlw.sample(t1 - t0, n);
        if (s == 0) reportRss(rss0, rss1, n);
    }
}

var rounds_done: u64 = 0;

fn partner() void {
    while (true) {
        suspend {}
        rounds_done += 1;
    }
}

fn batchSwitch(f: anyframe, rounds: u64) void {
    var i: u64 = 0;
    while (i < rounds) : (i += 1) resume f;
}

fn runSwitch(a: *const tlw.Args) void {
    const batch = a.int("batch", 100);
    const lines = a.int("lines", 100);
    if (batch < 2 or lines < 1) tlw.die("batch must be >= 2 and lines >= 1", .{});
    const rounds = @intCast(u64, @divTrunc(batch, 2));
    const nlines = @intCast(u64, lines) * a.samples;
    const warm: u64 = 1000;
    var frame = async partner();
    tlw.fact("clock", "CLOCK_MONOTONIC");
    tlw.factInt("switches_per_sample", @intCast(i64, rounds * 2));
    tlw.factInt("frame_bytes", @intCast(i64, @frameSize(partner)));
    batchSwitch(&frame, warm);
    var s: u64 = 0;
    while (s < nlines) : (s += 1) {
        const t0 = tlw.now();
        batchSwitch(&frame, rounds);
        tlw.sample(tlw.now() - t0, rounds * 2);
    }
    if (rounds_done != rounds * nlines + warm)
        tlw.die("{d} round trips done, {d} expected", .{ rounds_done, rounds * nlines + warm });
}

pub fn main() void {
    const a = tlw.start();
    tlw.fact("zig_version", std.fmt.comptimePrint("{}", .{@import("builtin").zig_version}));
    if (a.is("zig.switch.async")) {
        runSwitch(&a);
    } else if (a.is("zig.async")) {
        const n_i = a.int("tasks", 1000);
        if (n_i <= 0 or n_i > std.math.maxInt(u32)) tlw.die("tasks must be positive", .{});
        const n = @intCast(u32, n_i);
        tlw.factInt("tasks", n);
        runCreate(&a, n);
    } else tlw.die("unknown variant '{s}'", .{a.variant});
    tlw.finish();
}
