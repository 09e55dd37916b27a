// tlw_amd64.s - valgrind's client request, for tlw.go's measured region.
//
// The sequence is valgrind's "special instruction preamble" for amd64
// (valgrind.h, __SPECIAL_INSTRUCTION_PREAMBLE): four rotates of RDI by 3,
// 13, 61 and 51 bits (128 in all: RDI is unchanged) and xchg rbx,rbx. On
// the CPU it does nothing; under valgrind it is a request whose arguments
// are the six words at AX and whose answer is in DX (0, the default, when
// no tool answers).

#include "textflag.h"

// func tlwClientRequest(args *[6]uintptr) uintptr
TEXT ·tlwClientRequest(SB), NOSPLIT, $0-16
	MOVQ args+0(FP), AX
	MOVQ $0, DX
	ROLQ $3, DI
	ROLQ $13, DI
	ROLQ $61, DI
	ROLQ $51, DI
	XCHGQ BX, BX
	MOVQ DX, ret+8(FP)
	RET
