/*
 * test_proto.c - the workload protocol parser: good lines, every kind of
 * bad line, and the line number in the error.
 */
#include "measure/proto.h"

#include <errno.h>

#include "tl_test.h"

static int parse(const char *s, struct tl_proto *p, char *err, size_t n)
{
	memset(p, 0, sizeof(*p));
	return tl_proto_parse(p, s, strlen(s), err, n);
}

TL_TEST(good_lines)
{
	struct tl_proto p;
	char err[256] = "";
	const char *s = "sample 1500 100\n"
			"\n"
			"metric allocs_per_op 1.25\n"
			"fact slice_header_bytes 24\n"
			"fact compiler_says moved to heap: arr\n"
			"sample 18446744073709551615 1";

	TL_CHECK_INT(parse(s, &p, err, sizeof(err)), 0);
	TL_CHECK_INT(p.nsamples, 2);
	TL_CHECK_INT(p.samples[0].ns, 1500);
	TL_CHECK_INT(p.samples[0].ops, 100);
	TL_CHECK(p.samples[1].ns == UINT64_MAX);
	TL_CHECK_INT(p.nmetrics, 1);
	TL_CHECK_STR(p.metrics[0].name, "allocs_per_op");
	TL_CHECK_NEAR(p.metrics[0].value, 1.25, 0);
	TL_CHECK_INT(p.fact_names.n, 2);
	TL_CHECK_STR(p.fact_values.v[1], "moved to heap: arr");
	tl_proto_release(&p);
}

TL_TEST(crlf_is_accepted)
{
	struct tl_proto p;
	char err[256];

	TL_CHECK_INT(parse("sample 5 1\r\nfact a b\r\n", &p, err, sizeof(err)),
		     0);
	TL_CHECK_STR(p.fact_values.v[0], "b");
	tl_proto_release(&p);
}

static void bad(const char *s, const char *want)
{
	struct tl_proto p;
	char err[256] = "";

	if (parse(s, &p, err, sizeof(err)) != -EINVAL)
		TL_FAIL("accepted: %s", s);
	if (!strstr(err, want))
		TL_FAIL("error '%s' lacks '%s'", err, want);
	tl_proto_release(&p);
}

TL_TEST(bad_lines)
{
	bad("hello, world\n", "line 1: not a protocol line");
	bad("sample 1 2\nsample 1\n", "line 2: expected 'sample NS OPS'");
	bad("sample 1 0\n", "OPS > 0");
	bad("sample -1 5\n", "unsigned");
	bad("sample 99999999999999999999 5\n", "unsigned");
	bad("sample 1 2 3\n", "expected 'sample NS OPS'");
	bad("metric Bad 1\n", "NAME must be");
	bad("metric x nan\n", "finite");
	bad("metric x 1e999\n", "finite");
	bad("metric x 12abc\n", "finite");
	bad("fact x\n", "VALUE missing");
	bad("fact x a\033b\n", "control character");
}

TL_TEST(nul_byte)
{
	static const char s[] = "sample 1 1\nsam\0ple 1 1\n";
	struct tl_proto p = TL_PROTO_INIT;
	char err[256] = "";

	TL_CHECK_INT(tl_proto_parse(&p, s, sizeof(s) - 1, err, sizeof(err)),
		     -EINVAL);
	TL_CHECK(strstr(err, "line 2: NUL byte") != NULL);
	tl_proto_release(&p);
}

TL_TEST(error_shows_the_line)
{
	struct tl_proto p;
	char err[256];

	parse("sample 1 1\n\tjunk\xff\n", &p, err, sizeof(err));
	TL_CHECK(strstr(err, "line 2") != NULL);
	TL_CHECK(strstr(err, "\\x09junk\\xff") != NULL);
	/* What came before the bad line is kept. */
	TL_CHECK_INT(p.nsamples, 1);
	tl_proto_release(&p);
}

TL_TEST_MAIN()
