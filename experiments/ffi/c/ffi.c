/*
 * ffi.c - C side of the ffi experiment (article 4.3): what one call to a
 * trivial function costs, by how it is reached. One op = one call; the
 * calls form a dependency chain (acc = f(acc, i)), so they cannot overlap
 * or be folded.
 *
 *   c.direct   a call into another translation unit (c/ffi_lib.c, no LTO:
 *              the compiler cannot see the body, it must call)
 *   c.fnptr    the same function through a pointer the compiler cannot
 *              see through (read from a volatile)
 *   c.dlopen   the function in a shared object built at run time with
 *              TL_CC into TL_WORKDIR, found with dlopen + dlsym
 *   c.inline   the body in this file, inlined: the floor (no call at all)
 *
 * Each requested sample is printed as `lines` batches of OPS calls
 * (default 100), so the harness gets a per-batch distribution (p99,
 * p99.9, max) of the per-call time, not a handful of averages.
 */
#include "tlw.h"

#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

uint64_t ffi_add(uint64_t a, uint64_t b);

typedef uint64_t add_fn(uint64_t a, uint64_t b);

static inline uint64_t add_inline(uint64_t a, uint64_t b)
{
	return a + b;
}

static add_fn *volatile hidden_ptr = ffi_add;
static add_fn *target;
static uint64_t acc;
static uint64_t calls;

static void batch_direct(void *ctx, uint64_t ops)
{
	uint64_t i, a = acc;

	(void)ctx;
	for (i = 0; i < ops; i++)
		a = ffi_add(a, i);
	acc = a;
	calls += ops;
}

static void batch_ptr(void *ctx, uint64_t ops)
{
	add_fn *f = target;
	uint64_t i, a = acc;

	(void)ctx;
	for (i = 0; i < ops; i++)
		a = f(a, i);
	acc = a;
	calls += ops;
}

static void batch_inline(void *ctx, uint64_t ops)
{
	uint64_t i, a = acc;

	(void)ctx;
	for (i = 0; i < ops; i++) {
		a = add_inline(a, i);
		/* Keeps the loop a loop: without it the sum is closed-form. */
		__asm__ volatile("" : "+r"(a));
	}
	acc = a;
	calls += ops;
}

/* Builds TL_ROOT/experiments/ffi/c/ffi_lib.c into a shared object. */
static void *open_shared(char *so, size_t n)
{
	const char *cc = getenv("TL_CC"), *root = getenv("TL_ROOT");
	const char *work = getenv("TL_WORKDIR");
	char src[4096];
	void *h;
	pid_t pid;
	int st;

	if (!cc || !*cc)
		cc = "cc";
	if (!root || !*root)
		root = ".";
	if (!work || !*work)
		work = "/tmp";
	snprintf(src, sizeof(src), "%s/experiments/ffi/c/ffi_lib.c", root);
	snprintf(so, n, "%s/libffi_add_%ld.so", work, (long)getpid());
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		tlw_die("fork: %s", strerror(errno));
	if (pid == 0) {
		/* The compiler's output goes to stderr, never to stdout. */
		dup2(2, 1);
		execlp(cc, cc, "-O2", "-shared", "-fPIC", "-o", so, src,
		       (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		tlw_die("cannot build %s from %s with %s", so, src, cc);
	h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		tlw_die("dlopen %s: %s", so, dlerror());
	return h;
}

int main(int argc, char **argv)
{
	struct tlw_args a;
	tlw_batch_fn *fn;
	void *h = NULL;
	char so[4200];
	uint64_t want, i, n;
	long long lines;
	int s;

	tlw_parse(argc, argv, &a);
	if (tlw_is(&a, "c.direct")) {
		fn = batch_direct;
	} else if (tlw_is(&a, "c.fnptr")) {
		target = hidden_ptr;
		fn = batch_ptr;
	} else if (tlw_is(&a, "c.dlopen")) {
		h = open_shared(so, sizeof(so));
		*(void **)&target = dlsym(h, "ffi_add");
		if (!target)
			tlw_die("dlsym ffi_add: %s", dlerror());
		fn = batch_ptr;
	} else if (tlw_is(&a, "c.inline")) {
		fn = batch_inline;
	} else {
		tlw_die("unknown variant '%s'", a.variant);
	}
	lines = tlw_int(&a, "lines", 100);
	if (lines < 1)
		tlw_die("lines must be >= 1");
	tlw_fact("clock", "CLOCK_MONOTONIC");
	/* Each requested sample becomes `lines` short batches. */
	a.samples *= (int)lines;
	tlw_run(&a, fn, NULL);
	/* acc is the sum over every batch of 0 + 1 + ... + (ops - 1). */
	n = a.ops;
	want = 0;
	for (s = 0; s < a.samples; s++)
		for (i = 0; i < n; i++)
			want += i;
	if (acc != want || calls != n * (uint64_t)a.samples)
		tlw_die("wrong result: %llu, want %llu",
			(unsigned long long)acc, (unsigned long long)want);
	tlw_keep(acc);
	if (h) {
		dlclose(h);
		unlink(so);
	}
	return tlw_finish();
}
