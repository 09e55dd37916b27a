/*
 * jsonx.h - JSON text to jansson values, losing one unreadable number
 * instead of the whole file.
 *
 * jansson refuses a whole document when one number overflows a double
 * ("real number overflow") or an int64 ("too big integer"). A results file
 * holds hundreds of figures; one figure written out of range (an old
 * writer's 10-digit DBL_MAX reads back as 1.797693135e308 > DBL_MAX) must
 * cost that figure only.
 */
#ifndef TL_JSONX_H
#define TL_JSONX_H

#include <jansson.h>
#include <stddef.h>

#include "base/util.h"

/*
 * Flags for every results file written: 17 significant digits, so that
 * every double (DBL_MAX, 4.9e-324) reads back to the same bits.
 */
#define TL_JSON_DUMP_FLAGS (JSON_INDENT(1) | JSON_REAL_PRECISION(17))

/* A results file is a few megabytes; past this it is refused unread. */
#define TL_JSON_MAX_BYTES (256 << 20)

/*
 * Parses text[0..len) as json_loadb(JSON_REJECT_DUPLICATES) does, except
 * that each number out of range is removed with the object member or
 * array element that held it, and named in dropped as
 * "path:line:col: number ... does not fit a double; value dropped".
 * Returns a new reference, or NULL with je filled in (line and column of
 * the syntax error, or "larger than ..." past TL_JSON_MAX_BYTES). dropped may
 * be NULL. Thread-safe.
 */
json_t *tl_json_parse(const char *path, const char *text, size_t len,
		      struct tl_diag *dropped, json_error_t *je);

/* The string at key of object o, or dflt when absent or not a string. */
const char *tl_json_str(json_t *o, const char *key, const char *dflt);

#endif
