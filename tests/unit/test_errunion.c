/*
 * test_errunion.c - unit tests for lib/errunion.h: TL_TRY propagates the
 * first error up a 3-deep chain and evaluates its operand once; TL_CATCH
 * substitutes a fallback; the union of a word-sized value stays two
 * words (returned in registers under the SysV ABI).
 */
#include "errunion.h"

#include "tl_test.h"

enum { E_EMPTY = 1, E_DIGIT = 2, E_RANGE = 3 };

TL_ERRUNION_DEFINE(eu_int, int);
TL_ERRUNION_DEFINE(eu_long, long);

static int calls;

static struct eu_int digit(const char *s)
{
	calls++;
	if (!*s)
		return TL_ERR(eu_int, E_EMPTY);
	if (*s < '0' || *s > '9')
		return TL_ERR(eu_int, E_DIGIT);
	return TL_OK(eu_int, *s - '0');
}

static struct eu_int two_digits(const char *s)
{
	int hi, lo;

	TL_TRY(hi, digit(s), eu_int);
	TL_TRY(lo, digit(s + 1), eu_int);
	return TL_OK(eu_int, hi * 10 + lo);
}

static struct eu_long scaled(const char *s, long limit)
{
	int v;

	TL_TRY(v, two_digits(s), eu_long);
	if (v > limit)
		return TL_ERR(eu_long, E_RANGE);
	return TL_OK(eu_long, (long)v * 1000);
}

TL_TEST(errunion_success_path)
{
	struct eu_long r = scaled("42", 99);

	TL_CHECK(!TL_IS_ERR(r));
	TL_CHECK_INT(r.value, 42000);
}

TL_TEST(errunion_try_propagates_first_error)
{
	struct eu_long r;

	calls = 0;
	r = scaled("x2", 99);
	TL_CHECK_INT(r.err, E_DIGIT);
	TL_CHECK_INT(calls, 1);
	r = scaled("4", 99);
	TL_CHECK_INT(r.err, E_EMPTY);
	r = scaled("42", 10);
	TL_CHECK_INT(r.err, E_RANGE);
}

TL_TEST(errunion_catch_falls_back)
{
	TL_CHECK_INT(TL_CATCH(digit("7"), -1), 7);
	TL_CHECK_INT(TL_CATCH(digit("?"), -1), -1);
	calls = 0;
	TL_CHECK_INT(TL_CATCH(digit("3"), -1), 3);
	TL_CHECK_INT(calls, 1);
}

TL_TEST(errunion_is_two_words)
{
	TL_CHECK_INT(sizeof(struct eu_long), 2 * sizeof(long));
	TL_CHECK_INT(sizeof(tl_err), 2);
}

TL_TEST_MAIN()
