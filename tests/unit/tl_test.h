/*
 * tl_test.h - the smallest test harness that does the job.
 *
 * One binary per module. Each TL_TEST() registers itself through a
 * constructor; main() (from TL_TEST_MAIN) runs them all in order and
 * exits 0 when all passed, 1 when any failed, and 77 (the automake
 * "skip" code) when every test that ran asked to be skipped.
 * A failed check prints file:line and the expression, and ends that test.
 */
#ifndef TL_TEST_H
#define TL_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void tl_test_fn(void);

struct tl_test_case {
	const char *name;
	tl_test_fn *fn;
};

#define TL_TEST_MAX 256

extern struct tl_test_case tl_test_cases[TL_TEST_MAX];
extern int tl_test_ncases;
extern int tl_test_failed_now;
extern int tl_test_skipped_now;

#define TL_TEST(name)                                                          \
	static void name(void);                                                \
	__attribute__((constructor)) static void name##_register(void)         \
	{                                                                      \
		if (tl_test_ncases < TL_TEST_MAX)                              \
			tl_test_cases[tl_test_ncases++] =                      \
				(struct tl_test_case){#name, name};            \
	}                                                                      \
	static void name(void)

#define TL_FAIL(...)                                                           \
	do {                                                                   \
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                \
		fprintf(stderr, __VA_ARGS__);                                  \
		fputc('\n', stderr);                                           \
		tl_test_failed_now = 1;                                        \
		return;                                                        \
	} while (0)

#define TL_CHECK(expr)                                                         \
	do {                                                                   \
		if (!(expr))                                                   \
			TL_FAIL("check failed: %s", #expr);                    \
	} while (0)

#define TL_CHECK_INT(a, b)                                                     \
	do {                                                                   \
		long long tl_a_ = (long long)(a), tl_b_ = (long long)(b);      \
		if (tl_a_ != tl_b_)                                            \
			TL_FAIL("%s == %s: %lld != %lld", #a, #b, tl_a_,       \
				tl_b_);                                        \
	} while (0)

#define TL_CHECK_NEAR(a, b, tol)                                               \
	do {                                                                   \
		double tl_a_ = (double)(a), tl_b_ = (double)(b);               \
		if (!(fabs(tl_a_ - tl_b_) <= (double)(tol)))                   \
			TL_FAIL("%s ~ %s: %.10g vs %.10g (tol %g)", #a, #b,    \
				tl_a_, tl_b_, (double)(tol));                  \
	} while (0)

#define TL_CHECK_STR(a, b)                                                     \
	do {                                                                   \
		const char *tl_a_ = (a), *tl_b_ = (b);                         \
		if (!tl_a_ || !tl_b_ || strcmp(tl_a_, tl_b_) != 0)             \
			TL_FAIL("%s == %s: '%s' != '%s'", #a, #b,              \
				tl_a_ ? tl_a_ : "(null)",                      \
				tl_b_ ? tl_b_ : "(null)");                     \
	} while (0)

/* Ends the current test as skipped, with the reason on stderr. */
#define TL_SKIP(...)                                                           \
	do {                                                                   \
		fprintf(stderr, "skip: ");                                     \
		fprintf(stderr, __VA_ARGS__);                                  \
		fputc('\n', stderr);                                           \
		tl_test_skipped_now = 1;                                       \
		return;                                                        \
	} while (0)

#define TL_TEST_MAIN()                                                         \
	struct tl_test_case tl_test_cases[TL_TEST_MAX];                        \
	int tl_test_ncases, tl_test_failed_now, tl_test_skipped_now;           \
	int main(int argc, char **argv)                                        \
	{                                                                      \
		int failed = 0, skipped = 0, i;                                \
		for (i = 0; i < tl_test_ncases; i++) {                         \
			if (argc > 1 &&                                        \
			    strcmp(argv[1], tl_test_cases[i].name) != 0)       \
				continue;                                      \
			tl_test_failed_now = tl_test_skipped_now = 0;          \
			tl_test_cases[i].fn();                                 \
			if (tl_test_failed_now)                                \
				failed++;                                      \
			else if (tl_test_skipped_now)                          \
				skipped++;                                     \
			fprintf(stderr, "  %-4s %s\n",                         \
				tl_test_failed_now    ? "FAIL"                 \
				: tl_test_skipped_now ? "skip"                 \
						      : "ok",                  \
				tl_test_cases[i].name);                        \
		}                                                              \
		if (failed)                                                    \
			return 1;                                              \
		return skipped && skipped == tl_test_ncases ? 77 : 0;          \
	}

#endif
