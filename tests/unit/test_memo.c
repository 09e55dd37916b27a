/*
 * test_memo.c - answers kept across runs: kept, replaced, refused when
 * they would break the file, and a file's identity changing when the
 * file is rewritten.
 */
#include "base/memo.h"
#include "tl_test.h"

#include <stdlib.h>
#include <unistd.h>

TL_TEST(kept_across_opens)
{
	char tmpl[] = "/tmp/tl-memo-XXXXXX";
	char *path;
	struct tl_memo m;

	TL_CHECK(mkdtemp(tmpl));
	path = xasprintf("%s/sub/memo", tmpl);
	tl_memo_open(&m, path); /* no file yet: an empty memo */
	TL_CHECK(tl_memo_get(&m, "a") == NULL);
	tl_memo_put(&m, "cc --version 1:2", "cc 12.2.0");
	tl_memo_put(&m, "zig version 3:4", "0.17.1");
	tl_memo_put(&m, "zig version 3:4", "0.17.2"); /* replaces */
	tl_memo_put(&m, "bad\tkey", "x");	      /* not kept */
	tl_memo_put(&m, "k", "two\nlines");	      /* not kept */
	tl_memo_close(&m);
	tl_memo_open(&m, path);
	TL_CHECK_STR(tl_memo_get(&m, "cc --version 1:2"), "cc 12.2.0");
	TL_CHECK_STR(tl_memo_get(&m, "zig version 3:4"), "0.17.2");
	TL_CHECK(tl_memo_get(&m, "bad") == NULL);
	TL_CHECK(tl_memo_get(&m, "k") == NULL);
	TL_CHECK_INT(m.keys.n, 2);
	TL_CHECK(!m.dirty);
	tl_memo_close(&m);
	tl_rmtree(tmpl);
	free(path);
}

TL_TEST(malformed_file_is_empty)
{
	char tmpl[] = "/tmp/tl-memo-XXXXXX";
	char *path;
	struct tl_memo m;
	const char *junk = "no tab here\n\tno key\nok\tyes\n";

	TL_CHECK(mkdtemp(tmpl));
	path = xasprintf("%s/memo", tmpl);
	TL_CHECK_INT(tl_write_file_atomic(path, junk, strlen(junk)), 0);
	tl_memo_open(&m, path);
	TL_CHECK_INT(m.keys.n, 1);
	TL_CHECK_STR(tl_memo_get(&m, "ok"), "yes");
	tl_memo_close(&m);
	tl_rmtree(tmpl);
	free(path);
}

TL_TEST(file_id_follows_the_file)
{
	char tmpl[] = "/tmp/tl-memo-XXXXXX";
	char *path, *a, *b, *c;

	TL_CHECK(mkdtemp(tmpl));
	path = xasprintf("%s/tool", tmpl);
	TL_CHECK(tl_memo_file_id(path) == NULL);
	TL_CHECK_INT(tl_write_file_atomic(path, "one", 3), 0);
	a = tl_memo_file_id(path);
	b = tl_memo_file_id(path);
	TL_CHECK(a && b && !strcmp(a, b));
	TL_CHECK_INT(tl_write_file_atomic(path, "two", 3), 0); /* same size */
	c = tl_memo_file_id(path);
	TL_CHECK(c && strcmp(a, c) != 0);
	free(a);
	free(b);
	free(c);
	tl_rmtree(tmpl);
	free(path);
}

TL_TEST_MAIN()
