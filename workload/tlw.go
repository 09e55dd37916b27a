// tlw.go - the Go side of the workload protocol.
//
// A workload is run as
//
//	BIN VARIANT OPS SAMPLES [KEY=VALUE ...]
//
// and prints on stdout only protocol lines:
//
//	sample NS OPS        one timed batch of OPS operations
//	metric NAME VALUE    a workload-level number
//	fact NAME VALUE      a static finding (VALUE has no newline)
//
// Everything else goes to stderr. This file is compiled in the same staged
// folder (package main, module tlwork) as each Go workload; it defines no
// main. It parses the arguments, times batches with the monotonic clock,
// keeps results alive through sinks the compiler cannot remove, and buffers
// the protocol lines in memory until tlwFinish, so that nothing is written
// (no syscall, no allocation from the printer) inside a timed batch.
//
// Key design decision: the sample line is appended to a preallocated byte
// slice with strconv, so recording a sample between batches does not
// allocate in the common case and cannot trigger GC work inside the next
// batch beyond what the workload itself causes.
//
// The harness sets TL_ROOT, TL_WORKDIR, TL_CC, TL_CXX, TL_GO and TL_ZIG in
// every workload's environment.
package main

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	_ "unsafe" // for go:linkname to runtime.nanotime
)

// TLW is the parsed command line.
type TLW struct {
	Variant string
	Ops     uint64
	Samples int
	Params  map[string]string
}

// tlwOut holds the buffered protocol lines, written at tlwFinish. It is
// allocated by tlwArgs, not at package init, so that a program linked with
// this file but not using it (the startup experiment) pays nothing.
var tlwOut []byte

// tlwSinkPtr: assign pointers here to force them to escape to the heap and
// keep what they point to alive.
var tlwSinkPtr any

// tlwSinkVal accumulates tlwKeep values; it is atomic so that the store is
// a side effect the compiler must perform (and workloads may call tlwKeep
// from several goroutines).
var tlwSinkVal atomic.Uint64

//go:linkname tlwNanotime runtime.nanotime
func tlwNanotime() int64

// tlwNow returns monotonic time in nanoseconds (the runtime's monotonic
// clock, CLOCK_MONOTONIC through the vDSO on Linux).
func tlwNow() uint64 {
	return uint64(tlwNanotime())
}

// tlwArgs parses os.Args; it dies (exit 2, message on stderr, nothing on
// stdout) when they are malformed. Later KEY=VALUE pairs override earlier.
func tlwArgs() *TLW {
	a := os.Args
	if tlwOut == nil {
		tlwOut = make([]byte, 0, 64*1024)
	}
	name := "workload"
	if len(a) > 0 {
		name = a[0]
	}
	if len(a) < 4 {
		tlwDie("usage: %s VARIANT OPS SAMPLES [KEY=VALUE ...]", name)
	}
	ops, err := strconv.ParseUint(a[2], 10, 64)
	if err != nil || ops == 0 {
		tlwDie("OPS must be a positive integer, not '%s'", a[2])
	}
	samples, err := strconv.ParseInt(a[3], 10, 32)
	if err != nil || samples < 0 {
		tlwDie("SAMPLES must be >= 0, not '%s'", a[3])
	}
	w := &TLW{Variant: a[1], Ops: ops, Samples: int(samples),
		Params: make(map[string]string)}
	for _, p := range a[4:] {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			tlwDie("param '%s' is not KEY=VALUE", p)
		}
		w.Params[k] = v
	}
	return w
}

// Str returns param key, or def when absent.
func (w *TLW) Str(key, def string) string {
	if v, ok := w.Params[key]; ok {
		return v
	}
	return def
}

// Int returns param key as an integer (decimal, or 0x/0o/0b prefixed), or
// def when absent; it dies when the value is malformed.
func (w *TLW) Int(key string, def int64) int64 {
	s, ok := w.Params[key]
	if !ok {
		return def
	}
	v, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		tlwDie("param %s='%s' is not an integer", key, s)
	}
	return v
}

