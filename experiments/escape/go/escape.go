// escape.go - a function hands back three ints: where do they live?
// (article 2.2, Go side)
//
//	go.escape    returns x[:] of a local [3]int: escape analysis moves x
//	             to the heap (the c.probe fact shows the compiler saying so)
//	go.noescape  returns the [3]int by value: it stays on the stack
//
// One op: one call, the three values summed; the sum is checked after.
// Reports allocs_per_op.
package main

//go:noinline
func sliceOfLocal(base int) []int {
	x := [3]int{base + 1, base + 2, base + 3}
	return x[:]
}

//go:noinline
func arrayByValue(base int) [3]int {
	return [3]int{base + 1, base + 2, base + 3}
}

func main() {
	w := tlwArgs()
	var sum, expect uint64
	var batch func(ops uint64)

	switch {
	case w.Is("go.escape"):
		batch = func(ops uint64) {
			var s, e uint64
			for i := uint64(0); i < ops; i++ {
				base := int(i & 1023)
				x := sliceOfLocal(base)
				s += uint64(x[0] + x[1] + x[2])
				e += uint64(3*base + 6)
			}
			sum += s
			expect += e
		}
	case w.Is("go.noescape"):
		batch = func(ops uint64) {
			var s, e uint64
			for i := uint64(0); i < ops; i++ {
				base := int(i & 1023)
				x := arrayByValue(base)
				s += uint64(x[0] + x[1] + x[2])
				e += uint64(3*base + 6)
			}
			sum += s
			expect += e
		}
	default:
		tlwDie("unknown variant '%s'", w.Variant)
	}
	w.Run(batch)
	if sum != expect {
		tlwDie("sum %d, expected %d", sum, expect)
	}
	tlwKeep(sum)
	w.AllocsPerOp(batch)
	tlwFinish()
}
