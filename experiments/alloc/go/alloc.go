// alloc.go - one short-lived heap allocation, Go side (article 2.1).
//
// One op, as in c/alloc.c: get `size` bytes, write their first and last
// byte, publish the slice, read the two bytes back, and let it go.
//
//	go.new   make([]byte, size) stored to a package variable, so escape
//	         analysis must put it on the heap; the GC reclaims it, so its
//	         marking, sweeping and assists are in the measured time (the
//	         memory is also zeroed, as every Go allocation is)
//	go.pool  sync.Pool Get/Put of a *[]byte of `size` bytes
//
// Metrics: allocs_per_op (runtime.MemStats.Mallocs over untimed runs, one
// value a sample) and gc_cycles_per_op (NumGC over the timed batches).
package main

import (
	"runtime"
	"sync"
)

var allocSink []byte

type allocCtx struct {
	size   int
	seq    uint64
	sum    uint64
	expect uint64
}

func (c *allocCtx) touch(p []byte) {
	b := byte(c.seq)
	c.seq++
	p[0] = b
	p[len(p)-1] = b
	allocSink = p
	q := allocSink
	c.sum += uint64(q[0]) + uint64(q[len(q)-1])
	c.expect += 2 * uint64(b)
}

func main() {
	w := tlwArgs()
	size := int(w.Int("size", 64))
	if size < 1 || size > 1<<20 {
		tlwDie("size=%d out of range 1..%d", size, 1<<20)
	}
	c := &allocCtx{size: size}
	var batch func(ops uint64)

	switch {
	case w.Is("go.new"):
		batch = func(ops uint64) {
			for i := uint64(0); i < ops; i++ {
				c.touch(make([]byte, c.size))
			}
		}
	case w.Is("go.pool"):
		pool := &sync.Pool{New: func() any {
			b := make([]byte, size)
			return &b
		}}
		batch = func(ops uint64) {
			for i := uint64(0); i < ops; i++ {
				bp := pool.Get().(*[]byte)
				c.touch(*bp)
				pool.Put(bp)
			}
		}
	default:
		tlwDie("unknown variant '%s'", w.Variant)
	}

	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	w.Run(batch)
	runtime.ReadMemStats(&m1)
	if c.sum != c.expect {
		tlwDie("read back %d, expected %d", c.sum, c.expect)
	}
	if w.Samples > 0 {
		tlwMetric("gc_cycles_per_op",
			float64(m1.NumGC-m0.NumGC)/float64(w.Ops*uint64(w.Samples)))
	}
	w.AllocsPerOp(batch)
	allocSink = nil
	tlwFinish()
}
