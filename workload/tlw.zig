//! tlw.zig - the Zig side of the workload protocol, for Zig 0.17.1.
//!
//! A workload is run as
//!
//!     BIN VARIANT OPS SAMPLES [KEY=VALUE ...]
//!
//! and prints on stdout only protocol lines:
//!
//!     sample NS OPS        one timed batch of OPS operations
//!     metric NAME VALUE    a workload-level number
//!     fact NAME VALUE      a static finding (VALUE has no newline)
//!
//! Everything else goes to stderr. This file parses the arguments, times
//! batches with the monotonic clock (clock_gettime(CLOCK_MONOTONIC), as
//! std.Io.Clock.awake on Linux), keeps results alive through a sink the
//! optimizer cannot remove, and buffers the protocol lines until `finish`,
//! so that each workload's own
//! file holds only its mechanism.
//!
//! Key design decision: this is the ONE file that touches the version-
//! sensitive parts of std (process args, std.Io, the Writer interface, the
//! Allocator vtable, inline asm clobbers). A Zig version bump should need
//! edits here and nowhere else; workloads use only the names below plus the
//! stable core of std (ArrayList, HashMap, Allocator methods).
//!
//! Invariants: the state is process-global (one workload per process);
//! `start` must be called first and `finish` last. Nothing is written inside
//! a timed batch; the 64 KiB line buffer is drained only between batches if
//! it fills (about 2000 sample lines) and at `finish`.
//!
//! Usage (see workload/ZIG-NOTES.md):
//!
//!     const std = @import("std");
//!     const tlw = @import("tlw.zig");
//!     pub fn main(init: std.process.Init.Minimal) void {
//!         const a = tlw.start(init);
//!         a.run(&ctx, batch);
//!         tlw.finish();
//!     }

const std = @import("std");
const builtin = @import("builtin");

/// The panic handler of every workload root (`pub const panic =
/// tlw.panic;`): the message, then abort. The default handler's
/// stack-trace printer (a DWARF reader) is never on a measured path, yet
/// it tripled a ReleaseFast build (errors.zig: 28.9 s, 9.7 s without).
/// startup/zig/hello.zig keeps the default: its binary is the quantity.
pub const panic = std.debug.simple_panic;

pub const max_params = 32;

