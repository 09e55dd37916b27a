/*
 * ffi_lib.c - the "foreign" function every ffi variant calls: trivial on
 * purpose, so the figure is the cost of crossing into it. Compiled as its
 * own translation unit (C, cgo, zig build-exe) or as a shared object
 * (the dlopen variant builds it at run time with TL_CC).
 */
#include <stdint.h>

uint64_t ffi_add(uint64_t a, uint64_t b);

uint64_t ffi_add(uint64_t a, uint64_t b)
{
	return a + b;
}
