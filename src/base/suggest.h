/*
 * suggest.h - the closest known name to a misspelt one, for "did you
 * mean" hints on commands, options, experiments, variants, params and
 * metrics.
 *
 * Distance is optimal string alignment (Levenshtein plus the swap of two
 * neighbours, each edit costing 1), compared case-insensitively. A name
 * is suggested only when it is close enough to be the likely intent: at
 * most max(1, len/3) edits for the typed word's length (git's rule of
 * thumb), or when the typed word is a prefix of exactly one name.
 */
#ifndef TL_SUGGEST_H
#define TL_SUGGEST_H

#include <stddef.h>

#include "base/util.h"

/* The edit distance between a and b (case-insensitive). */
size_t tl_suggest_distance(const char *a, const char *b);

/*
 * The candidate closest to word, or NULL when none is close enough (or
 * word is itself a candidate). Ties go to the first in order. Borrows
 * everything; the result points into cands.
 */
const char *tl_suggest(const char *word, const char *const *cands, size_t n);

/* The same over a string vector. */
const char *tl_suggest_strv(const char *word, const struct tl_strv *cands);

/*
 * Appends " (did you mean 'NAME'?)" to b when a candidate is close, else
 * nothing. Returns the suggestion or NULL.
 */
const char *tl_suggest_hint(struct tl_buf *b, const char *word,
			    const struct tl_strv *cands);

#endif