// Float returns param key as a float64, or def when absent; it dies when
// the value is malformed.
func (w *TLW) Float(key string, def float64) float64 {
	s, ok := w.Params[key]
	if !ok {
		return def
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		tlwDie("param %s='%s' is not a number", key, s)
	}
	return v
}

// Is reports whether the workload runs the named variant.
func (w *TLW) Is(variant string) bool {
	return w.Variant == variant
}

// Run runs w.Samples timed batches of w.Ops operations each and records a
// sample line per batch. Nothing is written inside a batch.
func (w *TLW) Run(batch func(ops uint64)) {
	region := os.Getenv("TLW_SIM_REGION") == "1"
	for s := 0; s < w.Samples; s++ {
		if region {
			// A fresh time slice: sysmon preempts a goroutine
			// 10 ms (of wall time, which valgrind stretches)
			// after it was last scheduled.
			runtime.Gosched()
		}
		t0 := tlwNow()
		tlwMeasured(batch, w.Ops)
		t1 := tlwNow()
		tlwSample(t1-t0, w.Ops)
	}
}

// tlwMeasured is the measured region. Under simulation the harness runs
// callgrind with collection off and this function turns it on and off
// around the batch (a client request: two no-op instructions
// otherwise), so set-up, the runtime's start-up and its other threads
// (sysmon, GC workers) are not counted.
//
//go:noinline
func tlwMeasured(batch func(ops uint64), ops uint64) {
	tlwToggleCollect()
	batch(ops)
	tlwToggleCollect()
}

// tlwToggleCollect is CALLGRIND_TOGGLE_COLLECT (callgrind.h:
// VG_USERREQ_TOOL_BASE('C','T') + 2).
func tlwToggleCollect() {
	args := [6]uintptr{uintptr('C')<<24 | uintptr('T')<<16 + 2}
	tlwClientRequest(&args)
}

// AllocsPerOp reports metric allocs_per_op over w.Ops untimed operations
// split into one part per timed sample (tlwAllocsPerOp each): a process
// gives as many values as samples, so a claim on the count has the values
// its interval needs from a few processes, not from one process a value.
// Call it after the timed batches.
func (w *TLW) AllocsPerOp(fn func(ops uint64)) {
	parts := uint64(w.Samples)
	if parts < 1 || w.Ops == 0 {
		parts = 1
	}
	if parts > w.Ops && w.Ops > 0 {
		parts = w.Ops
	}
	for i := uint64(0); i < parts; i++ {
		n := w.Ops / parts
		if i < w.Ops%parts {
			n++
		}
		tlwMetric("allocs_per_op", tlwAllocsPerOp(fn, n))
	}
}

// tlwAllocsPerOp runs fn(ops) once, untimed, and returns the number of heap
// allocations (runtime.MemStats.Mallocs delta) per operation. Call it
// outside the timed batches: ReadMemStats stops the world. It counts the
// whole process, so other goroutines' allocations are included.
func tlwAllocsPerOp(fn func(ops uint64), ops uint64) float64 {
	var before, after runtime.MemStats

	if ops == 0 {
		return math.NaN()
	}
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn(ops)
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(ops)
}

// tlwSample records one "sample NS OPS" line.
func tlwSample(ns, ops uint64) {
	b := append(tlwOut, "sample "...)
	b = strconv.AppendUint(b, ns, 10)
	b = append(b, ' ')
	b = strconv.AppendUint(b, ops, 10)
	tlwOut = append(b, '\n')
}

// tlwMetric records one "metric NAME VALUE" line; VALUE is the shortest
// decimal that reads back exactly.
func tlwMetric(name string, v float64) {
	b := append(tlwOut, "metric "...)
	b = append(b, name...)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, v, 'g', -1, 64)
	tlwOut = append(b, '\n')
}

// tlwFact records one "fact NAME VALUE" line; newlines in v become spaces.
func tlwFact(name, v string) {
	b := append(tlwOut, "fact "...)
	b = append(b, name...)
	b = append(b, ' ')
	b = append(b, strings.ReplaceAll(v, "\n", " ")...)
	tlwOut = append(b, '\n')
}

