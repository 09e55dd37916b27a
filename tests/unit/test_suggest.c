/*
 * test_suggest.c - did-you-mean: distances, the closeness limit, prefixes.
 */
#include "base/suggest.h"

#include "tl_test.h"

TL_TEST(distance)
{
	TL_CHECK_INT(tl_suggest_distance("", ""), 0);
	TL_CHECK_INT(tl_suggest_distance("abc", ""), 3);
	TL_CHECK_INT(tl_suggest_distance("kitten", "sitting"), 3);
	TL_CHECK_INT(tl_suggest_distance("sise", "size"), 1);
	TL_CHECK_INT(tl_suggest_distance("clams", "claims"), 1);
	TL_CHECK_INT(tl_suggest_distance("cliams", "claims"), 1); /* swap */
	TL_CHECK_INT(tl_suggest_distance("ALLOC", "alloc"), 0);
}

TL_TEST(suggests_only_close_names)
{
	const char *cmds[] = {"claims", "run", "list", "compare", "slo"};
	const char *vars[] = {"c.arena", "c.glibc", "c.tcmalloc", "go.new"};

	TL_CHECK_STR(tl_suggest("clams", cmds, 5), "claims");
	TL_CHECK_STR(tl_suggest("rnu", cmds, 5), "run");
	TL_CHECK_STR(tl_suggest("c.glibcc", vars, 4), "c.glibc");
	TL_CHECK_STR(tl_suggest("comp", cmds, 5), "compare"); /* prefix */
	TL_CHECK(tl_suggest("zzzzzz", cmds, 5) == NULL);
	TL_CHECK(tl_suggest("claims", cmds, 5) == NULL); /* not a typo */
	TL_CHECK(tl_suggest("c.", vars, 4) == NULL);	 /* prefix of 3 */
}

TL_TEST(hint_and_long_names)
{
	struct tl_strv sv = TL_STRV_INIT;
	struct tl_buf b = TL_BUF_INIT;
	char longa[200], longb[200];

	tl_strv_push(&sv, "size");
	tl_strv_push(&sv, "error_rate");
	TL_CHECK_STR(tl_suggest_hint(&b, "sise", &sv), "size");
	TL_CHECK_STR(tl_buf_str(&b), " (did you mean 'size'?)");
	tl_buf_release(&b);
	TL_CHECK(tl_suggest_hint(&b, "qqq", &sv) == NULL);
	TL_CHECK_STR(tl_buf_str(&b), "");
	memset(longa, 'a', 150);
	longa[150] = '\0';
	memcpy(longb, longa, 151);
	longb[75] = 'b';
	TL_CHECK_INT(tl_suggest_distance(longa, longb), 1);
	tl_strv_release(&sv);
	tl_buf_release(&b);
}

TL_TEST_MAIN()
