// json.go - serialise records of a 6-field struct to JSON in Go: with
// encoding/json (reflection over reflect.Type, variant go.encoding_json)
// and with a hand-written appender (variant go.handwritten). Param
// records=N (default 1000).
//
// The records come from the generator shared with the C and Zig workloads
// (splitmix64 from seed 0x5eed, same recipe), so every variant of every
// language must print the same output_bytes and output_fnv1a64: the N
// records serialised one per line. One operation serialises one record,
// cycling through the N; encoding/json returns a fresh slice per call
// (json.Marshal, as users call it), the hand-written one appends into a
// reused buffer. The data holds no < > & (which encoding/json alone would
// escape as \u003c...).
//
// code_bytes is read from this executable's ELF symbol table: see
// code_bytes_method.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

type Record struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Age     int32  `json:"age"`
	Balance int64  `json:"balance"`
	Active  bool   `json:"active"`
}

type splitmix struct{ s uint64 }

func (r *splitmix) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func makeRecords(n int) []Record {
	first := [8]string{"Ann", "Bob", "Chen", "Dana", "José", "Eve", "Kai", "Lu"}
	last := [8]string{"Smith", "O\"Neil", "Back\\Slash", "Tab\tTer", "Nguyen", "Li", "Müller", "Kowalski"}
	rng := splitmix{0x5eed}
	rs := make([]Record, n)
	for i := range rs {
		r := &rs[i]
		r.ID = int64(rng.next() >> 1)
		f := first[rng.next()%8]
		l := last[rng.next()%8]
		r.Name = f + " " + l
		r.Email = "user" + strconv.Itoa(i) + "@example.com"
		r.Age = int32(rng.next() % 100)
		r.Balance = int64(rng.next()%2000001) - 1000000
		r.Active = rng.next()&1 != 0
	}
	return rs
}

// appendString writes s quoted and escaped as encoding/json does for
// strings without < > & or U+2028/U+2029 (lib/jsongen.h's rules).
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendRecord(b []byte, r *Record) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, r.ID, 10)
	b = append(b, `,"name":`...)
	b = appendString(b, r.Name)
	b = append(b, `,"email":`...)
	b = appendString(b, r.Email)
	b = append(b, `,"age":`...)
	b = strconv.AppendInt(b, int64(r.Age), 10)
	b = append(b, `,"balance":`...)
	b = strconv.AppendInt(b, r.Balance, 10)
	b = append(b, `,"active":`...)
	b = strconv.AppendBool(b, r.Active)
	return append(b, '}')
}

var buf = make([]byte, 0, 4096)

func serialise(variant string, r *Record) ([]byte, error) {
	if variant == "go.encoding_json" {
		return json.Marshal(r)
	}
	buf = appendRecord(buf[:0], r)
	return buf, nil
}

// codeBytes is tlwCodeBytes with "no matching symbols" as an error.
func codeBytes(match func(string) bool) (int64, error) {
	total, _, err := tlwCodeBytes(match)
	if err == nil && total == 0 {
		err = fmt.Errorf("no matching symbols")
	}
	return total, err
}

func main() {
	w := tlwArgs()
	n := int(w.Int("records", 1000))
	if n < 1 || n > 10000000 {
		tlwDie("records=%d out of range 1..10000000", n)
	}
	if !w.Is("go.encoding_json") && !w.Is("go.handwritten") {
		tlwDie("unknown variant '%s'", w.Variant)
	}
	recs := makeRecords(n)
	next := 0
	var bytes uint64
	failed := false

	t0 := time.Now()
	if w.Is("go.encoding_json") {
		w.Run(func(ops uint64) {
			for ; ops > 0; ops-- {
				out, err := json.Marshal(&recs[next])
				if err != nil {
					failed = true
				}
				bytes += uint64(len(out))
				tlwSinkPtr = out
				if next++; next == n {
					next = 0
				}
			}
		})
	} else {
		w.Run(func(ops uint64) {
			for ; ops > 0; ops-- {
				buf = appendRecord(buf[:0], &recs[next])
				bytes += uint64(len(buf))
				if next++; next == n {
					next = 0
				}
			}
			tlwSinkPtr = buf
		})
	}
	elapsed := time.Since(t0)
	if failed {
		fmt.Fprintln(os.Stderr, "json: a record did not serialise")
		os.Exit(1)
	}
	if w.Samples > 0 && elapsed > 0 {
		tlwMetric("mb_per_s", float64(bytes)/1e6/elapsed.Seconds())
	}

	// The check: FNV-1a 64 of the N records, one per line.
	h := uint64(0xcbf29ce484222325)
	total := 0
	dump := w.Int("dump", 0) != 0
	for i := range recs {
		out, err := serialise(w.Variant, &recs[i])
		if err != nil {
			fmt.Fprintln(os.Stderr, "json: a record did not serialise:", err)
			os.Exit(1)
		}
		out = append(out, '\n')
		if dump {
			os.Stderr.Write(out)
		}
		for _, c := range out {
			h ^= uint64(c)
			h *= 0x100000001b3
		}
		total += len(out)
	}
	tlwFact("records", strconv.Itoa(n))
	tlwFact("output_bytes", strconv.Itoa(total))
	tlwFact("output_fnv1a64", fmt.Sprintf("%016x", h))

	var match func(string) bool
	var method string
	if w.Is("go.encoding_json") {
		// From Go 1.27 encoding/json is a thin layer over encoding/json/v2
		// and encoding/json/jsontext (and their internal packages): all of
		// it is the serialiser, so its subpackages count too.
		match = func(s string) bool {
			return strings.HasPrefix(s, "encoding/json.") || strings.HasPrefix(s, "encoding/json/")
		}
		method = "ELF .symtab of own executable: all functions of encoding/json and its subpackages (v2, jsontext, internal/...) linked in (the reflect package it drives is reported as reflect_code_bytes)"
		if b, err := codeBytes(func(s string) bool { return strings.HasPrefix(s, "reflect.") }); err == nil {
			tlwFact("reflect_code_bytes", strconv.FormatInt(b, 10))
		}
	} else {
		match = func(s string) bool { return s == "main.appendRecord" || s == "main.appendString" }
		method = "ELF .symtab of own executable: main.appendRecord + main.appendString (strconv helpers not counted)"
	}
	if b, err := codeBytes(match); err == nil {
		tlwFact("code_bytes", strconv.FormatInt(b, 10))
		tlwFact("code_bytes_method", method)
	} else {
		tlwFact("code_bytes", "absent:"+err.Error())
	}
	tlwFinish()
}
