//! tasks_nosigstack.zig - root file of zig.thread.nosigstack: tasks.zig
//! with std.options.signal_stack_size = null, so threads get no 256 KiB
//! thread-local alternate signal stack (Zig 0.17's default), to show how
//! much of a parked Zig thread's memory that stack is.
const std = @import("std");

pub const std_options: std.Options = .{ .signal_stack_size = null };

pub const panic = @import("tasks.zig").panic;
pub const main = @import("tasks.zig").main;
