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
 *             1024, 4096, 65536): the article's "rsp -= N, one cycle"
 *   c.nostack the same call without the array (the bytes live outside
 *             the frame): c.stack minus c.nostack is the allocation
 *   c.noalloc the op with no allocator (a fixed buffer): the malloc
 *             variants minus c.noalloc are malloc + free alone
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
	unsigned char *fixed; /* c.nostack, c.noalloc: a buffer outside */
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

/*
 * Kept apart: not inlined, and (gcc) not folded into one identical copy,
 * so every size has its own function to disassemble (docs/claims.md).
 */
#if defined(__GNUC__) && !defined(__clang__)
#define NOFOLD __attribute__((noinline, noipa))
#else
#define NOFOLD __attribute__((noinline))
#endif

/*
 * One frame with a local array of N bytes; noinline so the frame is real.
 * nostack_N is the same function without the array: it touches the same
 * N-byte span of a buffer that lives outside the frame. The two differ
 * only in the frame (the `sub rsp` that allocates it), so c.stack minus
 * c.nostack is the cost of the allocation itself (docs/claims.md).
 */
#define STACK_FN(N)                                                            \
	static NOFOLD void stack_##N(struct ctx *c)                            \
	{                                                                      \
		unsigned char buf[N];                                          \
		touch(c, buf);                                                 \
	}                                                                      \
	static NOFOLD void nostack_##N(struct ctx *c)                          \
	{                                                                      \
		touch(c, c->fixed);                                            \
	}                                                                      \
	static void run_stack_##N(void *arg, uint64_t ops)                     \
	{                                                                      \
		uint64_t i;                                                    \
		for (i = 0; i < ops; i++)                                      \
			stack_##N(arg);                                        \
	}                                                                      \
	static void run_nostack_##N(void *arg, uint64_t ops)                   \
	{                                                                      \
		uint64_t i;                                                    \
		for (i = 0; i < ops; i++)                                      \
			nostack_##N(arg);                                      \
	}
STACK_FN(16)
STACK_FN(64)
STACK_FN(1024)
STACK_FN(4096)
STACK_FN(65536)

/* The op with no allocator at all: the baseline of the malloc variants. */
static void run_noalloc(void *arg, uint64_t ops)
{
	struct ctx *c = arg;
	uint64_t i;

	for (i = 0; i < ops; i++)
		touch(c, c->fixed);
}

/* The c.stack (or c.nostack) loop for one size, or NULL. */
static tlw_batch_fn *stack_fn(long long size, int with_buffer)
{
#define CASE(N)                                                                \
	case N:                                                                \
		return with_buffer ? run_stack_##N : run_nostack_##N;
	switch (size) {
		CASE(16)
		CASE(64)
		CASE(1024)
		CASE(4096)
		CASE(65536)
	}
#undef CASE
	return NULL;
}

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
	} else if (tlw_is(&a, "c.stack") || tlw_is(&a, "c.nostack")) {
		fn = stack_fn(size, tlw_is(&a, "c.stack"));
		if (!fn)
			tlw_die("%s: size must be 16, 64, 1024, 4096 or 65536",
				a.variant);
		c.fixed = aligned_alloc(64, 65536);
		if (!c.fixed)
			tlw_die("out of memory");
	} else if (tlw_is(&a, "c.noalloc")) {
		fn = run_noalloc;
		c.fixed = aligned_alloc(64, REGION_BYTES);
		if (!c.fixed)
			tlw_die("out of memory");
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
	free(c.fixed);
	return tlw_finish();
}
