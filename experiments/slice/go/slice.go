// slice.go - slice headers and a misaligned u32 load, Go side (article 2.3).
//
// Facts: go_slice_header_bytes (unsafe.Sizeof of a []uint32) and
// go_string_header_bytes. One op is one binary.LittleEndian.Uint32 load
// (a single MOVL on amd64) from one of 8 positions at the same offset in
// 8 pages, as in c/slice.c:
//
//	go.aligned     offset 4032, aligned
//	go.split_line  offset 4030, straddles two cache lines
//	go.split_page  offset 4094, straddles two pages
//
// The loads are summed and checked against a byte-wise recomputation.
package main

import (
	"encoding/binary"
	"strconv"
	"unsafe"
)

const page = 4096
const npos = 8

func main() {
	w := tlwArgs()
	var off int
	switch {
	case w.Is("go.aligned"):
		off = 4032
	case w.Is("go.split_line"):
		off = 4030
	case w.Is("go.split_page"):
		off = 4094
	default:
		tlwDie("unknown variant '%s'", w.Variant)
	}
	tlwFact("go_slice_header_bytes", strconv.Itoa(int(unsafe.Sizeof([]uint32(nil)))))
	tlwFact("go_string_header_bytes", strconv.Itoa(int(unsafe.Sizeof(""))))

	raw := make([]byte, (npos+2)*page)
	skip := (page - int(uintptr(unsafe.Pointer(&raw[0]))%page)) % page
	buf := raw[skip : skip+(npos+1)*page]
	for k := range buf {
		buf[k] = byte(k*7 + 3)
	}
	var pos [npos][]byte
	var perRound uint64
	for k := 0; k < npos; k++ {
		pos[k] = buf[k*page+off : k*page+off+4]
		p := pos[k]
		perRound += uint64(p[0]) | uint64(p[1])<<8 | uint64(p[2])<<16 | uint64(p[3])<<24
	}
	var sum uint64
	w.Run(func(ops uint64) {
		var s uint64
		for i := uint64(0); i < ops; i++ {
			s += uint64(binary.LittleEndian.Uint32(pos[i&(npos-1)]))
		}
		sum += s
	})
	var want uint64
	for s := 0; s < w.Samples; s++ {
		want += w.Ops / npos * perRound
		for i := uint64(0); i < w.Ops%npos; i++ {
			p := pos[i]
			want += uint64(p[0]) | uint64(p[1])<<8 | uint64(p[2])<<16 | uint64(p[3])<<24
		}
	}
	if sum != want {
		tlwDie("sum %d, expected %d", sum, want)
	}
	tlwKeep(sum)
	tlwFinish()
}
