/*
 * test_toolchain.c - the toolchain axis on a fake project folder: releases
 * found by their .tools/ folders (the version is the binary's answer),
 * pinned-but-missing releases listed with the reason, a release chosen
 * per run, and a variant bound to the releases its code exists in.
 */
#include "machine/toolchain.h"
#include "tl_test.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

/* A fake `zig`/`go` answering `version` with the given line. */
static void fake_tool(const char *path, const char *answer)
{
	char *script = xasprintf("#!/bin/sh\necho '%s'\n", answer);
	char *dir = xstrdup(path);

	*strrchr(dir, '/') = '\0';
	tl_mkdirs(dir);
	tl_write_file_atomic(path, script, strlen(script));
	chmod(path, 0755);
	free(script);
	free(dir);
}

/* root/ with scripts/zig.version 0.99.0 (never installed), Zig 9.9.9 and
 * 0.8.0 and go 1.99.1 installed, Zig 7.7.7 pinned but missing. */
static char *fake_root(void)
{
	char tmpl[] = "/tmp/tl-toolchain-XXXXXX";
	char *root, *p;

	if (!mkdtemp(tmpl))
		return NULL;
	root = xstrdup(tmpl);
	p = xasprintf("%s/scripts", root);
	tl_mkdirs(p);
	free(p);
	p = xasprintf("%s/scripts/zig.version", root);
	tl_write_file_atomic(p, "0.99.0\n", 7);
	free(p);
	p = xasprintf("%s/scripts/toolchains", root);
	{
		const char *pins =
			"# comment\nzig 9.9.9\nzig 7.7.7 7.7.7.post1\n"
			"go 1.99.1\n";

		tl_write_file_atomic(p, pins, strlen(pins));
	}
	free(p);
	p = xasprintf("%s/.tools/zig-9.9.9/ziglang/zig", root);
	fake_tool(p, "9.9.9");
	free(p);
	/* The folder name is a hint; the binary says 0.8.0. */
	p = xasprintf("%s/.tools/zig-old/ziglang/zig", root);
	fake_tool(p, "0.8.0");
	free(p);
	p = xasprintf("%s/.tools/go-1.99.1/pkg/mod/golang.org/"
		      "toolchain@v0.0.1-go1.99.1.linux-amd64/bin/go",
		      root);
	fake_tool(p, "go version go1.99.1 linux/amd64");
	free(p);
	return root;
}

static const struct tl_tool *rel(const struct tl_toolchains *t, enum tl_lang l,
				 const char *v)
{
	for (int i = 0; i < t->nreleases[l]; i++)
		if (!strcmp(t->releases[l][i].version, v))
			return &t->releases[l][i];
	return NULL;
}

TL_TEST(discovery_and_pins)
{
	struct tl_toolchains t;
	const struct tl_tool *r;
	char *root = fake_root();

	TL_CHECK(root);
	unsetenv("TL_ZIG");
	tl_toolchains_find(&t, root);
	TL_CHECK_STR(t.zig_pinned, "0.99.0");
	r = rel(&t, TL_LANG_ZIG, "9.9.9");
	TL_CHECK(r && r->path && strstr(r->path, "/.tools/zig-9.9.9/"));
	r = rel(&t, TL_LANG_ZIG, "0.8.0");
	TL_CHECK(r && r->path && strstr(r->path, "/.tools/zig-old/"));
	r = rel(&t, TL_LANG_ZIG, "7.7.7");
	TL_CHECK(r && !r->path && strstr(r->missing, "deps.sh --toolchains"));
	r = rel(&t, TL_LANG_GO, "go1.99.1");
	TL_CHECK(r && r->path);
	TL_CHECK(tl_toolchains_find_release(&t, TL_LANG_GO, "1.99.1") == r);
	TL_CHECK(tl_toolchains_find_release(&t, TL_LANG_ZIG, "7.7.7") == NULL);
	/* Newest first after the default. */
	for (int i = 2; i < t.nreleases[TL_LANG_ZIG]; i++)
		TL_CHECK(strverscmp(t.releases[TL_LANG_ZIG][i - 1].version,
				    t.releases[TL_LANG_ZIG][i].version) > 0);
	tl_toolchains_release(&t);
	tl_rmtree(root);
	free(root);
}

