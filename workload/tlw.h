/*
 * tlw.h - the C side of the workload protocol (header only).
 *
 * A workload is run as
 *
 *     BIN VARIANT OPS SAMPLES [KEY=VALUE ...]
 *
 * and prints on stdout only protocol lines:
 *
 *     sample NS OPS        one timed batch of OPS operations
 *     metric NAME VALUE    a workload-level number
 *     fact NAME VALUE      a static finding (VALUE has no newline)
 *
 * Everything else goes to stderr. This header parses the arguments, times
 * batches with CLOCK_MONOTONIC, keeps results alive through a sink the
 * optimizer cannot remove, and prints the lines, so that each workload's
 * own file holds only its mechanism. Output is buffered by stdio and never
 * flushed inside a timed batch.
 *
 * The harness also sets, for every workload: TL_ROOT (project root),
 * TL_WORKDIR (a scratch folder removed after the process), TL_CC, TL_CXX,
 * TL_GO and TL_ZIG (toolchain paths, empty when absent); and, for an
 * experiment whose processes set up side by side (parallel_setup),
 * TL_GATE_READY and TL_GATE_GO (see tlw_gate).
 */
#ifndef TLW_H
#define TLW_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TLW_MAX_PARAMS 32

struct tlw_args {
	const char *variant;
	uint64_t ops;
	int samples;
	int nparams;
	const char *keys[TLW_MAX_PARAMS];
	const char *vals[TLW_MAX_PARAMS];
	char keybuf[TLW_MAX_PARAMS][64];
};

/* A batch runs `ops` operations of the variant; ctx is the workload's. */
typedef void tlw_batch_fn(void *ctx, uint64_t ops);

/*
 * The sink: store a result here and the compiler must compute it. The
 * asm barrier makes the store (and so the value) observable.
 */
static volatile uint64_t tlw_sink;

static inline void tlw_keep(uint64_t v)
{
	tlw_sink += v;
}

static inline void tlw_keep_ptr(const void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static inline void tlw_clobber(void)
{
	__asm__ volatile("" : : : "memory");
}

static inline uint64_t tlw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

__attribute__((noreturn, format(printf, 1, 2))) static inline void
tlw_die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("workload: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static inline void tlw_sample(uint64_t ns, uint64_t ops)
{
	printf("sample %llu %llu\n", (unsigned long long)ns,
	       (unsigned long long)ops);
}

static inline void tlw_metric(const char *name, double v)
{
	printf("metric %s %.17g\n", name, v);
}

static inline void tlw_fact(const char *name, const char *v)
{
	printf("fact %s %s\n", name, v);
}

static inline void tlw_fact_int(const char *name, long long v)
{
	printf("fact %s %lld\n", name, v);
}

/* Parses argv; dies with a usage line on stderr when it is malformed. */
static inline void tlw_parse(int argc, char **argv, struct tlw_args *a)
{
	char *end;
	int i;

	memset(a, 0, sizeof(*a));
	if (argc < 4)
		tlw_die("usage: %s VARIANT OPS SAMPLES [KEY=VALUE ...]",
			argc ? argv[0] : "workload");
	a->variant = argv[1];
	errno = 0;
	a->ops = strtoull(argv[2], &end, 10);
	if (errno || *end || a->ops == 0)
		tlw_die("OPS must be a positive integer, not '%s'", argv[2]);
	a->samples = (int)strtol(argv[3], &end, 10);
	if (*end || a->samples < 0)
		tlw_die("SAMPLES must be >= 0, not '%s'", argv[3]);
	for (i = 4; i < argc && a->nparams < TLW_MAX_PARAMS; i++) {
		const char *eq = strchr(argv[i], '=');
		size_t n;

		if (!eq || eq == argv[i])
			tlw_die("param '%s' is not KEY=VALUE", argv[i]);
		n = (size_t)(eq - argv[i]);
		if (n >= sizeof(a->keybuf[0]))
			tlw_die("param name too long in '%s'", argv[i]);
		memcpy(a->keybuf[a->nparams], argv[i], n);
		a->keybuf[a->nparams][n] = '\0';
		a->keys[a->nparams] = a->keybuf[a->nparams];
		a->vals[a->nparams] = eq + 1;
		a->nparams++;
	}
}

static inline const char *tlw_str(const struct tlw_args *a, const char *key,
				  const char *def)
{
	int i;

	for (i = a->nparams - 1; i >= 0; i--)
		if (strcmp(a->keys[i], key) == 0)
			return a->vals[i];
	return def;
}

static inline long long tlw_int(const struct tlw_args *a, const char *key,
				long long def)
{
	const char *s = tlw_str(a, key, NULL);
	char *end;
	long long v;

	if (!s)
		return def;
	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || *end || end == s)
		tlw_die("param %s='%s' is not an integer", key, s);
	return v;
}

static inline double tlw_double(const struct tlw_args *a, const char *key,
				double def)
{
	const char *s = tlw_str(a, key, NULL);
	char *end;
	double v;

	if (!s)
		return def;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s)
		tlw_die("param %s='%s' is not a number", key, s);
	return v;
}

static inline int tlw_is(const struct tlw_args *a, const char *variant)
{
	return strcmp(a->variant, variant) == 0;
}

/*
 * The gate of a process that set up beside others (parallel_setup):
 * TL_GATE_READY and TL_GATE_GO name two FIFOs the harness holds open. The
 * process says its untimed set-up is done, then waits for its turn, so that its
 * timed batches run while the others wait, not while they set up. A
 * harness gone before the turn came (EOF) ends the process. Without the
 * two (every other run) it returns at once; once a process.
 */
static inline void tlw_gate(void)
{
	static int passed;
	const char *ready = getenv("TL_GATE_READY"), *go = getenv("TL_GATE_GO");
	char b = 'r';
	ssize_t n;
	int fd;

	if (passed || !ready || !*ready || !go || !*go)
		return;
	passed = 1;
	fd = open(ready, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, &b, 1) != 1)
		tlw_die("cannot tell the harness it is ready (%s): %s", ready,
			strerror(errno));
	close(fd);
	fd = open(go, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		tlw_die("cannot wait for its turn (%s): %s", go,
			strerror(errno));
	do
		n = read(fd, &b, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		tlw_die("the harness ended before this process's turn");
	close(fd);
}

/*
 * Runs a->samples timed batches of a->ops operations each and prints a
 * sample line per batch, after the gate (tlw_gate). Nothing is printed
 * inside a timed batch.
 */
static inline void tlw_run(const struct tlw_args *a, tlw_batch_fn *fn,
			   void *ctx)
{
	int s;

	tlw_gate();
	for (s = 0; s < a->samples; s++) {
		uint64_t t0 = tlw_now_ns();

		fn(ctx, a->ops);
		tlw_sample(tlw_now_ns() - t0, a->ops);
	}
}

/* Ends the workload; flushes the protocol lines. */
static inline int tlw_finish(void)
{
	if (fflush(stdout) != 0)
		return 1;
	return 0;
}

#endif
