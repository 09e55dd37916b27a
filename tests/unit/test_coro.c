/*
 * test_coro.c - stackful (asm and ucontext) and stackless coroutines.
 *
 * Correctness with small sizes: values survive switches, many coroutines
 * interleave without loss, the guard page faults, floating-point modes
 * stay per context, and released stacks leave no mapping behind (checked
 * in /proc/self/maps, since LeakSanitizer does not track mmap).
 */
#include "coro.h"
#include "stackless.h"
#include "ucoro.h"

#include "tl_test.h"

#include <errno.h>
#include <fcntl.h>
#include <fenv.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif

struct counter {
	uint64_t n;
	uint64_t limit;
};

static void count_up(struct tl_coro *co, void *arg)
{
	struct counter *c = arg;

	while (c->n < c->limit) {
		c->n++;
		tl_coro_yield(co);
	}
}

TL_TEST(coro_resume_yield_finish)
{
	struct counter c = {0, 3};
	struct tl_coro co;

	TL_CHECK_INT(tl_coro_init(&co, 0, 0, count_up, &c), 0);
	TL_CHECK_INT(tl_coro_stack_bytes(&co), TL_CORO_STACK_DEFAULT);
	TL_CHECK_INT(tl_coro_resume(&co), 1);
	TL_CHECK_INT(c.n, 1);
	TL_CHECK_INT(tl_coro_resume(&co), 1);
	TL_CHECK_INT(tl_coro_resume(&co), 1);
	TL_CHECK_INT(c.n, 3);
	TL_CHECK(!tl_coro_is_done(&co));
	TL_CHECK_INT(tl_coro_resume(&co), 0);
	TL_CHECK(tl_coro_is_done(&co));
	tl_coro_release(&co);
	tl_coro_release(&co);
	tl_coro_release(NULL);
}

TL_TEST(coro_rejects_bad_args)
{
	struct tl_coro co;

	TL_CHECK_INT(tl_coro_init(&co, 0, 0, NULL, NULL), -EINVAL);
	TL_CHECK_INT(tl_coro_init(&co, (size_t)-1, 0, count_up, NULL), -EINVAL);
}

TL_TEST(coro_many_switches)
{
	struct counter c = {0, 200000};
	struct tl_coro co;
	uint64_t resumes = 0;

	TL_CHECK_INT(tl_coro_init(&co, 16384, 0, count_up, &c), 0);
	while (tl_coro_resume(&co))
		resumes++;
	TL_CHECK_INT(c.n, 200000);
	TL_CHECK_INT(resumes, 200000);
	tl_coro_release(&co);
}

/* Each coroutine adds its id to a shared log at each step. */
struct worker {
	int id;
	int steps;
	uint64_t *sum;
	int *order;
	int *norder;
};

static void work(struct tl_coro *co, void *arg)
{
	struct worker *w = arg;
	int i;
	volatile uint64_t local = (uint64_t)w->id * 1000003u;

	for (i = 0; i < w->steps; i++) {
		*w->sum += (uint64_t)w->id;
		w->order[(*w->norder)++] = w->id;
		tl_coro_yield(co);
		/* A local must survive the other coroutines' switches. */
		if (local != (uint64_t)w->id * 1000003u)
			*w->sum += 1u << 30;
	}
}

TL_TEST(coro_many_coroutines_round_robin)
{
	enum { N = 300, STEPS = 5 };
	static struct tl_coro cos[N];
	static struct worker ws[N];
	static int order[N * STEPS];
	uint64_t sum = 0, want = 0;
	int norder = 0, i, live = N, round;

	for (i = 0; i < N; i++) {
		ws[i] = (struct worker){i, STEPS, &sum, order, &norder};
		TL_CHECK_INT(tl_coro_init(&cos[i], 8192, 0, work, &ws[i]), 0);
		want += (uint64_t)i * STEPS;
	}
	for (round = 0; live > 0; round++) {
		for (i = 0; i < N; i++)
			if (!tl_coro_is_done(&cos[i]) &&
			    !tl_coro_resume(&cos[i]))
				live--;
	}
	TL_CHECK_INT(round, STEPS + 1);
	TL_CHECK_INT(sum, want);
	TL_CHECK_INT(norder, N * STEPS);
	for (i = 0; i < N * STEPS; i++)
		TL_CHECK_INT(order[i], i % N);
	for (i = 0; i < N; i++)
		tl_coro_release(&cos[i]);
}

