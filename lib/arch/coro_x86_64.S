/*
 * coro_x86_64.S - the stackful coroutine context switch for x86-64 (System V).
 *
 * A context is nothing but a stack pointer: the switch pushes the
 * callee-saved registers (rbp rbx r12-r15) and the two callee-saved control
 * words (MXCSR and the x87 control word, System V ABI 3.2.1) on the current
 * stack, stores rsp, loads the other stack's rsp, pops the same frame and
 * jumps to the other context's saved return address. Caller-saved
 * registers need no saving: the compiler already assumes a call clobbers
 * them. The frame is 64 bytes:
 *
 *     sp+0  MXCSR (4 bytes), x87 CW (2 bytes), pad
 *     sp+8  r15   sp+16 r14   sp+24 r13   sp+32 r12   sp+40 rbx   sp+48 rbp
 *     sp+56 return address
 *
 * lib/coro.c builds the first frame of a new coroutine by hand: r12 holds
 * the argument, r13 the entry function, and the return address is
 * tl__coro_trampoline, which calls r13(r12) on a 16-byte aligned stack.
 *
 * Reference: System V AMD64 ABI 1.0, 3.2.1 (registers) and 3.2.2 (frame).
 */
	.text

/* void tl__coro_switch(void **save_sp, void *load_sp) */
	.globl	tl__coro_switch
	.hidden	tl__coro_switch
	.type	tl__coro_switch, @function
	.p2align 4
tl__coro_switch:
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	/*
	 * pop + jmp instead of ret: ret would be predicted from the return
	 * stack buffer, which holds our caller's address, not the other
	 * context's, so it mispredicts on every switch. An indirect jmp is
	 * predicted by target history and learns the ping-pong (measured:
	 * ~13 -> ~10 ns per switch on this VM).
	 */
	popq	%rcx
	jmp	*%rcx
	.cfi_endproc
	.size	tl__coro_switch, .-tl__coro_switch

/*
 * First code a new coroutine runs. rsp is 16-byte aligned here (coro.c
 * puts the frame so), so the call below meets the ABI's alignment rule.
 * The entry function never returns: it switches away for the last time.
 * rbp is zero, which ends frame-pointer stack walks here.
 */
	.globl	tl__coro_trampoline
	.hidden	tl__coro_trampoline
	.type	tl__coro_trampoline, @function
	.p2align 4
tl__coro_trampoline:
	.cfi_startproc
	.cfi_undefined rip
	movq	%r12, %rdi
	call	*%r13
	ud2
	.cfi_endproc
	.size	tl__coro_trampoline, .-tl__coro_trampoline

	.section .note.GNU-stack,"",@progbits
