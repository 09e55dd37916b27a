// hashmap.go - insert then look up N keys with Go's built-in map and with a
// type-parameter hash map written here (GMap).
//
// Variants: go.map_string (map[string]int64), go.map_int
// (map[uint64]int64), go.generic_string and go.generic_int (GMap). Param
// keys=N.
//
// One operation is one round: empty the table (clear keeps the capacity
// reserved for N keys before timing), insert the N keys (value = index),
// then look every key up and sum the values. Keys are those of the C and
// Zig workloads: the splitmix64 finaliser of the index, as uint64 or as 16
// lowercase hex digits. The last round's count and sum are checked after
// timing (exit 1 when wrong).
//
// GMap is the same table as lib/htable (linear probing, 7/8 load, control
// bytes then key/value entries, the same hash functions), written once with
// type parameters. Go compiles generics by GC-shape stenciling: one body per
// shape of the type arguments plus a runtime dictionary, so the call to the
// hasher's method goes through the dictionary (an indirect call), as in the
// C generic table, while == on the key is specialised per shape. The facts
// show which instantiations the binary holds.
//
// code_bytes comes from this executable's own ELF symbol table (tlwCodeBytes):
// see code_bytes_method.
package main

import (
	"fmt"
	"os"
	"strings"
)

func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hashString is lib/htable.h's tl_htable_hash_bytes: 8 bytes at a time,
// little-endian, then the splitmix64 finaliser.
func hashString(s string) uint64 {
	h := uint64(0x9e3779b97f4a7c15) ^ uint64(len(s))
	for len(s) >= 8 {
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 |
			uint64(s[3])<<24 | uint64(s[4])<<32 | uint64(s[5])<<40 |
			uint64(s[6])<<48 | uint64(s[7])<<56
		h = (h ^ w) * 0xff51afd7ed558ccd
		h ^= h >> 32
		s = s[8:]
	}
	if len(s) > 0 {
		var w uint64
		for i := len(s) - 1; i >= 0; i-- {
			w = w<<8 | uint64(s[i])
		}
		h = (h ^ w) * 0xff51afd7ed558ccd
		h ^= h >> 32
	}
	return mix64(h)
}

type hasher[K comparable] interface {
	Hash(K) uint64
}

type strHasher struct{}

func (strHasher) Hash(s string) uint64 { return hashString(s) }

type u64Hasher struct{}

func (u64Hasher) Hash(k uint64) uint64 { return mix64(k) }

type entry[K comparable, V any] struct {
	key K
	val V
}

// GMap is an open-addressing hash table for any comparable key with a
// hasher H. It never grows: NewGMap sizes it for n keys, and Put reports
// false when it is full.
type GMap[K comparable, V any, H hasher[K]] struct {
	ctrl     []uint8
	entries  []entry[K, V]
	mask     uint64
	count    int
	maxCount int
	h        H
}

func NewGMap[K comparable, V any, H hasher[K]](n int) *GMap[K, V, H] {
	slots := 8
	for slots-slots/8 < n {
		slots *= 2
	}
	return &GMap[K, V, H]{
		ctrl:     make([]uint8, slots),
		entries:  make([]entry[K, V], slots),
		mask:     uint64(slots - 1),
		maxCount: slots - slots/8,
	}
}

func (m *GMap[K, V, H]) Clear() {
	clear(m.ctrl)
	m.count = 0
}

// Put stores v for k; it returns false when the table is full.
func (m *GMap[K, V, H]) Put(k K, v V) bool {
	i := m.h.Hash(k) & m.mask
	for ; ; i = (i + 1) & m.mask {
		if m.ctrl[i] == 0 {
			if m.count >= m.maxCount {
				return false
			}
			m.ctrl[i] = 1
			m.entries[i] = entry[K, V]{k, v}
			m.count++
			return true
		}
		if m.entries[i].key == k {
			m.entries[i].val = v
			return true
		}
	}
}

func (m *GMap[K, V, H]) Get(k K) (V, bool) {
	i := m.h.Hash(k) & m.mask
	for ; m.ctrl[i] != 0; i = (i + 1) & m.mask {
		if m.entries[i].key == k {
			return m.entries[i].val, true
		}
	}
	var zero V
	return zero, false
}

func (m *GMap[K, V, H]) Len() int { return m.count }

// result of the last round, checked after timing.
var (
	gotCount  int
	gotSum    int64
	gotFailed bool
)

func roundMap[K comparable](m map[K]int64, keys []K) {
	clear(m)
	for i, k := range keys {
		m[k] = int64(i)
	}
	var sum int64
	for _, k := range keys {
		v, ok := m[k]
		if !ok {
			gotFailed = true
		}
		sum += v
	}
	gotCount, gotSum = len(m), sum
}

func roundGeneric[K comparable, H hasher[K]](m *GMap[K, int64, H], keys []K) {
	m.Clear()
	for i, k := range keys {
		if !m.Put(k, int64(i)) {
			gotFailed = true
		}
	}
	var sum int64
	for _, k := range keys {
		v, ok := m.Get(k)
		if !ok {
			gotFailed = true
		}
		sum += v
	}
	gotCount, gotSum = m.Len(), sum
}

