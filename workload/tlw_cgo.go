package main

// tlw_cgo.go - the valgrind client request for a workload that uses cgo.
//
// In a package that imports "C", the go tool hands .s files to the C
// compiler, so tlw_amd64.s (Go assembler) cannot be used there; the build
// stages this file instead of tlw_amd64.{go,s} and tlw_noasm.go. The
// request is callgrind.h's, made from C: a cgo call on each side of the
// measured region, outside the timed work it brackets.

/*
#include <stdint.h>
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define TLW_HAVE_CALLGRIND 1
#endif
#endif

static uintptr_t tlw_toggle_collect(void)
{
#ifdef TLW_HAVE_CALLGRIND
	CALLGRIND_TOGGLE_COLLECT;
	return 1;
#else
	return 0;
#endif
}
*/
import "C"

// tlwClientRequest serves tlwToggleCollect (the only request tlw.go
// makes): it toggles callgrind's collection, a no-op outside valgrind.
func tlwClientRequest(args *[6]uintptr) uintptr {
	return uintptr(C.tlw_toggle_collect())
}
