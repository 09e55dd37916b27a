/*
 * hello.c - the C start-up baseline: print one line and exit.
 *
 * The startup experiment is process kind: the harness execs this binary
 * repeatedly and measures wall time and rusage per start. argv is ignored.
 * Built dynamic (c.dynamic: ld.so, libc.so mapping and relocation) and
 * static (c.static: -static, no dynamic loader).
 */
#include <stdio.h>

int main(void)
{
	if (puts("hello from c") == EOF)
		return 1;
	return 0;
}
