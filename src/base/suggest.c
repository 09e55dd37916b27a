/*
 * suggest.c - closest-name suggestions (see suggest.h for the rule).
 *
 * Names are short (a command, a variant, a metric), so the O(n*m) table
 * is two rows plus the one before them, on the stack for names up to 64
 * bytes and on the heap beyond.
 */
#include "base/suggest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/banned.h"

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

size_t tl_suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d;
	size_t stack[3][65], *r0, *r1, *r2, *heap = NULL, *t;

	if (lb < 65) {
		r0 = stack[0], r1 = stack[1], r2 = stack[2];
	} else {
		heap = xcalloc(3 * (lb + 1), sizeof(*heap));
		r0 = heap, r1 = heap + lb + 1, r2 = heap + 2 * (lb + 1);
	}
	/* r2: row i-2, r1: row i-1, r0: row i. */
	for (j = 0; j <= lb; j++)
		r1[j] = j;
	for (i = 1; i <= la; i++) {
		r0[0] = i;
		for (j = 1; j <= lb; j++) {
			int same = tolower((unsigned char)a[i - 1]) ==
				   tolower((unsigned char)b[j - 1]);

			r0[j] = min3(r1[j] + 1, r0[j - 1] + 1,
				     r1[j - 1] + !same);
			if (i > 1 && j > 1 &&
			    tolower((unsigned char)a[i - 1]) ==
				    tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) ==
				    tolower((unsigned char)b[j - 1]) &&
			    r2[j - 2] + 1 < r0[j])
				r0[j] = r2[j - 2] + 1;
		}
		t = r2, r2 = r1, r1 = r0, r0 = t;
	}
	d = r1[lb];
	free(heap);
	return d;
}

const char *tl_suggest(const char *word, const char *const *cands, size_t n)
{
	size_t i, best = (size_t)-1, d, len = strlen(word), nprefix = 0;
	size_t limit = len / 3 > 1 ? len / 3 : 1;
	const char *pick = NULL, *prefix = NULL;

	for (i = 0; i < n; i++) {
		if (!cands[i])
			continue;
		if (!strcmp(word, cands[i]))
			return NULL;
		if (len && !strncasecmp(word, cands[i], len)) {
			prefix = cands[i];
			nprefix++;
		}
		d = tl_suggest_distance(word, cands[i]);
		if (d < best) {
			best = d;
			pick = cands[i];
		}
	}
	if (pick && best <= limit)
		return pick;
	return nprefix == 1 ? prefix : NULL;
}

const char *tl_suggest_strv(const char *word, const struct tl_strv *cands)
{
	return tl_suggest(word, (const char *const *)cands->v, cands->n);
}

const char *tl_suggest_hint(struct tl_buf *b, const char *word,
			    const struct tl_strv *cands)
{
	const char *s = tl_suggest_strv(word, cands);

	if (s)
		tl_buf_printf(b, " (did you mean '%s'?)", s);
	return s;
}