/* A version answer is kept until the binary changes. */
TL_TEST(versions_memo)
{
	struct tl_toolchains t;
	char *root = fake_root(), *p;

	TL_CHECK(root);
	unsetenv("TL_ZIG");
	tl_toolchains_find(&t, root);
	TL_CHECK(rel(&t, TL_LANG_ZIG, "9.9.9"));
	tl_toolchains_release(&t);
	p = xasprintf("%s/.cache/toolversions", root);
	TL_CHECK(access(p, R_OK) == 0);
	/* Kept: a second find answers from the memo, same versions. */
	tl_toolchains_find(&t, root);
	TL_CHECK(rel(&t, TL_LANG_ZIG, "9.9.9"));
	TL_CHECK(rel(&t, TL_LANG_ZIG, "0.8.0"));
	tl_toolchains_release(&t);
	free(p);
	/* The binary replaced: asked again. */
	p = xasprintf("%s/.tools/zig-old/ziglang/zig", root);
	fake_tool(p, "0.8.1");
	free(p);
	tl_toolchains_find(&t, root);
	TL_CHECK(rel(&t, TL_LANG_ZIG, "0.8.1"));
	TL_CHECK(!rel(&t, TL_LANG_ZIG, "0.8.0"));
	tl_toolchains_release(&t);
	tl_rmtree(root);
	free(root);
}

TL_TEST(select_release)
{
	struct tl_toolchains t;
	char *root = fake_root(), *why = NULL;

	TL_CHECK(root);
	unsetenv("TL_ZIG");
	tl_toolchains_find(&t, root);
	TL_CHECK_INT(tl_toolchains_select(&t, "zig=9.9.9", &why), 0);
	TL_CHECK_STR(t.lang[TL_LANG_ZIG].version, "9.9.9");
	TL_CHECK(t.selected[TL_LANG_ZIG]);
	TL_CHECK_INT(tl_toolchains_select(&t, "go=go1.99.1", &why), 0);
	TL_CHECK_STR(t.lang[TL_LANG_GO].version, "go1.99.1");
	TL_CHECK_INT(tl_toolchains_select(&t, "zig=7.7.7", &why), -ENOENT);
	TL_CHECK(why && strstr(why, "not installed") && strstr(why, "9.9.9"));
	FREE_AND_NULL(why);
	TL_CHECK_INT(tl_toolchains_select(&t, "zig=1.2.3", &why), -ENOENT);
	TL_CHECK(why && strstr(why, "not pinned"));
	FREE_AND_NULL(why);
	TL_CHECK_INT(tl_toolchains_select(&t, "cc=12", &why), -EINVAL);
	FREE_AND_NULL(why);
	TL_CHECK_INT(tl_toolchains_select(&t, "zig", &why), -EINVAL);
	FREE_AND_NULL(why);
	tl_toolchains_release(&t);
	tl_rmtree(root);
	free(root);
}

TL_TEST(variant_releases)
{
	struct tl_toolchains t;
	struct tl_strv only_old = TL_STRV_INIT, gone = TL_STRV_INIT;
	const struct tl_tool *r;
	char *root = fake_root(), *why = NULL;

	TL_CHECK(root);
	unsetenv("TL_ZIG");
	tl_strv_push(&only_old, "0.8.0");
	tl_strv_push(&gone, "7.7.7");
	tl_toolchains_find(&t, root);
	/* Default pass: the variant gets the release it is written for. */
	r = tl_toolchains_for(&t, TL_LANG_ZIG, &only_old, &why);
	TL_CHECK(r && !strcmp(r->version, "0.8.0") && !why);
	r = tl_toolchains_for(&t, TL_LANG_ZIG, &gone, &why);
	TL_CHECK(!r && why && strstr(why, "not installed"));
	FREE_AND_NULL(why);
	/* An empty list: the run's toolchain, whatever it is. */
	r = tl_toolchains_for(&t, TL_LANG_ZIG, NULL, &why);
	TL_CHECK(r == &t.lang[TL_LANG_ZIG]);
	/* A chosen release the variant cannot exist in: absent, with why. */
	TL_CHECK_INT(tl_toolchains_select(&t, "zig=9.9.9", &why), 0);
	r = tl_toolchains_for(&t, TL_LANG_ZIG, &only_old, &why);
	TL_CHECK(!r && why && strstr(why, "cannot exist in zig 9.9.9"));
	FREE_AND_NULL(why);
	TL_CHECK_INT(tl_toolchains_select(&t, "zig=0.8.0", &why), 0);
	r = tl_toolchains_for(&t, TL_LANG_ZIG, &only_old, &why);
	TL_CHECK(r && !strcmp(r->version, "0.8.0"));
	tl_strv_release(&only_old);
	tl_strv_release(&gone);
	tl_toolchains_release(&t);
	tl_rmtree(root);
	free(root);
}

TL_TEST_MAIN()
