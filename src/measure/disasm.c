/*
 * disasm.c - one function's instructions from objdump, and the diff of
 * two listings.
 *
 * objdump (binutils >= 2.32) prints one function with
 * --disassemble=SYMBOL; its instruction lines are "  ADDR:\tMNEMONIC
 * OPERANDS [# comment]". The diff is the classic LCS table: listings are
 * a few dozen to a few hundred instructions, so O(n m) is nothing.
 */
#include "measure/disasm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/proc.h"
#include "base/banned.h"

/* "jne    50 <run+0x10>" -> "jne <run+0x10>"; blanks squeezed. */
static char *normalise(const char *ins)
{
	struct tl_buf b = TL_BUF_INIT;
	const char *p = ins, *lt = strchr(ins, '<'), *hash = strchr(ins, '#');
	char *s;

	for (; *p && p != hash; p++) {
		if (lt && p < lt && p + 1 < lt && p[0] == ' ' && lt > p) {
			/* Drop a bare hex target just before "<sym>". */
			const char *q = p + 1;

			while (q < lt && strchr("0123456789abcdef", *q))
				q++;
			if (q + 1 == lt && *q == ' ' && q > p + 1) {
				tl_buf_puts(&b, " ");
				p = q;
				continue;
			}
		}
		if ((*p == ' ' || *p == '\t') &&
		    (!b.len || b.s[b.len - 1] == ' '))
			continue;
		tl_buf_append(&b, *p == '\t' ? " " : p, 1);
	}
	while (b.len && b.s[b.len - 1] == ' ')
		b.s[--b.len] = '\0';
	s = xstrdup(tl_buf_str(&b));
	tl_buf_release(&b);
	return s;
}

int tl_disasm_symbol(const char *bin, const char *symbol, struct tl_strv *lines)
{
	char *opt = xasprintf("--disassemble=%s", symbol);
	const char *argv[] = {"objdump", "-d", "--no-show-raw-insn", "-w", opt,
			      bin,	 NULL};
	struct tl_proc_spec spec = {
		.argv = argv, .timeout_s = 30, .pin_cpu = -1};
	struct tl_proc_result res;
	size_t before = lines->n;
	char *line, *save = NULL;
	int err;

	memset(&res, 0, sizeof(res));
	err = tl_proc_run(&spec, &res);
	free(opt);
	if (err)
		return err;
	if (res.end != TL_PROC_EXITED || res.exit_code != 0 || !res.out) {
		tl_proc_result_release(&res);
		return -ENOENT;
	}
	for (line = strtok_r(res.out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');
		char *colon = strchr(line, ':');

		/* Instruction lines: "  ADDR:\tINS"; skip "ADDR <sym>:". */
		if (!tab || !colon || colon > tab || line[0] != ' ')
			continue;
		while (*tab == '\t' || *tab == ' ')
			tab++;
		if (*tab)
			tl_strv_push_owned(lines, normalise(tab));
	}
	tl_proc_result_release(&res);
	/* Alignment padding after the last instruction is never run. */
	while (lines->n > before &&
	       (!strncmp(lines->v[lines->n - 1], "nop", 3) ||
		!strcmp(lines->v[lines->n - 1], "int3") ||
		!strncmp(lines->v[lines->n - 1], "xchg %ax,%ax", 12) ||
		!strncmp(lines->v[lines->n - 1], "cs nop", 6)))
		free(lines->v[--lines->n]);
	return lines->n > before ? 0 : -ENOENT;
}

/*
 * How well two instructions pair up: 0 not at all (other mnemonics, or
 * only one of them sets the stack pointer), 3 when identical, 1 when
 * only their registers differ: register allocation differs between two
 * compilations of nearly the same code, and the instructions that make a
 * difference are the ones with no counterpart at all (the `sub rsp`).
 */
static size_t pair_score(const char *x, const char *y)
{
	size_t nx = strcspn(x, " "), ny = strcspn(y, " ");
	size_t lx = strlen(x), ly = strlen(y);
	int sx = lx > 5 && !strcmp(x + lx - 5, ",%rsp");
	int sy = ly > 5 && !strcmp(y + ly - 5, ",%rsp");

	if (nx != ny || strncmp(x, y, nx) || sx != sy)
		return 0;
	return strcmp(x, y) ? 1 : 3;
}

static size_t max3(size_t a, size_t b, size_t c)
{
	size_t m = a > b ? a : b;

	return m > c ? m : c;
}

/*
 * Marks '~' (moved) the unpaired lines of a and b that have a counterpart
 * elsewhere in the other listing (scheduling moved them): identical text
 * first, then the same mnemonic.
 */
static void moved(const struct tl_strv *a, const struct tl_strv *b, char *ma,
		  char *mb)
{
	size_t i, j;

	static const size_t wants[] = {3, 1};
	size_t w, want;

	for (w = 0; w < TL_ARRAY_SIZE(wants) && (want = wants[w]); w++)
		for (i = 0; i < a->n; i++)
			for (j = 0; ma[i] == '+' && j < b->n; j++)
				if (mb[j] == '-' &&
				    pair_score(a->v[i], b->v[j]) >= want)
					ma[i] = mb[j] = '~';
}

size_t tl_disasm_diff(struct tl_buf *out, const struct tl_strv *a,
		      const struct tl_strv *b)
{
	size_t n = a->n, m = b->n, i, j, marked = 0;
	size_t *t = xcalloc((n + 1) * (m + 1), sizeof(*t));
	char *ma = xcalloc(n + 1, 1), *mb = xcalloc(m + 1, 1);
	size_t *pa = xcalloc(n + 1, sizeof(*pa));

#define T(i, j) t[(i) * (m + 1) + (j)]
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;) {
			size_t w = pair_score(a->v[i], b->v[j]);

			T(i, j) = max3(T(i + 1, j), T(i, j + 1),
				       w ? T(i + 1, j + 1) + w : 0);
		}
	/* Walk the table: pa[i] = 1 + the index in b paired with a[i]. */
	memset(ma, '+', n);
	memset(mb, '-', m);
	for (i = 0, j = 0; i < n && j < m;) {
		size_t w = pair_score(a->v[i], b->v[j]);

		if (w && T(i, j) == T(i + 1, j + 1) + w) {
			ma[i] = mb[j] = ' ';
			pa[i++] = ++j;
		} else if (T(i + 1, j) >= T(i, j + 1)) {
			i++;
		} else {
			j++;
		}
	}
#undef T
	moved(a, b, ma, mb);
	for (i = 0, j = 0; i < n || j < m;) {
		if (i < n && pa[i]) {
			for (; j + 1 < pa[i]; j++)
				tl_buf_printf(out, "  %c %-34s %s\n", mb[j], "",
					      b->v[j]);
			tl_buf_printf(out, "    %-34s %s\n", a->v[i++],
				      b->v[j++]);
		} else if (i < n) {
			tl_buf_printf(out, "  %c %s\n", ma[i], a->v[i]);
			i++;
		} else {
			tl_buf_printf(out, "  %c %-34s %s\n", mb[j], "",
				      b->v[j]);
			j++;
		}
	}
	for (i = 0; i < n; i++)
		marked += ma[i] == '+';
	for (j = 0; j < m; j++)
		marked += mb[j] == '-';
	free(t);
	free(ma);
	free(mb);
	free(pa);
	return marked;
}
