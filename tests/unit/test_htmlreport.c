/*
 * test_htmlreport.c - the HTML report of an empty claim set is a page, not
 * undefined behaviour (qsort of a NULL array; UBSan in the asan build).
 */
#include "report/htmlreport.h"

#include "tl_test.h"

TL_TEST(empty_claim_set_renders)
{
	struct tl_claimset cs;
	struct tl_verdict_opts o;
	struct tl_buf out = TL_BUF_INIT;

	memset(&cs, 0, sizeof(cs));
	memset(&o, 0, sizeof(o));
	cs.title = (char *)"empty";
	tl_htmlreport_render(&out, &cs, NULL, NULL, 0, &o, 0, NULL);
	TL_CHECK(out.len > 0);
	TL_CHECK(strstr(tl_buf_str(&out), "</html>") != NULL);
	tl_buf_release(&out);
}

TL_TEST_MAIN()
