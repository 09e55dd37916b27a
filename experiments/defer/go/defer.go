// defer.go - the cost of running cleanup at function exit, Go side
// (article 2.4).
//
// One op is one call of a noinline function that takes a lock-like
// resource, does a little work that reads it, may leave early (one call
// in 256) and must release it on every path; see c/defer.c.
//
//	go.none        release written out before each return
//	go.defer       `defer unlock(r)`: open-coded since Go 1.14 (no record)
//	go.loop_none   n resources taken in a loop, n explicit releases
//	go.loop_defer  `defer unlock(r)` inside the loop: never open-coded,
//	               one defer record per iteration on the goroutine's chain
//
// The sum seen by the body, held == 0 and the release count are checked
// after the batches; reports allocs_per_op.
package main

type res struct {
	held, released uint64
}

func lock(r *res) { r.held++ }

func unlock(r *res) {
	r.held--
	r.released++
}

//go:noinline
func fNone(r *res, x uint64) uint64 {
	lock(r)
	v := x*3 + r.held
	if x&255 == 255 {
		unlock(r)
		return v
	}
	v ^= x >> 3
	unlock(r)
	return v
}

//go:noinline
func fDefer(r *res, x uint64) uint64 {
	lock(r)
	defer unlock(r)
	v := x*3 + r.held
	if x&255 == 255 {
		return v
	}
	v ^= x >> 3
	return v
}

var nloop = 8

//go:noinline
func fLoopNone(r *res, x uint64) uint64 {
	for j := 0; j < nloop; j++ {
		lock(r)
	}
	v := x*3 + r.held
	for j := 0; j < nloop; j++ {
		unlock(r)
	}
	return v
}

//go:noinline
func fLoopDefer(r *res, x uint64) uint64 {
	for j := 0; j < nloop; j++ {
		lock(r)
		defer unlock(r)
	}
	return x*3 + r.held
}

func expected(ops, heldInside uint64, samples int) uint64 {
	var sum uint64
	for i := uint64(0); i < ops; i++ {
		v := i*3 + heldInside
		if heldInside == 1 && i&255 != 255 {
			v ^= i >> 3
		}
		sum += v
	}
	return sum * uint64(samples)
}

func main() {
	w := tlwArgs()
	nloop = int(w.Int("n", 8))
	if nloop < 1 || nloop > 128 {
		tlwDie("n must be within 1..128")
	}
	var fn func(*res, uint64) uint64
	perCall := uint64(1)
	switch {
	case w.Is("go.none"):
		fn = fNone
	case w.Is("go.defer"):
		fn = fDefer
	case w.Is("go.loop_none"):
		fn, perCall = fLoopNone, uint64(nloop)
	case w.Is("go.loop_defer"):
		fn, perCall = fLoopDefer, uint64(nloop)
	default:
		tlwDie("unknown variant '%s'", w.Variant)
	}
	r := &res{}
	var sum, calls uint64
	batch := func(ops uint64) {
		var s uint64
		for i := uint64(0); i < ops; i++ {
			s += fn(r, i)
		}
		sum += s
		calls += ops
	}
	w.Run(batch)
	if r.held != 0 || r.released != calls*perCall || sum != expected(w.Ops, perCall, w.Samples) {
		tlwDie("held %d released %d sum %d: cleanup went wrong", r.held, r.released, sum)
	}
	w.AllocsPerOp(batch)
	tlwKeep(sum)
	tlwFinish()
}
