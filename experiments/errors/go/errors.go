// errors.go - an error travelling up a 3-deep call chain, Go side
// (article 1.3 and 2.5).
//
// One op parses one record of the shared input (see c/errors.c: 4096
// records from splitmix64 seed 42, identical in every language; fact
// input_fnv1a) through parseRecord -> parseField -> parseDigits, all
// noinline. Mechanisms:
//
//	go.sentinel   a package-level error value returned up the chain
//	go.errors_new errors.New at the failure (one allocation per error)
//	go.errorf     sentinel wrapped by fmt.Errorf("%w") at both upper levels
//	go.panic      the deepest level panics; a deferred recover per op
//
// The parsed sum and error count are checked after the batches; reports
// allocs_per_op and error_fraction.
package main

import (
	"errors"
	"fmt"
	"strconv"
)

const nrec = 4096

type input struct {
	rec       [nrec][8]byte
	okSum     uint64
	nbad      uint64
	okBefore  [nrec]uint64
	badBefore [nrec]uint64
}

func splitmix64(s *uint64) uint64 {
	*s += 0x9e3779b97f4a7c15
	z := *s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func makeInput(in *input, rate float64) {
	s := uint64(42)
	threshold := uint64(rate * 9007199254740992.0)
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < nrec; i++ {
		value := splitmix64(&s) % 1000000
		r2, r3 := splitmix64(&s), splitmix64(&s)
		d := strconv.FormatUint(value, 10)
		in.okBefore[i] = in.okSum
		in.badBefore[i] = in.nbad
		copy(in.rec[i][:], d)
		in.rec[i][7] = byte(len(d))
		if r2>>11 < threshold {
			in.rec[i][r3%uint64(len(d))] = 'x'
			in.nbad++
		} else {
			in.okSum += value
		}
		for _, b := range in.rec[i] {
			h ^= uint64(b)
			h *= 0x100000001b3
		}
	}
	tlwFact("input_fnv1a", fmt.Sprintf("%016x", h))
}

var errInvalidChar = errors.New("invalid character")
var errOverflow = errors.New("overflow")

// newErrors selects errors.New per failure in parseDigits.
var newErrors bool

//go:noinline
func parseDigits(s []byte) (uint32, error) {
	var v uint32
	for _, c := range s {
		if c < '0' || c > '9' {
			if newErrors {
				return 0, errors.New("invalid character")
			}
			return 0, errInvalidChar
		}
		v = v*10 + uint32(c-'0')
	}
	return v, nil
}

//go:noinline
func parseField(s []byte) (uint32, error) {
	v, err := parseDigits(s)
	if err != nil {
		return 0, err
	}
	if v > 999999 {
		return 0, errOverflow
	}
	return v, nil
}

//go:noinline
func parseRecord(rec *[8]byte) (uint32, error) {
	return parseField(rec[:rec[7]])
}

//go:noinline
func wrapField(s []byte) (uint32, error) {
	v, err := parseDigits(s)
	if err != nil {
		return 0, fmt.Errorf("field: %w", err)
	}
	if v > 999999 {
		return 0, errOverflow
	}
	return v, nil
}

//go:noinline
func wrapRecord(rec *[8]byte, i uint64) (uint32, error) {
	v, err := wrapField(rec[:rec[7]])
	if err != nil {
		return 0, fmt.Errorf("record %d: %w", i, err)
	}
	return v, nil
}

//go:noinline
func panicDigits(s []byte) uint32 {
	var v uint32
	for _, c := range s {
		if c < '0' || c > '9' {
			panic(errInvalidChar)
		}
		v = v*10 + uint32(c-'0')
	}
	return v
}

//go:noinline
func panicField(s []byte) uint32 {
	v := panicDigits(s)
	if v > 999999 {
		panic(errOverflow)
	}
	return v
}

//go:noinline
func panicRecord(rec *[8]byte) uint32 {
	return panicField(rec[:rec[7]])
}

// panicOp is one op of go.panic: a deferred recover around the chain.
//
//go:noinline
func panicOp(rec *[8]byte) (v uint32, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error)
		}
	}()
	return panicRecord(rec), nil
}

func main() {
	w := tlwArgs()
	rate := w.Float("error_rate", 0.1)
	if !(rate >= 0 && rate <= 1) {
		tlwDie("error_rate must be within 0..1")
	}
	var op func(rec *[8]byte, i uint64) (uint32, error)
	switch {
	case w.Is("go.sentinel"):
		op = func(rec *[8]byte, _ uint64) (uint32, error) { return parseRecord(rec) }
	case w.Is("go.errors_new"):
		newErrors = true
		op = func(rec *[8]byte, _ uint64) (uint32, error) { return parseRecord(rec) }
	case w.Is("go.errorf"):
		op = wrapRecord
	case w.Is("go.panic"):
		op = func(rec *[8]byte, _ uint64) (uint32, error) { return panicOp(rec) }
	default:
		tlwDie("unknown variant '%s'", w.Variant)
	}
	in := new(input)
	makeInput(in, rate)

	var sum, nerr, wantSum, wantErr uint64
	var lastErr error
	batch := func(ops uint64) {
		var s, e uint64
		for i := uint64(0); i < ops; i++ {
			v, err := op(&in.rec[i&(nrec-1)], i)
			if err != nil {
				e++
				lastErr = err
			} else {
				s += uint64(v)
			}
		}
		sum += s
		nerr += e
		wantSum += ops/nrec*in.okSum + in.okBefore[ops%nrec]
		wantErr += ops/nrec*in.nbad + in.badBefore[ops%nrec]
	}
	w.Run(batch)
	if sum != wantSum || nerr != wantErr {
		tlwDie("parsed sum %d errors %d, expected %d and %d", sum, nerr, wantSum, wantErr)
	}
	if lastErr != nil && !errors.Is(lastErr, errInvalidChar) && !w.Is("go.errors_new") {
		tlwDie("error %v is not errInvalidChar", lastErr)
	}
	tlwMetric("error_fraction", float64(in.nbad)/nrec)
	w.AllocsPerOp(batch)
	tlwKeep(sum)
	tlwFinish()
}
