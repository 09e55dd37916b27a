package main

// tlwClientRequest makes valgrind's client request with the six words at
// args (request code first) and returns the answer, 0 when not under
// valgrind (tlw_amd64.s).
//
//go:noescape
func tlwClientRequest(args *[6]uintptr) uintptr