/* Recursion that uses a known amount of stack. */
static uint64_t deep(int n)
{
	volatile char pad[512];

	pad[0] = (char)n;
	if (n == 0)
		return (uint64_t)pad[0];
	return deep(n - 1) + (uint64_t)pad[0] + 1;
}

static void deep_body(struct tl_coro *co, void *arg)
{
	(void)co;
	*(uint64_t *)arg = deep(100); /* ~60 KiB of stack */
}

TL_TEST(coro_deep_stack_fits)
{
	struct tl_coro co;
	uint64_t r = 0;

	TL_CHECK_INT(tl_coro_init(&co, 256 * 1024, 0, deep_body, &r), 0);
	TL_CHECK_INT(tl_coro_resume(&co), 0);
	TL_CHECK_INT(r, deep(100));
	tl_coro_release(&co);
}

static void touch_below(struct tl_coro *co, void *arg)
{
	volatile char *p = arg;

	(void)co;
	p[-1] = 1; /* the byte below the stack: the guard page */
}

TL_TEST(coro_guard_page_faults)
{
	struct tl_coro co;
	int status;
	pid_t pid;

	TL_CHECK_INT(tl_coro_init(&co, 8192, 0, count_up, NULL), 0);
	pid = fork();
	TL_CHECK(pid >= 0);
	if (pid == 0) {
		struct tl_coro probe;
		int null = open("/dev/null", O_WRONLY);

		/* The expected crash report (ASan's) is not test output. */
		if (null >= 0)
			dup2(null, 2);
		/* A store into the stack works, one byte lower faults. */
		((volatile char *)co.stack_lo)[0] = 1;
		if (tl_coro_init(&probe, 8192, 0, touch_below, co.stack_lo))
			_exit(3);
		tl_coro_resume(&probe);
		_exit(0);
	}
	TL_CHECK(waitpid(pid, &status, 0) == pid);
	/* SIGSEGV, or a sanitizer's report and non-zero exit. */
	TL_CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) ||
		 (WIFEXITED(status) && WEXITSTATUS(status) != 0 &&
		  WEXITSTATUS(status) != 3));
	tl_coro_release(&co);
}

static void fp_body(struct tl_coro *co, void *arg)
{
	int *bad = arg;

	fesetround(FE_UPWARD);
	tl_coro_yield(co);
	if (fegetround() != FE_UPWARD)
		*bad = 1;
}

TL_TEST(coro_fp_modes_are_per_context)
{
	struct tl_coro co;
	int bad = 0;

	TL_CHECK_INT(fegetround(), FE_TONEAREST);
	TL_CHECK_INT(tl_coro_init(&co, 0, 0, fp_body, &bad), 0);
	TL_CHECK_INT(tl_coro_resume(&co), 1);
	TL_CHECK_INT(fegetround(), FE_TONEAREST);
	TL_CHECK_INT(tl_coro_resume(&co), 0);
	TL_CHECK_INT(bad, 0);
	TL_CHECK_INT(fegetround(), FE_TONEAREST);
	tl_coro_release(&co);
}

static int count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0, ch;

	if (!f)
		return -1;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

