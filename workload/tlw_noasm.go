//go:build !amd64

package main

// tlwClientRequest is valgrind's client request (tlw_amd64.s); elsewhere
// there is none, and the answer is the default.
func tlwClientRequest(args *[6]uintptr) uintptr {
	return 0
}
