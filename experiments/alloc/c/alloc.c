/*
 * alloc.c - one short-lived heap allocation, C side (article 2.1).
 *
 * One op: get `size` bytes, write their first and last byte, publish the
 * pointer through an optimizer barrier, read the two bytes back, and
 * give the memory back. How it is given back is the variant's mechanism:
 *
 *   c.glibc c.jemalloc c.tcmalloc c.mimalloc   malloc/free; the allocator
 *       is chosen at link time, and the workload checks (dladdr on the
 *       resolved `malloc`) that the intended library really serves it
 *   c.bump    lib/arena: bump pointer, no free; the 1 MiB region is
 *             cleared when full (one reset per region, as Zig's arena here)
 *   c.pool    lib/pool: free-list get/put of fixed-size slots
 *   c.stack   a local array of `size` bytes in a call (sizes 16, 64,
 *             1024, 65536): the article's "rsp -= N, one cycle"
 *
 * The bytes read back are summed and checked after the timed batches.
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "pool.h"
#include "tlw.h"

#define REGION_BYTES (1u << 20)
#define POOL_SLOTS   64

struct ctx {
	size_t size;
	uint64_t sum;	 /* bytes read back */
	uint64_t expect; /* what they must add up to */
	uint64_t seq;	 /* op counter: the byte written */
	struct tl_arena arena;
	struct tl_pool pool;
	unsigned char *region;
	unsigned char *slots;
};

static inline void touch(struct ctx *c, unsigned char *p)
{
	unsigned char b = (unsigned char)c->seq++;

	p[0] = b;
	p[c->size - 1] = b;
	tlw_keep_ptr(p);
	c->sum += (uint64_t)p[0] + p[c->size - 1];
	c->expect += 2u * b;
}

static void run_malloc(void *arg, uint64_t ops)
{
	struct ctx *c = arg;
	uint64_t i;

	for (i = 0; i < ops; i++) {
		unsigned char *p = malloc(c->size);

		if (!p)
			tlw_die("malloc(%zu) failed", c->size);
		touch(c, p);
		free(p);
	}
}

static void run_bump(void *arg, uint64_t ops)
{
	struct ctx *c = arg;
	uint64_t i;

	for (i = 0; i < ops; i++) {
		unsigned char *p = tl_arena_alloc(&c->arena, c->size, 16);

		if (!p) {
			tl_arena_clear(&c->arena);
			p = tl_arena_alloc(&c->arena, c->size, 16);
		}
		touch(c, p);
	}
}

static void run_pool(void *arg, uint64_t ops)
{
	struct ctx *c = arg;
	uint64_t i;

	for (i = 0; i < ops; i++) {
		unsigned char *p = tl_pool_get(&c->pool);

		if (!p)
			tlw_die("pool exhausted");
		touch(c, p);
		tl_pool_put(&c->pool, p);
	}
}

/* One frame with a local array of N bytes; noinline so the frame is real. */
#define STACK_FN(N)                                                            \
	static __attribute__((noinline)) void stack_##N(struct ctx *c)         \
	{                                                                      \
		unsigned char buf[N];                                          \
		touch(c, buf);                                                 \
	}                                                                      \
	static void run_stack_##N(void *arg, uint64_t ops)                     \
	{                                                                      \
		uint64_t i;                                                    \
		for (i = 0; i < ops; i++)                                      \
			stack_##N(arg);                                        \
	}
STACK_FN(16)
STACK_FN(64)
STACK_FN(1024)
STACK_FN(65536)

/*
 * Which shared object serves `malloc` for this process, as the dynamic
 * linker resolved it; "main" when the executable defines it itself.
 */
static const char *malloc_provider(void)
{
	void *sym = dlsym(RTLD_DEFAULT, "malloc");
	Dl_info info;
	const char *slash;

	if (!sym || !dladdr(sym, &info) || !info.dli_fname)
		return "unknown";
	slash = strrchr(info.dli_fname, '/');
	if (!info.dli_fname[0])
		return "main";
	return slash ? slash + 1 : info.dli_fname;
}

static void check_provider(const char *variant)
{
	static const struct {
		const char *variant, *lib;
	} want[] = {
		{"c.glibc", "libc.so"},
		{"c.jemalloc", "libjemalloc"},
		{"c.tcmalloc", "libtcmalloc"},
		{"c.mimalloc", "libmimalloc"},
	};
	const char *got = malloc_provider();
	size_t i;

	tlw_fact("malloc_provider", got);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strcmp(variant, want[i].variant) == 0 &&
		    strncmp(got, want[i].lib, strlen(want[i].lib)) != 0)
			tlw_die("%s: malloc is served by %s, not %s", variant,
				got, want[i].lib);
}

int main(int argc, char **argv)
{
	struct tlw_args a;
	struct ctx c;
	tlw_batch_fn *fn = NULL;
	long long size;

	tlw_parse(argc, argv, &a);
	size = tlw_int(&a, "size", 64);
	if (size < 1 || size > REGION_BYTES)
		tlw_die("size=%lld out of range 1..%u", size, REGION_BYTES);
	memset(&c, 0, sizeof(c));
	c.size = (size_t)size;

	if (tlw_is(&a, "c.glibc") || tlw_is(&a, "c.jemalloc") ||
	    tlw_is(&a, "c.tcmalloc") || tlw_is(&a, "c.mimalloc")) {
		check_provider(a.variant);
		fn = run_malloc;
	} else if (tlw_is(&a, "c.bump")) {
		c.region = aligned_alloc(64, REGION_BYTES);
		if (!c.region)
			tlw_die("out of memory");
		tl_arena_init(&c.arena, c.region, REGION_BYTES);
		fn = run_bump;
	} else if (tlw_is(&a, "c.pool")) {
		size_t bytes = POOL_SLOTS * (c.size + TL_POOL_ALIGN);

		c.slots = malloc(bytes);
		if (!c.slots ||
		    tl_pool_init(&c.pool, c.slots, bytes, c.size) < POOL_SLOTS)
			tlw_die("cannot set up the pool");
		fn = run_pool;
	} else if (tlw_is(&a, "c.stack")) {
		switch (size) {
		case 16:
			fn = run_stack_16;
			break;
		case 64:
			fn = run_stack_64;
			break;
		case 1024:
			fn = run_stack_1024;
			break;
		case 65536:
			fn = run_stack_65536;
			break;
		default:
			tlw_die("c.stack: size must be 16, 64, 1024 or 65536");
		}
	} else {
		tlw_die("unknown variant '%s'", a.variant);
	}

	tlw_run(&a, fn, &c);
	if (c.sum != c.expect)
		tlw_die("read back %llu, expected %llu",
			(unsigned long long)c.sum,
			(unsigned long long)c.expect);
	free(c.region);
	free(c.slots);
	return tlw_finish();
}