TL_TEST(coro_release_unmaps_everything)
{
	enum { N = 200 };
	static struct tl_coro cos[N];
	struct counter c = {0, 1000000};
	int before, during, after, i;

#ifdef UNDER_TSAN
	TL_SKIP("TSan maps shadow memory for each new stack; maps differ");
#endif
	before = count_maps();
	if (before < 0)
		TL_SKIP("no /proc/self/maps");
	for (i = 0; i < N; i++) {
		TL_CHECK_INT(tl_coro_init(&cos[i], 0, 0, count_up, &c), 0);
		tl_coro_resume(&cos[i]); /* parked mid-function */
	}
	during = count_maps();
	for (i = 0; i < N; i++)
		tl_coro_release(&cos[i]);
	after = count_maps();
	/* Guard page + stack: two mappings each (they cannot merge). */
	TL_CHECK(during >= before + N);
	TL_CHECK_INT(after, before);
}

/* ucontext variant: same contract. */
struct ucounter {
	uint64_t n, limit;
};

static void ucount_up(struct tl_ucoro *co, void *arg)
{
	struct ucounter *c = arg;

	while (c->n < c->limit) {
		c->n++;
		tl_ucoro_yield(co);
	}
}

TL_TEST(ucoro_many_switches)
{
	struct ucounter c = {0, 20000};
	struct tl_ucoro co;
	uint64_t resumes = 0;

	TL_CHECK_INT(tl_ucoro_init(&co, 0, 0, ucount_up, &c), 0);
	while (tl_ucoro_resume(&co))
		resumes++;
	TL_CHECK_INT(c.n, 20000);
	TL_CHECK_INT(resumes, 20000);
	TL_CHECK(tl_ucoro_is_done(&co));
	tl_ucoro_release(&co);
	TL_CHECK_INT(tl_ucoro_init(&co, 0, 0, NULL, NULL), -EINVAL);
}

TL_TEST(ucoro_many_coroutines)
{
	enum { N = 100 };
	static struct tl_ucoro cos[N];
	static struct ucounter cs[N];
	int i, live = N;

	for (i = 0; i < N; i++) {
		cs[i] = (struct ucounter){0, (uint64_t)i % 7};
		TL_CHECK_INT(
			tl_ucoro_init(&cos[i], 16384, 0, ucount_up, &cs[i]), 0);
	}
	while (live > 0)
		for (i = 0; i < N; i++)
			if (!tl_ucoro_is_done(&cos[i]) &&
			    !tl_ucoro_resume(&cos[i]))
				live--;
	for (i = 0; i < N; i++) {
		TL_CHECK_INT(cs[i].n, (uint64_t)i % 7);
		tl_ucoro_release(&cos[i]);
	}
}

/* Stackless: all state in a struct, one int of resume point. */
struct sl_job {
	struct tl_sl sl;
	int i, n;
	int *log;
	int *nlog;
};

static int sl_step(struct sl_job *j)
{
	TL_SL_BEGIN(&j->sl);
	for (j->i = 0; j->i < j->n; j->i++) {
		j->log[(*j->nlog)++] = j->i;
		TL_SL_YIELD(&j->sl);
	}
	TL_SL_WAIT_UNTIL(&j->sl, *j->nlog >= 100);
	TL_SL_END(&j->sl);
}

TL_TEST(stackless_yields_and_waits)
{
	int log[200], nlog = 0, r, calls = 0;
	struct sl_job j = {.n = 3, .log = log, .nlog = &nlog};

	TL_SL_INIT(&j.sl);
	while ((r = sl_step(&j)) == TL_SL_YIELDED) {
		calls++;
		if (calls == 10)
			nlog = 100; /* releases the wait */
		TL_CHECK(calls < 50);
	}
	TL_CHECK_INT(r, TL_SL_DONE);
	TL_CHECK(TL_SL_IS_DONE(&j.sl));
	TL_CHECK_INT(calls, 10);
	TL_CHECK_INT(log[0], 0);
	TL_CHECK_INT(log[2], 2);
	TL_CHECK_INT(sl_step(&j), TL_SL_DONE);
}

TL_TEST_MAIN()
