/*
 * jsongen.h - JSON serialisers generated at compile time by X-macros: the
 * C model of Zig's comptime @typeInfo serialisation (header only).
 *
 * A struct is described once, as a list of (kind, field) pairs:
 *
 *     #define RECORD_FIELDS(X) \
 *             X(I64, id) X(STR, name) X(BOOL, active)
 *     TL_JSONGEN_STRUCT(record, RECORD_FIELDS)
 *     TL_JSONGEN_FUNC(static, record, RECORD_FIELDS)
 *
 * which defines `struct record { int64_t id; const char *name; bool
 * active; }` and `int record_to_json(const struct record *v, char *buf,
 * size_t cap)`. The function body is straight-line code: each key is a
 * string literal whose length is a compile-time constant, each value a
 * direct call of the writer for its type. No descriptor is read at run
 * time, so there is nothing to miss in the data cache but the record.
 *
 * The writers below (tl_jsongen_*) are also used by lib/reflect.c, so the
 * reflective and the generated serialisers emit byte-identical output and
 * differ only in how they find the fields.
 *
 * Output format (the same as Go's encoding/json, jansson with
 * JSON_COMPACT, and Zig's std.json for these types): compact, fields in
 * declaration order, integers in decimal, booleans as true/false, strings
 * with '"' and '\\' escaped, \b \f \n \r \t for those controls, \u00xx
 * (lowercase hex) for the other bytes below 0x20, every other byte copied
 * (strings are assumed to be UTF-8). Go's extra HTML escaping of < > & is
 * not done.
 *
 * Errors: a writer never writes past `end`; on overflow it sets the
 * sticky `overflow` flag and later writes do nothing. Thread-safe (no
 * shared state).
 */
#ifndef TL_JSONGEN_H
#define TL_JSONGEN_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* An output cursor over a caller-provided buffer. Fields are private. */
struct tl_jsongen_out {
	char *start;
	char *p;
	char *end;
	int overflow;
};

static inline void tl_jsongen_init(struct tl_jsongen_out *o, char *buf,
				   size_t cap)
{
	o->start = buf;
	o->p = buf;
	o->end = buf + cap;
	o->overflow = 0;
}

/* Bytes written, or -ENOSPC when the buffer was too small. */
static inline int tl_jsongen_len(const struct tl_jsongen_out *o)
{
	if (o->overflow || o->p - o->start > INT32_MAX)
		return -ENOSPC;
	return (int)(o->p - o->start);
}

static inline int tl_jsongen_room(struct tl_jsongen_out *o, size_t n)
{
	if (o->overflow || (size_t)(o->end - o->p) < n) {
		o->overflow = 1;
		return 0;
	}
	return 1;
}

static inline void tl_jsongen_raw(struct tl_jsongen_out *o, const char *s,
				  size_t n)
{
	if (!tl_jsongen_room(o, n))
		return;
	memcpy(o->p, s, n);
	o->p += n;
}

static inline void tl_jsongen_u64(struct tl_jsongen_out *o, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	tl_jsongen_raw(o, tmp + sizeof(tmp) - n, n);
}

static inline void tl_jsongen_i64(struct tl_jsongen_out *o, int64_t v)
{
	if (v < 0) {
		tl_jsongen_raw(o, "-", 1);
		/* Negate in unsigned arithmetic: INT64_MIN has no positive. */
		tl_jsongen_u64(o, 0 - (uint64_t)v);
		return;
	}
	tl_jsongen_u64(o, (uint64_t)v);
}

static inline void tl_jsongen_bool(struct tl_jsongen_out *o, bool v)
{
	if (v)
		tl_jsongen_raw(o, "true", 4);
	else
		tl_jsongen_raw(o, "false", 5);
}

/* s (NUL-terminated) as a quoted, escaped JSON string. */
static inline void tl_jsongen_str(struct tl_jsongen_out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *run = (const unsigned char *)s, *q = run;

	tl_jsongen_raw(o, "\"", 1);
	for (;; q++) {
		unsigned char c = *q;
		char esc[6];
		size_t n = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		tl_jsongen_raw(o, (const char *)run, (size_t)(q - run));
		if (!c)
			break;
		esc[0] = '\\';
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		tl_jsongen_raw(o, esc, n);
		run = q + 1;
	}
	tl_jsongen_raw(o, "\"", 1);
}

/* Field kinds: the C type of each, and its writer. */
#define TL_JSONGEN_CTYPE_BOOL bool
#define TL_JSONGEN_CTYPE_I32  int32_t
#define TL_JSONGEN_CTYPE_I64  int64_t
#define TL_JSONGEN_CTYPE_U64  uint64_t
#define TL_JSONGEN_CTYPE_STR  const char *

#define TL_JSONGEN_PUT_BOOL tl_jsongen_bool
#define TL_JSONGEN_PUT_I32  tl_jsongen_i64
#define TL_JSONGEN_PUT_I64  tl_jsongen_i64
#define TL_JSONGEN_PUT_U64  tl_jsongen_u64
#define TL_JSONGEN_PUT_STR  tl_jsongen_str

#define TL_JSONGEN_DECL(KIND, FIELD) TL_JSONGEN_CTYPE_##KIND FIELD;

/*
 * Every field is written with a leading comma (a constant literal); the
 * first comma is then overwritten with the opening brace, so there is no
 * "first field?" branch in the generated code.
 */
#define TL_JSONGEN_EMIT(KIND, FIELD)                                           \
	tl_jsongen_raw(o, ",\"" #FIELD "\":", sizeof(",\"" #FIELD "\":") - 1); \
	TL_JSONGEN_PUT_##KIND(o, v->FIELD);

/* Defines struct NAME with the fields of the X-macro list FIELDS. */
#define TL_JSONGEN_STRUCT(NAME, FIELDS)                                        \
	struct NAME {                                                          \
		FIELDS(TL_JSONGEN_DECL)                                        \
	};

/*
 * Defines `LINKAGE int NAME_to_json(const struct NAME *v, char *buf,
 * size_t cap)`: writes v as one JSON object into buf (no NUL added) and
 * returns its length, or -ENOSPC when cap is too small. LINKAGE is e.g.
 * `static`, or empty for an external function. FIELDS must not be empty.
 */
#define TL_JSONGEN_FUNC(LINKAGE, NAME, FIELDS)                                 \
	LINKAGE int NAME##_to_json(const struct NAME *v, char *buf,            \
				   size_t cap)                                 \
	{                                                                      \
		struct tl_jsongen_out out, *o = &out;                          \
                                                                               \
		tl_jsongen_init(o, buf, cap);                                  \
		FIELDS(TL_JSONGEN_EMIT)                                        \
		tl_jsongen_raw(o, "}", 1);                                     \
		if (!o->overflow)                                              \
			buf[0] = '{';                                          \
		return tl_jsongen_len(o);                                      \
	}

#endif
