/*
 * fuzz_cachegrind.c - libFuzzer target for the cachegrind out-file parser
 * (and the callgrind totals reader, under the same properties).
 *
 * The parser must never read past the buffer, never crash, and either
 * accept the input with every named event's count equal to its summary or
 * reject it with a "name:line:col: " message. Accepted counts are checked
 * against a second, independent property: parsing the same bytes again
 * gives the same result (no hidden state).
 */
#include "machine/sim.h"

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int parse_fn(const char *, size_t, const char *, struct tl_sim_counts *,
		     char *, size_t);

static void check(parse_fn *parse, const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(tl_sim_parse_buf, data, size);
	check(tl_sim_parse_callgrind_buf, data, size);
	return 0;
}

static void check(parse_fn *parse, const uint8_t *data, size_t size)
{
	struct tl_sim_counts a, b;
	char err[256], err2[256];
	int rc, rc2;

	rc = parse((const char *)data, size, "fuzz", &a, err, sizeof(err));
	rc2 = parse((const char *)data, size, "fuzz", &b, err2, sizeof(err2));
	assert(rc == rc2);
	if (rc == 0) {
		assert(a.have != 0);
		assert(memcmp(&a, &b, sizeof(a)) == 0);
		assert(err[0] == '\0');
	} else {
		assert(rc == -EINVAL);
		assert(a.have == 0);
		assert(strncmp(err, "fuzz:", 5) == 0);
		assert(strcmp(err, err2) == 0);
	}
}