func codeFacts(all, perType func(string) bool, method string) {
	a, na, err := tlwCodeBytes(all)
	if err == nil && na == 0 {
		err = fmt.Errorf("no matching symbols")
	}
	if err != nil {
		tlwFact("code_bytes", "absent:"+err.Error())
		return
	}
	b, _, _ := tlwCodeBytes(perType)
	tlwFact("code_bytes", fmt.Sprint(a))
	tlwFact("code_bytes_per_type", fmt.Sprint(b))
	tlwFact("code_bytes_method", method)
}

func main() {
	w := tlwArgs()
	n := int(w.Int("keys", 1000000))
	if n < 1 || n > 100000000 {
		tlwDie("keys=%d out of range 1..100000000", n)
	}
	ikeys := func() []uint64 {
		k := make([]uint64, n)
		for i := range k {
			k[i] = mix64(uint64(i))
		}
		return k
	}
	skeys := func() []string {
		k := make([]string, n)
		for i := range k {
			k[i] = fmt.Sprintf("%016x", mix64(uint64(i)))
		}
		return k
	}
	// The map implementation: package internal/runtime/maps, whose entry
	// points are linknamed as runtime.mapassign*, runtime.mapaccess*, ...
	inMaps := func(s string) bool {
		return strings.HasPrefix(s, "internal/runtime/maps.") || strings.HasPrefix(s, "runtime.map")
	}
	// Instantiations of GMap's methods for one key shape, and its hasher.
	generic := func(shape, hasherName string) func(string) bool {
		return func(s string) bool {
			return strings.HasPrefix(s, "main.(*GMap[go.shape."+shape+",") ||
				strings.HasPrefix(s, "main."+hasherName+".Hash") ||
				strings.HasPrefix(s, "main.(*"+hasherName+").Hash") ||
				(shape == "string" && s == "main.hashString")
		}
	}
	var facts func()
	switch w.Variant {
	case "go.map_int":
		m := make(map[uint64]int64, n)
		keys := ikeys()
		w.Run(func(ops uint64) {
			for ; ops > 0; ops-- {
				roundMap(m, keys)
			}
			tlwKeep(uint64(gotSum))
		})
		facts = func() {
			codeFacts(inMaps, func(s string) bool {
				return inMaps(s) && strings.Contains(s, "fast64") && !strings.Contains(s, "fast64ptr")
			},
				"ELF .symtab of own executable: code_bytes = all internal/runtime/maps and runtime.map* functions (one implementation for every key type); code_bytes_per_type = its fast64 functions (the runtime's hand-written uint64-key paths)")
		}
	case "go.map_string":
		m := make(map[string]int64, n)
		keys := skeys()
		w.Run(func(ops uint64) {
			for ; ops > 0; ops-- {
				roundMap(m, keys)
			}
			tlwKeep(uint64(gotSum))
		})
		facts = func() {
			codeFacts(inMaps, func(s string) bool { return inMaps(s) && strings.Contains(s, "faststr") },
				"ELF .symtab of own executable: code_bytes = all internal/runtime/maps and runtime.map* functions (one implementation for every key type); code_bytes_per_type = its faststr functions (the runtime's hand-written string-key paths)")
		}
	case "go.generic_int":
		m := NewGMap[uint64, int64, u64Hasher](n)
		keys := ikeys()
		w.Run(func(ops uint64) {
			for ; ops > 0; ops-- {
				roundGeneric(m, keys)
			}
			tlwKeep(uint64(gotSum))
		})
		match := generic("uint64", "u64Hasher")
		facts = func() {
			codeFacts(match, match,
				"ELF .symtab of own executable: main.(*GMap[go.shape.uint64,...]) methods (one stencil per GC shape) + u64Hasher.Hash; hashing reached through the generic dictionary")
		}
	case "go.generic_string":
		m := NewGMap[string, int64, strHasher](n)
		keys := skeys()
		w.Run(func(ops uint64) {
			for ; ops > 0; ops-- {
				roundGeneric(m, keys)
			}
			tlwKeep(uint64(gotSum))
		})
		match := generic("string", "strHasher")
		facts = func() {
			codeFacts(match, match,
				"ELF .symtab of own executable: main.(*GMap[go.shape.string,...]) methods (one stencil per GC shape) + strHasher.Hash + hashString; hashing reached through the generic dictionary")
		}
	default:
		tlwDie("unknown variant '%s'", w.Variant)
	}
	want := int64(n) * int64(n-1) / 2
	if gotFailed || (w.Samples > 0 && (gotCount != n || gotSum != want)) {
		fmt.Fprintf(os.Stderr, "hashmap: wrong result: count %d sum %d (want %d, %d)\n", gotCount, gotSum, n, want)
		os.Exit(1)
	}
	tlwFact("keys_per_op", fmt.Sprint(n))
	facts()
	tlwFinish()
}
