// hello.go - the Go start-up baseline: a plain hello.
//
// Process kind: the harness execs the binary repeatedly and measures wall
// time and rusage per start; argv is ignored. The binary also links
// workload/tlw.go (staged beside it by the harness); tlw.go does no work at
// package init, so it adds only its imports' init (fmt, strconv, strings).
package main

import "fmt"

func main() {
	fmt.Println("hello from go")
}
