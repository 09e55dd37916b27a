/*
 * select.h - checks what a run was asked for (experiment names, --variant
 * patterns, --param keys) against the registry before anything is built,
 * so that a typo is an error with a did-you-mean rather than an empty run
 * that exits 0.
 */
#ifndef TL_SELECT_H
#define TL_SELECT_H

#include <stddef.h>

#include "measure/registry.h"
#include "base/util.h"

/*
 * names[0..n): experiments (n == 0: all). variants, params: NULL-ended
 * lists as in struct tl_run_opts (either may be NULL). A variant pattern
 * must match (fnmatch, on NAME or EXP/NAME) a variant of at least one
 * selected experiment; a param key (KEY or EXP/KEY before '=') must be a
 * param of at least one selected experiment (of EXP when given).
 * Returns 0, or -EINVAL with one line per problem in err, each
 * "no experiment 'aloc' (did you mean 'alloc'?)".
 */
int tl_select_check(const struct tl_registry *r, const char *const *names,
		    size_t n, const char *const *variants,
		    const char *const *params, struct tl_buf *err);

#endif
