// registry.go - Go start-up with a large init-time registry.
//
// The question: what does package initialisation of a big program cost at
// start-up (article 3.3 blames "type registration and GC metadata
// preloading" for 87 ms and a page-fault storm)? registry_gen.go (made at
// build time by ../../gen_registry.sh: 2000 struct types with pointer
// fields, 2000 package-level map literals of 8 entries, 2000 register()
// calls from init) is this program's whole difference from hello.go, so the gap
// between go.registry and go is the cost of such a registry.
//
// Process kind: argv is ignored; it prints one line. It checks that init
// registered every type and map before printing, and exits 1 otherwise.
package main

import (
	"fmt"
	"os"
	"reflect"
)

type regEntry struct {
	typ      reflect.Type
	defaults map[string]int
	make     func() any
}

var registry = make(map[string]*regEntry)

// register records a type by name, as gob.Register or a protobuf registry
// does: the reflect.Type (its descriptor and GC metadata are read), its
// defaults and a constructor.
func register(name string, zero any, defaults map[string]int, mk func() any) {
	if _, dup := registry[name]; dup {
		panic("duplicate type " + name)
	}
	registry[name] = &regEntry{typ: reflect.TypeOf(zero).Elem(),
		defaults: defaults, make: mk}
}

func main() {
	entries := 0
	for _, e := range registry {
		entries += len(e.defaults)
	}
	if len(registry) != regTypes || entries != regTypes*regEntries {
		fmt.Fprintf(os.Stderr, "registry: %d types, %d entries; want %d, %d\n",
			len(registry), entries, regTypes, regTypes*regEntries)
		os.Exit(1)
	}
	fmt.Println("hello from go.registry:", len(registry), "types,", entries, "map entries")
}
