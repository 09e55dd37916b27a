/*
 * test_jsonx.c - a number out of range costs that number, not the file;
 * what we write reads back to the same double.
 */
#include "base/jsonx.h"

#include <float.h>

#include "tl_test.h"

TL_TEST(overflowing_real_is_dropped_with_its_position)
{
	const char *t = "{\"a\": 1,\n \"max\": 1.797693135e308, \"b\": [1, "
			"-1e999, 2]}";
	struct tl_diag d = TL_DIAG_INIT;
	json_error_t je;
	json_t *j = tl_json_parse("r.json", t, strlen(t), &d, &je);

	TL_CHECK(j != NULL);
	TL_CHECK_INT(json_integer_value(json_object_get(j, "a")), 1);
	TL_CHECK(json_object_get(j, "max") == NULL);
	TL_CHECK_INT(json_array_size(json_object_get(j, "b")), 2);
	TL_CHECK_INT(d.msgs.n, 2);
	TL_CHECK(strstr(d.msgs.v[0], "r.json:2:9: number 1.797693135e308"));
	TL_CHECK(strstr(d.msgs.v[1], "r.json:2:35:"));
	json_decref(j);
	tl_diag_release(&d);
}

TL_TEST(too_big_integer_is_dropped)
{
	const char *t = "{\"n\": 99999999999999999999, \"s\": \"1e999\"}";
	struct tl_diag d = TL_DIAG_INIT;
	json_error_t je;
	json_t *j = tl_json_parse("r.json", t, strlen(t), &d, &je);

	TL_CHECK(j != NULL);
	TL_CHECK(json_object_get(j, "n") == NULL);
	TL_CHECK_STR(json_string_value(json_object_get(j, "s")), "1e999");
	TL_CHECK_INT(d.msgs.n, 1);
	json_decref(j);
	tl_diag_release(&d);
}

TL_TEST(syntax_error_still_fails_with_position)
{
	const char *t = "{\"a\": 1e999,\n \"b\": }";
	json_error_t je;
	json_t *j = tl_json_parse("r.json", t, strlen(t), NULL, &je);

	TL_CHECK(j == NULL);
	TL_CHECK_INT(je.line, 2);
}

TL_TEST(written_doubles_round_trip)
{
	const double v[] = {DBL_MAX, -DBL_MAX,	4.9e-324,	    DBL_MIN,
			    0.1,     1.0 / 3.0, 123456789.123456789};
	json_t *a = json_array(), *b;
	json_error_t je;
	char *s;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		json_array_append_new(a, json_real(v[i]));
	s = json_dumps(a, TL_JSON_DUMP_FLAGS);
	b = tl_json_parse("w.json", s, strlen(s), NULL, &je);
	TL_CHECK(b != NULL);
	TL_CHECK_INT(json_array_size(b), sizeof(v) / sizeof(v[0]));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		TL_CHECK(json_real_value(json_array_get(b, i)) == v[i]);
	free(s);
	json_decref(a);
	json_decref(b);
}

TL_TEST_MAIN()