/// The parsed command line. Strings borrow argv, which lives for the process.
pub const Args = struct {
    variant: []const u8,
    ops: u64,
    samples: u32,
    nparams: usize = 0,
    keys: [max_params][]const u8 = undefined,
    vals: [max_params][]const u8 = undefined,
    /// The process's std.Io when main took a std.process.Init (null with
    /// std.process.Init.Minimal, see `start`), and its general purpose
    /// allocator and arena (std.process.Init's, or the same allocators
    /// made here), for workloads that need them.
    io: ?std.Io,
    gpa: std.mem.Allocator,
    arena: std.mem.Allocator,

    /// The value of param `key` (the last one wins), or `def`.
    pub fn str(a: *const Args, key: []const u8, def: []const u8) []const u8 {
        var i = a.nparams;
        while (i > 0) {
            i -= 1;
            if (std.mem.eql(u8, a.keys[i], key)) return a.vals[i];
        }
        return def;
    }

    /// Param `key` as an integer (decimal, or 0x/0o/0b prefixed); dies when
    /// it is malformed.
    pub fn int(a: *const Args, key: []const u8, def: i64) i64 {
        const s = a.strOrNull(key) orelse return def;
        return std.fmt.parseInt(i64, s, 0) catch
            die("param {s}='{s}' is not an integer", .{ key, s });
    }

    /// Param `key` as a float; dies when it is malformed.
    pub fn float(a: *const Args, key: []const u8, def: f64) f64 {
        const s = a.strOrNull(key) orelse return def;
        return std.fmt.parseFloat(f64, s) catch
            die("param {s}='{s}' is not a number", .{ key, s });
    }

    pub fn is(a: *const Args, variant: []const u8) bool {
        return std.mem.eql(u8, a.variant, variant);
    }

    /// Runs `samples` timed batches of `ops` operations: `batch(ctx, ops)`.
    /// The batch is comptime-known, so it is called directly (inlinable).
    pub fn run(a: *const Args, ctx: anytype, comptime batch: fn (@TypeOf(ctx), u64) void) void {
        var s: u32 = 0;
        while (s < a.samples) : (s += 1) {
            const t0 = now();
            batch(ctx, a.ops);
            const t1 = now();
            sample(t1 - t0, a.ops);
        }
    }

    /// Same as `run` with a runtime function pointer and a type-erased
    /// context (an indirect call per batch, not per operation).
    pub fn runPtr(a: *const Args, ctx: *anyopaque, batch: *const fn (*anyopaque, u64) void) void {
        var s: u32 = 0;
        while (s < a.samples) : (s += 1) {
            const t0 = now();
            batch(ctx, a.ops);
            const t1 = now();
            sample(t1 - t0, a.ops);
        }
    }

    /// Sums the sizes of the function symbols (STT_FUNC, defined) of this
    /// executable whose names contain any of `needles`, from its ELF
    /// .symtab, read in process (nm as a child would add its memory to the
    /// peak RSS the harness reads from wait4); the file is read into
    /// `a.arena`. error.NoSymbols: nothing matched (inlined, or stripped).
    /// The C and Go helpers are tlw_code_bytes (tlw_elf.h) and tlwCodeBytes.
    pub fn codeBytes(a: *const Args, needles: []const []const u8) !u64 {
        const d = try readSelfExe(a.arena);
        const rd = struct {
            fn int(comptime T: type, b: []const u8, off: u64) !T {
                if (off + @sizeOf(T) > b.len) return error.BadElf;
                return std.mem.readInt(T, b[@intCast(off)..][0..@sizeOf(T)], .little);
            }
        };
        if (d.len < 64 or !std.mem.eql(u8, d[0..4], "\x7fELF") or d[4] != 2) return error.NotElf64;
        const shoff = try rd.int(u64, d, 0x28);
        const shnum = try rd.int(u16, d, 0x3c);
        var total: u64 = 0;
        var found = false;
        var s: u64 = 0;
        while (s < shnum) : (s += 1) {
            const sh = shoff + s * 64;
            if (try rd.int(u32, d, sh + 4) != 2) continue; // SHT_SYMTAB
            const off = try rd.int(u64, d, sh + 0x18);
            const size = try rd.int(u64, d, sh + 0x20);
            const link = try rd.int(u32, d, sh + 0x28);
            const str_sh = shoff + @as(u64, link) * 64;
            const str_off = try rd.int(u64, d, str_sh + 0x18);
            const str_size = try rd.int(u64, d, str_sh + 0x20);
            if (str_off + str_size > d.len) return error.BadElf;
            const strtab = d[@intCast(str_off)..][0..@intCast(str_size)];
            var k: u64 = 0;
            while (k < size / 24) : (k += 1) {
                const sym = off + k * 24;
                const name_off = try rd.int(u32, d, sym);
                const info = try rd.int(u8, d, sym + 4);
                const shndx = try rd.int(u16, d, sym + 6);
                if (info & 0xf != 2 or shndx == 0 or name_off >= strtab.len) continue; // STT_FUNC, defined
                const name = std.mem.sliceTo(strtab[name_off..], 0);
                for (needles) |n| {
                    if (std.mem.indexOf(u8, name, n) != null) {
                        total += try rd.int(u64, d, sym + 16);
                        found = true;
                        break;
                    }
                }
            }
        }
        if (!found) return error.NoSymbols;
        return total;
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

/// This executable's file, read with system calls (no std.Io needed).
fn readSelfExe(al: std.mem.Allocator) ![]u8 {
    const linux = std.os.linux;
    const rc = linux.open("/proc/self/exe", .{ .ACCMODE = .RDONLY, .CLOEXEC = true }, 0);
    if (linux.errno(rc) != .SUCCESS) return error.OpenFailed;
    const fd: i32 = @intCast(rc);
    defer _ = linux.close(fd);
    var list: std.ArrayList(u8) = .empty;
    errdefer list.deinit(al);
    while (true) {
        try list.ensureUnusedCapacity(al, 1 << 20);
        const dst = list.unusedCapacitySlice();
        const n = linux.read(fd, dst.ptr, dst.len);
        switch (linux.errno(n)) {
            .SUCCESS => {},
            .INTR => continue,
            else => return error.ReadFailed,
        }
        if (n == 0) break;
        list.items.len += n;
    }
    return list.toOwnedSlice(al);
}

var g_io: ?std.Io = null;
var g_environ: ?*const std.process.Environ.Map = null;
var g_started = false;
var g_out_buf: [64 * 1024]u8 = undefined;
var g_out: std.Io.Writer = .{
    .vtable = &.{ .drain = drainStdout },
    .buffer = &g_out_buf,
};

/// Writes all of b to fd with write(2): stdout and stderr without std.Io.
fn writeFd(fd: i32, b: []const u8) error{WriteFailed}!void {
    var off: usize = 0;
    while (off < b.len) {
        const n = std.os.linux.write(fd, b[off..].ptr, b.len - off);
        switch (std.os.linux.errno(n)) {
            .SUCCESS => off += n,
            .INTR => continue,
            else => return error.WriteFailed,
        }
    }
}

fn drainStdout(w: *std.Io.Writer, data: []const []const u8, splat: usize) std.Io.Writer.Error!usize {
    try writeFd(1, w.buffer[0..w.end]);
    w.end = 0;
    var n: usize = 0;
    for (data[0 .. data.len - 1]) |d| {
        try writeFd(1, d);
        n += d.len;
    }
    const last = data[data.len - 1];
    for (0..splat) |_| {
        try writeFd(1, last);
        n += last.len;
    }
    return n;
}

/// std.process.Init's allocators, made the same way when main takes
/// std.process.Init.Minimal (lib/std/start.zig, callMain).
const use_safe_allocator = switch (builtin.mode) {
    .Debug, .ReleaseSafe => true,
    .ReleaseFast, .ReleaseSmall => !builtin.link_libc and builtin.single_threaded,
};
var g_safe: std.heap.SafeAllocator = .init(std.heap.page_allocator, .{});
var g_arena: std.heap.ArenaAllocator = .init(std.heap.page_allocator);

var g_gpa: std.mem.Allocator = undefined;

/// The allocator is read back through a volatile pointer so that, as
/// with std.process.Init's (a value handed to main at run time), the
/// compiler cannot see which it is and inline it into measured code.
fn ownGpa() std.mem.Allocator {
    g_gpa = if (use_safe_allocator)
        g_safe.allocator()
    else if (builtin.link_libc)
        std.heap.c_allocator
    else
        std.heap.smp_allocator;
    const p: *volatile std.mem.Allocator = &g_gpa;
    return p.*;
}

fn ownArena() std.mem.Allocator {
    const p: *volatile std.heap.ArenaAllocator = &g_arena;
    return @volatileCast(p).allocator();
}

/// Parses argv and sets up the output. Dies (exit 2, message on stderr,
/// nothing on stdout) when the arguments are malformed.
///
/// `init` is main's std.process.Init or std.process.Init.Minimal. Take
/// the Minimal one unless the workload needs `a.io` (or `tool`): the full
/// Init makes std.Io.Threaded, whose every function the compiler then
/// builds. It cost 5 s of each ReleaseFast build (a 6 s build of a
/// 10-line workload, 0.3 s with Minimal), and the sampling path does not
/// use it: the clock and the protocol lines go through system calls.
pub fn start(init: anytype) Args {
    const full = @TypeOf(init) == std.process.Init;
    const minimal: std.process.Init.Minimal = if (full) init.minimal else init;
    if (full) {
        g_io = init.io;
        g_environ = init.environ_map;
    }
    g_started = true;

    var it = minimal.args.iterate();
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

    var a: Args = .{
        .variant = variant.?,
        .ops = ops,
        .samples = samples,
        .io = if (full) init.io else null,
        .gpa = if (full) init.gpa else ownGpa(),
        .arena = if (full) init.arena.allocator() else ownArena(),
    };
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

/// Monotonic time in nanoseconds: clock_gettime(CLOCK_MONOTONIC), the
/// call std.Io.Clock.awake makes on Linux, without the Io vtable.
pub inline fn now() u64 {
    var ts: std.posix.timespec = undefined;
    _ = std.posix.system.clock_gettime(.MONOTONIC, &ts);
    return @as(u64, @intCast(ts.sec)) * std.time.ns_per_s + @as(u64, @intCast(ts.nsec));
}

pub fn sample(ns: u64, ops: u64) void {
    line("sample {d} {d}\n", .{ ns, ops });
}

/// VALUE is printed as the shortest decimal that reads back exactly.
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
    g_out.print(fmt, args) catch die("cannot write stdout", .{});
}

/// Flushes the buffered protocol lines; call at the end of main. Exits 1
/// when stdout cannot be written.
pub fn finish() void {
    g_out.flush() catch {
        writeFd(2, "workload: cannot write stdout\n") catch {};
        std.process.exit(1);
    };
}

/// Prints "workload: MESSAGE" on stderr and exits 2. Protocol lines already
/// buffered are flushed first (as the C helper does).
pub fn die(comptime fmt: []const u8, args: anytype) noreturn {
    var buf: [512]u8 = undefined;
    if (g_started) {
        g_started = false; // a failing flush must not recurse into die
        g_out.flush() catch {};
    }
    var w: std.Io.Writer = .fixed(&buf);
    w.print("workload: " ++ fmt ++ "\n", args) catch {};
    writeFd(2, w.buffered()) catch {};
    std.process.exit(2);
}

/// What `tool` saw. stdout and stderr are owned by the allocator passed
/// to `tool`.
pub const ToolResult = struct {
    /// The command exited with status 0.
    ok: bool,
    stdout: []u8,
    stderr: []u8,
};

/// Runs `argv` (argv[0] is a path, or a name looked up in PATH) in
/// TL_WORKDIR (this process's folder when it is unset), capturing its
/// stdout and stderr into `al` memory, as tlw_tool.h does for C probes.
/// The command is killed when it runs longer than `timeout_ms` (0: no
/// limit): the error is then error.Timeout. Other errors: it could not
/// start, out of memory. Needs `start` with a std.process.Init (std.Io).
pub fn tool(al: std.mem.Allocator, argv: []const []const u8, timeout_ms: u64) !ToolResult {
    const io = g_io orelse die("tlw.tool needs main(init: std.process.Init)", .{});
    const work: ?[]const u8 = if (g_environ) |m| m.get("TL_WORKDIR") else null;
    const limit: std.Io.Timeout = if (timeout_ms == 0) .none else .{ .duration = .{
        .raw = .fromMilliseconds(@intCast(timeout_ms)),
        .clock = .awake,
    } };
    const r = try std.process.run(al, io, .{
        .argv = argv,
        .cwd = if (work != null and work.?.len > 0) .{ .path = work.? } else .inherit,
        // One deadline for the whole run, not a new one per read.
        .timeout = limit.toDeadline(io),
    });
    return .{ .ok = r.term == .exited and r.term.exited == 0, .stdout = r.stdout, .stderr = r.stderr };
}

var sink_value: u64 = 0;

/// The sink: the value must be computed, because it is stored through a
/// volatile pointer.
pub inline fn keep(v: u64) void {
    const p: *volatile u64 = &sink_value;
    p.* +%= v;
}

/// Keeps any value (or the memory behind a pointer) observable.
pub inline fn keepAny(v: anytype) void {
    std.mem.doNotOptimizeAway(v);
}

/// A compiler barrier: memory must be written before it and reread after.
pub inline fn clobber() void {
    asm volatile ("" ::: .{ .memory = true });
}

/// Wraps an allocator and counts its calls, so workloads can report
/// `metric allocs_per_op`. Thread-safe (relaxed atomic counters); use it
/// outside timed batches, as its counting costs time.
pub const CountingAllocator = struct {
    child: std.mem.Allocator,
    allocs: u64 = 0,
    frees: u64 = 0,
    remaps: u64 = 0,
    bytes: u64 = 0,

    pub fn init(child: std.mem.Allocator) CountingAllocator {
        return .{ .child = child };
    }

    pub fn allocator(self: *CountingAllocator) std.mem.Allocator {
        return .{ .ptr = self, .vtable = &vtable };
    }

    const vtable: std.mem.Allocator.VTable = .{
        .alloc = alloc,
        .resize = resize,
        .remap = remap,
        .free = free,
    };

    fn alloc(ctx: *anyopaque, len: usize, alignment: std.mem.Alignment, ret_addr: usize) ?[*]u8 {
        const self: *CountingAllocator = @ptrCast(@alignCast(ctx));
        const p = self.child.rawAlloc(len, alignment, ret_addr) orelse return null;
        _ = @atomicRmw(u64, &self.allocs, .Add, 1, .monotonic);
        _ = @atomicRmw(u64, &self.bytes, .Add, len, .monotonic);
        return p;
    }

    fn resize(ctx: *anyopaque, memory: []u8, alignment: std.mem.Alignment, new_len: usize, ret_addr: usize) bool {
        const self: *CountingAllocator = @ptrCast(@alignCast(ctx));
        return self.child.rawResize(memory, alignment, new_len, ret_addr);
    }

    fn remap(ctx: *anyopaque, memory: []u8, alignment: std.mem.Alignment, new_len: usize, ret_addr: usize) ?[*]u8 {
        const self: *CountingAllocator = @ptrCast(@alignCast(ctx));
        const p = self.child.rawRemap(memory, alignment, new_len, ret_addr) orelse return null;
        _ = @atomicRmw(u64, &self.remaps, .Add, 1, .monotonic);
        return p;
    }

    fn free(ctx: *anyopaque, memory: []u8, alignment: std.mem.Alignment, ret_addr: usize) void {
        const self: *CountingAllocator = @ptrCast(@alignCast(ctx));
        _ = @atomicRmw(u64, &self.frees, .Add, 1, .monotonic);
        self.child.rawFree(memory, alignment, ret_addr);
    }
};
