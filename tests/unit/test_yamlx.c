/*
 * test_yamlx.c - the YAML loader refuses what would be read wrongly or
 * slowly: duplicate keys, several documents, pathological depth, counts
 * and sizes, each with file:line:column and quickly.
 */
#include "base/yamlx.h"

#include <time.h>

#include "tl_test.h"

static int load(const char *text, struct tl_diag *d)
{
	struct tl_yaml y;
	int rc = tl_yaml_load(&y, "f.yaml", text, strlen(text), d);

	tl_yaml_release(&y);
	return rc;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TL_TEST(good_document_loads)
{
	struct tl_diag d = TL_DIAG_INIT;

	TL_CHECK_INT(load("---\na: 1\nb: [1, 2]\nc: {x: 1, y: 2}\n", &d), 0);
	TL_CHECK_INT(d.msgs.n, 0);
	tl_diag_release(&d);
}

TL_TEST(duplicate_key_is_refused_at_its_position)
{
	struct tl_diag d = TL_DIAG_INIT;

	TL_CHECK(load("a: 1\nb:\n  x: 1\n  x: 2\n", &d) != 0);
	TL_CHECK_INT(d.msgs.n, 1);
	TL_CHECK(strstr(d.msgs.v[0], "f.yaml:4:3:") != NULL);
	TL_CHECK(strstr(d.msgs.v[0], "duplicate key 'x'") != NULL);
	tl_diag_release(&d);
}

TL_TEST(duplicate_key_in_flow_mapping)
{
	struct tl_diag d = TL_DIAG_INIT;

	TL_CHECK(load("m: {k: 1, k: 2}\n", &d) != 0);
	TL_CHECK(d.msgs.n == 1 && strstr(d.msgs.v[0], "f.yaml:1:11:"));
	tl_diag_release(&d);
}

TL_TEST(second_document_is_refused)
{
	struct tl_diag d = TL_DIAG_INIT;

	TL_CHECK(load("a: 1\n---\nb: 2\n", &d) != 0);
	TL_CHECK_INT(d.msgs.n, 1);
	TL_CHECK(strstr(d.msgs.v[0], "f.yaml:2:1:") != NULL);
	TL_CHECK(strstr(d.msgs.v[0], "one YAML document") != NULL);
	tl_diag_release(&d);
}

static char *repeat(const char *unit, size_t n, const char *tail)
{
	size_t ul = strlen(unit), tl = strlen(tail), i;
	char *s = malloc(ul * n + tl + 1);

	for (i = 0; i < n; i++)
		memcpy(s + i * ul, unit, ul);
	memcpy(s + n * ul, tail, tl + 1);
	return s;
}

TL_TEST(deep_nesting_is_refused_fast)
{
	struct tl_diag d = TL_DIAG_INIT;
	char *s = repeat("[", 100000, "");
	double t0 = now_s();

	TL_CHECK(load(s, &d) != 0);
	TL_CHECK(now_s() - t0 < 1.0);
	TL_CHECK(d.msgs.n == 1 && strstr(d.msgs.v[0], "nested deeper"));
	free(s);
	tl_diag_release(&d);
}

TL_TEST(huge_mapping_is_refused_fast)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_buf b = TL_BUF_INIT;
	double t0;
	int i;

	tl_buf_puts(&b, "params:\n");
	for (i = 0; i < 100000; i++)
		tl_buf_printf(&b, "  p%d: %d\n", i, i);
	t0 = now_s();
	TL_CHECK(load(tl_buf_str(&b), &d) != 0);
	TL_CHECK(now_s() - t0 < 1.0);
	TL_CHECK(d.msgs.n == 1 && strstr(d.msgs.v[0], "more than"));
	tl_buf_release(&b);
	tl_diag_release(&d);
}

TL_TEST(big_mapping_within_limits_is_linear)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_buf b = TL_BUF_INIT;
	double t0;
	int i;

	for (i = 0; i < TL_YAML_MAX_ITEMS - 1; i++)
		tl_buf_printf(&b, "k%d: %d\n", i, i);
	tl_buf_puts(&b, "k17: dup\n");
	t0 = now_s();
	TL_CHECK(load(tl_buf_str(&b), &d) != 0);
	TL_CHECK(now_s() - t0 < 1.0);
	TL_CHECK(d.msgs.n == 1 && strstr(d.msgs.v[0], "duplicate key 'k17'"));
	tl_buf_release(&b);
	tl_diag_release(&d);
}

TL_TEST(oversized_text_is_refused)
{
	struct tl_diag d = TL_DIAG_INIT;
	size_t n = (size_t)TL_YAML_MAX_BYTES + 1;
	char *s = malloc(n + 1);
	struct tl_yaml y;

	memset(s, '#', n);
	s[n] = '\0';
	TL_CHECK(tl_yaml_load(&y, "f.yaml", s, n, &d) != 0);
	TL_CHECK(d.msgs.n == 1 && strstr(d.msgs.v[0], "larger than"));
	free(s);
	tl_diag_release(&d);
}

TL_TEST(subnormal_number_is_a_number)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_yaml y;
	double v = 0;

	TL_CHECK_INT(tl_yaml_load(&y, "f.yaml", "v: 4.9e-324\n", 12, &d), 0);
	TL_CHECK_INT(tl_yaml_get_double(&y,
					tl_yaml_get(&y, tl_yaml_root(&y), "v"),
					"v", &v, &d),
		     0);
	TL_CHECK(v > 0);
	tl_yaml_release(&y);
	tl_diag_release(&d);
}

TL_TEST_MAIN()
