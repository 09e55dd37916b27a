/*
 * reflect.h - a JSON serialiser driven by runtime type descriptors: the C
 * model of Go's encoding/json (reflect.Type walked at run time).
 *
 * A type is described by data: its fields' names, kinds and offsets. The
 * serialiser loops over the descriptor and switches on each field's kind,
 * so one compiled function serialises every type, at the price of reading
 * the descriptor (more data-cache traffic), a data-dependent branch per
 * field, and keys that are run-time strings (escaped on every call) rather
 * than constants. lib/jsongen.h is the same serialiser generated per type;
 * both write through the tl_jsongen_* writers, so their output is
 * byte-identical (see jsongen.h for the format).
 *
 * Descriptors are plain constant data the caller defines (typically
 * static const, with offsetof), like the type information a compiler
 * emits for reflection. Thread-safe: no shared mutable state.
 */
#ifndef TL_REFLECT_H
#define TL_REFLECT_H

#include <stddef.h>

#include "jsongen.h"

enum tl_reflect_kind {
	TL_REFLECT_BOOL,   /* bool */
	TL_REFLECT_I32,	   /* int32_t */
	TL_REFLECT_I64,	   /* int64_t */
	TL_REFLECT_U64,	   /* uint64_t */
	TL_REFLECT_STR,	   /* const char *, NUL-terminated UTF-8 */
	TL_REFLECT_STRUCT, /* a nested struct, described by field.type */
};

struct tl_reflect_type;

struct tl_reflect_field {
	const char *name;
	enum tl_reflect_kind kind;
	size_t offset;
	/* The nested type for TL_REFLECT_STRUCT; NULL otherwise. */
	const struct tl_reflect_type *type;
};

struct tl_reflect_type {
	const char *name;
	size_t nfields;
	const struct tl_reflect_field *fields;
};

/*
 * Appends the object at obj, of type t, to o as one JSON object. Overflow
 * is recorded in o (see tl_jsongen_len). Returns 0, or -EINVAL when the
 * descriptor holds an unknown kind or a struct field without a type.
 * Borrows everything.
 */
int tl_reflect_put(struct tl_jsongen_out *o, const struct tl_reflect_type *t,
		   const void *obj);

/*
 * Writes the object at obj, of type t, into buf as one JSON object (no NUL
 * added). Returns its length, -ENOSPC when cap is too small, or -EINVAL
 * for a bad descriptor.
 */
int tl_reflect_to_json(const struct tl_reflect_type *t, const void *obj,
		       char *buf, size_t cap);

#endif