// tlwKeep sinks v: the computation of v cannot be removed. It is one
// atomic add (a few ns, safe from any goroutine): call it once per batch
// with an accumulated value, not once per operation.
func tlwKeep(v uint64) {
	tlwSinkVal.Add(v)
}

// tlwFlush writes the buffered lines to stdout; it reports failure.
func tlwFlush() error {
	_, err := os.Stdout.Write(tlwOut)
	tlwOut = tlwOut[:0]
	return err
}

// tlwDie prints "workload: MESSAGE" on stderr and exits 2. Lines already
// buffered are flushed first, as tlw.h does.
func tlwDie(format string, a ...any) {
	tlwFlush()
	fmt.Fprintf(os.Stderr, "workload: "+format+"\n", a...)
	os.Exit(2)
}

// tlwFinish flushes the buffered protocol lines; call it at the end of
// main. It exits 1 when stdout cannot be written.
func tlwFinish() {
	if err := tlwFlush(); err != nil {
		fmt.Fprintf(os.Stderr, "workload: cannot write stdout: %v\n", err)
		os.Exit(1)
	}
}

// tlwCodeBytes sums the sizes (st_size) of the function symbols
// (STT_FUNC) in this executable's ELF symbol table (.symtab) whose names
// match, and counts them. Workloads report the sum as `fact code_bytes`.
//
// It parses the ELF64 little-endian file itself instead of using
// debug/elf: that package's imports (compress/flate, debug/dwarf,
// internal/zstd) would add ~70 KB and package init work to every Go
// workload linked with this file, the start-up experiment's included.
// The result is what debug/elf's Symbols() would give.
func tlwCodeBytes(match func(name string) bool) (total int64, n int, err error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, 0, err
	}
	d, err := os.ReadFile(exe)
	if err != nil {
		return 0, 0, err
	}
	bad := fmt.Errorf("%s: truncated or not ELF64 little-endian", exe)
	// le reads a little-endian integer of size bytes at off; ok is false
	// when it lies outside the file.
	le := func(off uint64, size int) (v uint64, ok bool) {
		if off > uint64(len(d)) || uint64(len(d))-off < uint64(size) {
			return 0, false
		}
		for i := size - 1; i >= 0; i-- {
			v = v<<8 | uint64(d[off+uint64(i)])
		}
		return v, true
	}
	if len(d) < 64 || string(d[:4]) != "\x7fELF" || d[4] != 2 || d[5] != 1 {
		return 0, 0, bad
	}
	shoff, _ := le(0x28, 8)
	shnum, _ := le(0x3c, 2)
	symtabs := 0
	for s := uint64(0); s < shnum; s++ {
		sh := shoff + s*64
		typ, ok := le(sh+4, 4)
		if !ok {
			return 0, 0, bad
		}
		if typ != 2 { // SHT_SYMTAB
			continue
		}
		symtabs++
		off, _ := le(sh+0x18, 8)
		size, _ := le(sh+0x20, 8)
		link, _ := le(sh+0x28, 4)
		stroff, ok1 := le(shoff+link*64+0x18, 8)
		strsize, ok2 := le(shoff+link*64+0x20, 8)
		if !ok1 || !ok2 || stroff > uint64(len(d)) || uint64(len(d))-stroff < strsize {
			return 0, 0, bad
		}
		strtab := d[stroff : stroff+strsize]
		for k := uint64(1); k < size/24; k++ { // entry 0 is the null symbol
			sym := off + k*24
			name, ok1 := le(sym, 4)
			info, ok2 := le(sym+4, 1)
			bytes, ok3 := le(sym+16, 8)
			if !ok1 || !ok2 || !ok3 || name >= strsize {
				return 0, 0, bad
			}
			if info&0xf != 2 { // STT_FUNC
				continue
			}
			end := name
			for end < strsize && strtab[end] != 0 {
				end++
			}
			if match(string(strtab[name:end])) {
				total += int64(bytes)
				n++
			}
		}
	}
	if symtabs == 0 {
		return 0, 0, fmt.Errorf("no symbol section")
	}
	return total, n, nil
}
