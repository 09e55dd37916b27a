/*
 * help.h - `traplab help claims`: the claim language, printed from the
 * tables the parser and the verdict engine use (predicates, dimensions,
 * units, needs, verdicts, adjustments), so the help cannot drift from
 * the code.
 */
#ifndef TL_HELP_H
#define TL_HELP_H

#include <stdio.h>

void tl_help_claims(FILE *f);

#endif
