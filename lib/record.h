/*
 * record.h - the record the json experiment serialises, defined once.
 *
 * Six fields of the kinds a typical API object has (two 64-bit integers,
 * two strings, a 32-bit integer, a bool), described twice from one
 * X-macro list: as a struct with its X-macro serialiser's fields
 * (lib/jsongen.h) and as a runtime type descriptor (lib/reflect.h). The
 * workload (experiments/json/c/json.c) times the two serialisers on it,
 * and tests/unit/test_reflect.c checks them on it, so both always see the
 * same shape. The Go and Zig workloads declare the same fields in the
 * same order, so all variants print the same bytes.
 *
 * Each includer expands the serialiser itself, with the storage class it
 * wants (the workload keeps it out of line to measure its size):
 *
 *     TL_JSONGEN_FUNC(static, tl_record, TL_RECORD_FIELDS)
 *
 * which defines tl_record_to_json(). Everything here is constant data.
 */
#ifndef TL_RECORD_H
#define TL_RECORD_H

#include <stddef.h>

#include "jsongen.h"
#include "reflect.h"

#define TL_RECORD_FIELDS(X)                                                    \
	X(I64, id)                                                             \
	X(STR, name)                                                           \
	X(STR, email)                                                          \
	X(I32, age)                                                            \
	X(I64, balance)                                                        \
	X(BOOL, active)

TL_JSONGEN_STRUCT(tl_record, TL_RECORD_FIELDS)

/* The same fields as run-time data, for tl_reflect_to_json(). */
#define TL_RECORD_REFLECT(kind, field)                                         \
	{#field, TL_REFLECT_##kind, offsetof(struct tl_record, field), NULL},
static const struct tl_reflect_field tl_record_fields[] = {
	TL_RECORD_FIELDS(TL_RECORD_REFLECT)};
#undef TL_RECORD_REFLECT
static const struct tl_reflect_type tl_record_type = {
	"record", sizeof(tl_record_fields) / sizeof(tl_record_fields[0]),
	tl_record_fields};

#endif
