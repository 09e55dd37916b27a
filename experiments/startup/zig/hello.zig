//! hello.zig - the Zig start-up baseline: the idiomatic 0.17 hello.
//!
//! Process kind: the harness execs the binary repeatedly and measures wall
//! time and rusage per start; argv is ignored. main takes the full
//! std.process.Init (Threaded Io, environment map, arena, gpa), which is
//! what a Zig 0.17 program gets by default, so its set-up is in the figure.
const std = @import("std");

pub fn main(init: std.process.Init) !void {
    try std.Io.File.stdout().writeStreamingAll(init.io, "hello from zig\n");
}
