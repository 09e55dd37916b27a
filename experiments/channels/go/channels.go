// channels.go - Go side of the channels experiment (article 3.2).
//
// go.chan.unbuffered (make(chan uint64)) and go.chan.buffered
// (make(chan uint64, cap)) carry messages between the main goroutine and
// a partner goroutine. pattern=pingpong: one op = one round trip (the
// partner answers v+1 on a second channel); pattern=stream: one op = one
// message one way, a sample ends when the partner has them all.
// pin=same|cross: both goroutines are locked to their OS threads
// (runtime.LockOSThread) and those threads pinned with sched_setaffinity
// to CPU 0 and 0 (same) or 0 and 1 (cross); pin=none leaves scheduling to
// the Go runtime. Facts: NUMA nodes from sysfs.
package main

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"
)

func pinTo(cpu int) {
	if cpu < 0 {
		return
	}
	runtime.LockOSThread()
	var mask [16]uint64
	mask[cpu/64] |= 1 << (uint(cpu) % 64)
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0,
		uintptr(len(mask)*8), uintptr(unsafe.Pointer(&mask[0])))
	if e != 0 {
		tlwDie("sched_setaffinity to CPU %d: %v", cpu, e)
	}
}

func numaNodes() int {
	ents, err := os.ReadDir("/sys/devices/system/node")
	if err != nil {
		return -1
	}
	n := 0
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, "node") && len(name) > 4 &&
			name[4] >= '0' && name[4] <= '9' {
			n++
		}
	}
	return n
}

func main() {
	w := tlwArgs()
	capacity := int(w.Int("cap", 64))
	switch w.Variant {
	case "go.chan.unbuffered":
		capacity = 0
	case "go.chan.buffered":
	default:
		tlwDie("unknown variant '%s'", w.Variant)
	}
	pattern := w.Str("pattern", "pingpong")
	if pattern != "pingpong" && pattern != "stream" {
		tlwDie("pattern must be pingpong or stream, not '%s'", pattern)
	}
	stream := pattern == "stream"
	cpuMain, cpuPartner := -1, -1
	switch pin := w.Str("pin", "cross"); pin {
	case "same":
		cpuMain, cpuPartner = 0, 0
	case "cross":
		if runtime.NumCPU() < 2 {
			tlwFinish()
			os.Stderr.WriteString("workload: pin=cross needs 2 CPUs\n")
			os.Exit(3)
		}
		cpuMain, cpuPartner = 0, 1
	case "none":
	default:
		tlwDie("pin must be same, cross or none, not '%s'", pin)
	}
	tlwFact("cpus_online", strconv.Itoa(runtime.NumCPU()))
	tlwFact("numa_nodes", strconv.Itoa(numaNodes()))
	tlwFact("gomaxprocs", strconv.Itoa(runtime.GOMAXPROCS(0)))
	tlwFact("capacity", strconv.Itoa(capacity))
	tlwFact("clock", "CLOCK_MONOTONIC")

	to := make(chan uint64, capacity)
	back := make(chan uint64, capacity)
	var acked atomic.Uint64
	var received, outOfOrder, sum uint64
	done := make(chan struct{})
	go func() {
		pinTo(cpuPartner)
		expect := uint64(1)
		for v := range to {
			if v != expect {
				outOfOrder++
			}
			expect = v + 1
			received++
			if stream {
				sum += v
				acked.Store(received)
			} else {
				back <- v + 1
			}
		}
		close(done)
	}()
	pinTo(cpuMain)
	next := uint64(1)
	var bad uint64
	if stream {
		w.Run(func(ops uint64) {
			target := acked.Load() + ops
			for i := uint64(0); i < ops; i++ {
				to <- next
				next++
			}
			for acked.Load() < target {
				runtime.Gosched()
			}
		})
	} else {
		w.Run(func(ops uint64) {
			for i := uint64(0); i < ops; i++ {
				to <- next
				if <-back != next+1 {
					bad++
				}
				next++
			}
		})
	}
	close(to)
	<-done
	n := next - 1
	if received != n || outOfOrder != 0 || bad != 0 ||
		(stream && sum != n*(n+1)/2) {
		tlwDie("lost or reordered messages: sent %d, received %d, "+
			"out of order %d, bad replies %d", n, received, outOfOrder, bad)
	}
	tlwFinish()
}
