/*
 * slice.c - what a misaligned u32 load costs, C side (article 2.3).
 *
 * One op is one 4-byte load (memcpy, compiled to a plain mov) from one of
 * 8 positions, one per page of a page-aligned buffer, at the same offset
 * in each page, so every variant touches the same cache sets:
 *
 *   c.aligned     offset 4032: 4-byte aligned, inside one cache line
 *   c.misaligned  offset 4033: misaligned, still inside one line
 *   c.split_line  offset 4030: straddles two cache lines
 *   c.split_page  offset 4094: straddles two pages (and two lines)
 *
 * Fact c_slice_header_bytes: sizeof a C {pointer, length} pair. The loads
 * are summed and checked against a byte-wise recomputation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlw.h"

#define PAGE 4096
#define NPOS 8

struct c_slice {
	uint32_t *ptr;
	size_t len;
};

struct ctx {
	const unsigned char *pos[NPOS];
	uint64_t sum;
};

static void run(void *arg, uint64_t ops)
{
	struct ctx *c = arg;
	uint64_t i, sum = 0;

	for (i = 0; i < ops; i++) {
		uint32_t v;

		memcpy(&v, c->pos[i & (NPOS - 1)], 4);
		sum += v;
		if ((i & (NPOS - 1)) == NPOS - 1)
			tlw_clobber();
	}
	c->sum += sum;
}

int main(int argc, char **argv)
{
	struct tlw_args a;
	struct ctx c = {0};
	unsigned char *buf;
	uint64_t per_round = 0, want = 0;
	size_t off, k;
	int s;

	tlw_parse(argc, argv, &a);
	if (tlw_is(&a, "c.aligned"))
		off = 4032;
	else if (tlw_is(&a, "c.misaligned"))
		off = 4033;
	else if (tlw_is(&a, "c.split_line"))
		off = 4030;
	else if (tlw_is(&a, "c.split_page"))
		off = 4094;
	else
		tlw_die("unknown variant '%s'", a.variant);
	tlw_fact_int("c_slice_header_bytes", (long long)sizeof(struct c_slice));
	buf = aligned_alloc(PAGE, (NPOS + 1) * PAGE);
	if (!buf)
		tlw_die("out of memory");
	for (k = 0; k < (NPOS + 1) * PAGE; k++)
		buf[k] = (unsigned char)(k * 7 + 3);
	for (k = 0; k < NPOS; k++) {
		const unsigned char *p = buf + k * PAGE + off;

		c.pos[k] = p;
		per_round += (uint64_t)p[0] | (uint64_t)p[1] << 8 |
			     (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
	}
	tlw_run(&a, run, &c);
	for (s = 0; s < a.samples; s++) {
		uint64_t i;

		want += a.ops / NPOS * per_round;
		for (i = 0; i < a.ops % NPOS; i++) {
			const unsigned char *p = c.pos[i];

			want += (uint64_t)p[0] | (uint64_t)p[1] << 8 |
				(uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
		}
	}
	if (c.sum != want)
		tlw_die("sum %llu, expected %llu", (unsigned long long)c.sum,
			(unsigned long long)want);
	free(buf);
	return tlw_finish();
}
