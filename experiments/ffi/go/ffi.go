// ffi.go - Go side of the ffi experiment (article 4.3).
//
// go.cgo calls ffi_add (c/ffi_lib.c, compiled by cgo as its own object)
// through cgo: runtime.cgocall, entersyscall/exitsyscall around the C
// call, the switch to the g0 stack. go.func calls a Go function the
// compiler may not inline (//go:noinline); go.inline one it inlines (the
// floor). One op = one call in a dependency chain.
package main

/*
#include <stdint.h>
uint64_t ffi_add(uint64_t a, uint64_t b);
*/
import "C"

import (
	"runtime"
	"strconv"
)

//go:noinline
func addNoinline(a, b uint64) uint64 {
	return a + b
}

func addInline(a, b uint64) uint64 {
	return a + b
}

func main() {
	w := tlwArgs()
	var acc uint64
	var batch func(ops uint64)
	switch w.Variant {
	case "go.cgo":
		batch = func(ops uint64) {
			a := acc
			for i := uint64(0); i < ops; i++ {
				a = uint64(C.ffi_add(C.uint64_t(a), C.uint64_t(i)))
			}
			acc = a
		}
	case "go.func":
		batch = func(ops uint64) {
			a := acc
			for i := uint64(0); i < ops; i++ {
				a = addNoinline(a, i)
			}
			acc = a
		}
	case "go.inline":
		batch = func(ops uint64) {
			a := acc
			for i := uint64(0); i < ops; i++ {
				a = addInline(a, i)
			}
			acc = a
		}
	default:
		tlwDie("unknown variant '%s'", w.Variant)
	}
	tlwFact("clock", "CLOCK_MONOTONIC")
	tlwFact("gomaxprocs", strconv.Itoa(runtime.GOMAXPROCS(0)))
	// Each requested sample becomes `lines` short batches (see ffi.c).
	lines := w.Int("lines", 100)
	if lines < 1 {
		tlwDie("lines must be >= 1")
	}
	w.Samples *= int(lines)
	w.Run(batch)
	// acc is the sum over all batches of 0 + 1 + ... + (ops - 1).
	want := uint64(w.Samples) * (w.Ops * (w.Ops - 1) / 2)
	if acc != want {
		tlwDie("wrong result %d, want %d", acc, want)
	}
	tlwKeep(acc)
	tlwFinish()
}
