/*
 * reflect.c - serialise any described struct to JSON by walking its
 * runtime descriptor.
 *
 * The loop reads each field's descriptor (name, kind, offset), then
 * dispatches on the kind: the cost model of reflection-driven encoders.
 * Field names are written through the escaping string writer because, as
 * data, they are not known to be safe; Go's encoding/json caches
 * pre-escaped names per type, which this model deliberately does not.
 */
#include "reflect.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

int tl_reflect_put(struct tl_jsongen_out *o, const struct tl_reflect_type *t,
		   const void *obj)
{
	const unsigned char *base = obj;
	size_t i;
	int err;

	tl_jsongen_raw(o, "{", 1);
	for (i = 0; i < t->nfields; i++) {
		const struct tl_reflect_field *f = &t->fields[i];
		const void *p = base + f->offset;
		int64_t i64;
		int32_t i32;
		uint64_t u64;
		bool b;
		const char *s;

		if (i)
			tl_jsongen_raw(o, ",", 1);
		tl_jsongen_str(o, f->name);
		tl_jsongen_raw(o, ":", 1);
		switch (f->kind) {
		case TL_REFLECT_BOOL:
			memcpy(&b, p, sizeof(b));
			tl_jsongen_bool(o, b);
			break;
		case TL_REFLECT_I32:
			memcpy(&i32, p, sizeof(i32));
			tl_jsongen_i64(o, i32);
			break;
		case TL_REFLECT_I64:
			memcpy(&i64, p, sizeof(i64));
			tl_jsongen_i64(o, i64);
			break;
		case TL_REFLECT_U64:
			memcpy(&u64, p, sizeof(u64));
			tl_jsongen_u64(o, u64);
			break;
		case TL_REFLECT_STR:
			memcpy(&s, p, sizeof(s));
			tl_jsongen_str(o, s);
			break;
		case TL_REFLECT_STRUCT:
			if (!f->type)
				return -EINVAL;
			err = tl_reflect_put(o, f->type, p);
			if (err)
				return err;
			break;
		default:
			return -EINVAL;
		}
	}
	tl_jsongen_raw(o, "}", 1);
	return 0;
}

int tl_reflect_to_json(const struct tl_reflect_type *t, const void *obj,
		       char *buf, size_t cap)
{
	struct tl_jsongen_out o;
	int err;

	tl_jsongen_init(&o, buf, cap);
	err = tl_reflect_put(&o, t, obj);
	if (err)
		return err;
	return tl_jsongen_len(&o);
}
