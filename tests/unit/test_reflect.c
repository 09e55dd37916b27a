/*
 * test_reflect.c - the descriptor-driven serialiser (reflect.c) and the
 * X-macro one (jsongen.h): exact output, escapes, integer extremes,
 * nesting, overflow at every buffer size, bad descriptors, and agreement
 * with jansson on the experiment's record shape.
 */
#include "reflect.h"
#include "jsongen.h"
#include "record.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "tl_test.h"

TL_JSONGEN_FUNC(static, tl_record, TL_RECORD_FIELDS)

/* Both serialisers into buffers; checks they agree and returns the text. */
static const char *both(const struct tl_record *r, char *out, size_t cap)
{
	char tmp[512];
	int a = tl_reflect_to_json(&tl_record_type, r, out, cap - 1);
	int b = tl_record_to_json(r, tmp, sizeof(tmp));

	if (a < 0 || b != a || memcmp(out, tmp, (size_t)a) != 0)
		return "(serialisers disagree)";
	out[a] = '\0';
	return out;
}

TL_TEST(record_exact_output)
{
	struct tl_record r = {42, "Ann", "ann@example.com", 37, -1250, true};
	char buf[256];

	TL_CHECK_STR(
		both(&r, buf, sizeof(buf)),
		"{\"id\":42,\"name\":\"Ann\",\"email\":\"ann@example.com\","
		"\"age\":37,\"balance\":-1250,\"active\":true}");
}

TL_TEST(integer_extremes)
{
	struct tl_record r = {INT64_MIN, "", "", INT32_MIN, INT64_MAX, false};
	char buf[256];

	TL_CHECK_STR(
		both(&r, buf, sizeof(buf)),
		"{\"id\":-9223372036854775808,\"name\":\"\",\"email\":\"\","
		"\"age\":-2147483648,\"balance\":9223372036854775807,"
		"\"active\":false}");
	r.id = 0;
	r.age = 0;
	r.balance = -1;
	TL_CHECK_STR(both(&r, buf, sizeof(buf)),
		     "{\"id\":0,\"name\":\"\",\"email\":\"\",\"age\":0,"
		     "\"balance\":-1,\"active\":false}");
}

TL_TEST(string_escapes)
{
	char s[40];
	struct tl_record r = {1, s, "q\"b\\s/<>&\xc3\xa9", 2, 3, true};
	char buf[512];
	int i;

	for (i = 1; i < 32; i++)
		s[i - 1] = (char)i;
	s[31] = 0x7f;
	s[32] = '\0';
	TL_CHECK_STR(
		both(&r, buf, sizeof(buf)),
		"{\"id\":1,\"name\":\""
		"\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n"
		"\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013"
		"\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b"
		"\\u001c\\u001d\\u001e\\u001f\x7f\","
		"\"email\":\"q\\\"b\\\\s/<>&\xc3\xa9\",\"age\":2,"
		"\"balance\":3,\"active\":true}");
}

TL_TEST(u64_and_nested_struct)
{
	struct inner {
		uint64_t big;
		bool on;
	};
	struct outer {
		int32_t n;
		struct inner in;
		const char *tail;
	};
	static const struct tl_reflect_field inner_fields[] = {
		{"big", TL_REFLECT_U64, offsetof(struct inner, big), NULL},
		{"o\"n", TL_REFLECT_BOOL, offsetof(struct inner, on), NULL},
	};
	static const struct tl_reflect_type inner_type = {"inner", 2,
							  inner_fields};
	static const struct tl_reflect_field outer_fields[] = {
		{"n", TL_REFLECT_I32, offsetof(struct outer, n), NULL},
		{"in", TL_REFLECT_STRUCT, offsetof(struct outer, in),
		 &inner_type},
		{"tail", TL_REFLECT_STR, offsetof(struct outer, tail), NULL},
	};
	static const struct tl_reflect_type outer_type = {"outer", 3,
							  outer_fields};
	struct outer v = {-7, {UINT64_MAX, true}, "end"};
	char buf[128];
	int n = tl_reflect_to_json(&outer_type, &v, buf, sizeof(buf) - 1);

	TL_CHECK(n > 0);
	buf[n] = '\0';
	TL_CHECK_STR(buf, "{\"n\":-7,\"in\":{\"big\":18446744073709551615,"
			  "\"o\\\"n\":true},\"tail\":\"end\"}");
}

TL_TEST(overflow_at_every_size_never_writes_past_cap)
{
	struct tl_record r = {123456, "na\"me", "e\nmail", 9, -8, true};
	char full[256], buf[256];
	int len = tl_record_to_json(&r, full, sizeof(full)), cap;

	TL_CHECK(len > 0);
	for (cap = 0; cap <= len; cap++) {
		int a, b;

		memset(buf, 'Z', sizeof(buf));
		a = tl_reflect_to_json(&tl_record_type, &r, buf, (size_t)cap);
		TL_CHECK(buf[cap] == 'Z');
		memset(buf, 'Z', sizeof(buf));
		b = tl_record_to_json(&r, buf, (size_t)cap);
		TL_CHECK(buf[cap] == 'Z');
		if (cap < len) {
			TL_CHECK_INT(a, -ENOSPC);
			TL_CHECK_INT(b, -ENOSPC);
		} else {
			TL_CHECK_INT(a, len);
			TL_CHECK_INT(b, len);
			TL_CHECK(memcmp(buf, full, (size_t)len) == 0);
		}
	}
}

TL_TEST(bad_descriptors_are_refused)
{
	static const struct tl_reflect_field bad_kind[] = {
		{"x", (enum tl_reflect_kind)99, 0, NULL},
	};
	static const struct tl_reflect_field no_type[] = {
		{"x", TL_REFLECT_STRUCT, 0, NULL},
	};
	const struct tl_reflect_type t1 = {"t1", 1, bad_kind};
	const struct tl_reflect_type t2 = {"t2", 1, no_type};
	int64_t obj = 0;
	char buf[64];

	TL_CHECK_INT(tl_reflect_to_json(&t1, &obj, buf, sizeof(buf)), -EINVAL);
	TL_CHECK_INT(tl_reflect_to_json(&t2, &obj, buf, sizeof(buf)), -EINVAL);
}

/* jansson, the library a C user would pick, writes the same bytes. */
TL_TEST(agrees_with_jansson)
{
	static const char *const names[] = {"Ann", "Bo \"B\" Lee", "C\\D",
					    "tab\there", ""};
	char ours[256], theirs[256];
	int i;

	for (i = 0; i < 5; i++) {
		struct tl_record r = {(int64_t)i * 1000003 - 7, names[i],
				      "x@example.org",		i * 11,
				      -(int64_t)i * 99,		i % 2 == 0};
		json_t *o = json_object();
		size_t n;
		int m;

		TL_CHECK(o != NULL);
		json_object_set_new(o, "id", json_integer(r.id));
		json_object_set_new(o, "name", json_string(r.name));
		json_object_set_new(o, "email", json_string(r.email));
		json_object_set_new(o, "age", json_integer(r.age));
		json_object_set_new(o, "balance", json_integer(r.balance));
		json_object_set_new(o, "active", json_boolean(r.active));
		n = json_dumpb(o, theirs, sizeof(theirs),
			       JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(o);
		m = tl_reflect_to_json(&tl_record_type, &r, ours, sizeof(ours));
		TL_CHECK(m > 0);
		TL_CHECK_INT(n, m);
		TL_CHECK(memcmp(ours, theirs, n) == 0);
	}
}

TL_TEST_MAIN()
