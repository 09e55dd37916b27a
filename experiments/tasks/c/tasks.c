/*
 * tasks.c - C side of the tasks experiment (article 3.1): what a parked
 * task costs, and what a switch between two tasks costs.
 *
 * Creation variants (one op = one task created, started and parked; a
 * sample creates `tasks` of them, the teardown is not timed):
 *   c.pthread     a thread parked on a futex (stack: stack_kib, 0 = libc
 *                 default, which is RLIMIT_STACK, usually 8 MiB reserved)
 *   c.coro        lib/coro stackful coroutine, asm switch, parked at its
 *                 first yield (stack: stack_kib, guard page: guard=1)
 *   c.coro.noguard  the same with guard=0 (its yaml params): no guard page
 *   c.ucontext    lib/ucoro, the same on makecontext/swapcontext
 *   c.stackless   lib/stackless state machine, one malloc'd frame per task
 * The first sample also reports, from /proc/self/statm, the resident set
 * before and after creating the tasks (metric rss_bytes_before_create,
 * rss_bytes_after_create, and their difference per task).
 *
 * Switch variants (one op = one switch; a round trip is two):
 *   c.switch.coro      main <-> coroutine, asm switch
 *   c.switch.ucontext  main <-> coroutine, swapcontext
 *   c.switch.futex     two threads handing a turn over with futex wake/wait
 *   c.switch.condvar   two threads with a mutex and a condition variable
 * OPS is not used: a sample line is `batch` switches (default 100), and
 * each requested sample becomes `lines` sample lines (default 100), so the
 * harness gets thousands of short batches and p99/p99.9/max describe
 * single switches rather than long averages. 1000 untimed round trips
 * warm up first. The coroutine variants also count the system calls per
 * switch with ptrace (metric syscalls_per_switch, sigprocmask_per_switch):
 * swapcontext's rt_sigprocmask shows up there, the asm switch has none.
 *
 * A task count the system cannot reach (pid_max, vm.max_map_count) ends
 * the workload with exit 3, `fact create_failed_at N` and the reason on
 * stderr: the figure is absent, not zero.
 */
#include "tlw.h"

#include "coro.h"
#include "stackless.h"
#include "syscount.h"
#include "ucoro.h"

#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

static long futex(atomic_int *addr, int op, int val)
{
	return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

static long page_bytes(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? p : 4096;
}

/* Resident set in bytes from /proc/self/statm, or -1. */
static long long rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long long size, res = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%lld %lld", &size, &res) != 2)
		res = -1;
	fclose(f);
	return res < 0 ? -1 : res * page_bytes();
}

static long long read_proc_ll(const char *path)
{
	FILE *f = fopen(path, "r");
	long long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* ---- creation ---- */

struct create_ctx {
	long n;
	size_t stack_bytes;
	unsigned flags;
	pthread_t *threads;
	struct tl_coro *coros;
	struct tl_ucoro *ucoros;
	struct sl_task **sls;
	long created; /* tasks alive, for teardown after a failure */
};

static atomic_long started;
static atomic_int release_word;

static void *parked_thread(void *arg)
{
	(void)arg;
	/* Relaxed: the creator only counts; no data rides on it. */
	atomic_fetch_add_explicit(&started, 1, memory_order_relaxed);
	while (atomic_load_explicit(&release_word, memory_order_acquire) == 0)
		futex(&release_word, FUTEX_WAIT_PRIVATE, 0);
	return NULL;
}

static void parked_coro(struct tl_coro *co, void *arg)
{
	(void)arg;
	atomic_fetch_add_explicit(&started, 1, memory_order_relaxed);
	tl_coro_yield(co); /* parked here until released (never resumed) */
}

static void parked_ucoro(struct tl_ucoro *co, void *arg)
{
	(void)arg;
	atomic_fetch_add_explicit(&started, 1, memory_order_relaxed);
	tl_ucoro_yield(co);
}

/* A stackless task: its frame is this struct, nothing else. */
struct sl_task {
	struct tl_sl sl;
	long id;
	const atomic_int *release;
};

static int sl_step(struct sl_task *t)
{
	TL_SL_BEGIN(&t->sl);
	atomic_fetch_add_explicit(&started, 1, memory_order_relaxed);
	TL_SL_WAIT_UNTIL(
		&t->sl, atomic_load_explicit(t->release, memory_order_acquire));
	TL_SL_END(&t->sl);
}

enum kind { K_PTHREAD, K_CORO, K_UCORO, K_STACKLESS };

/* Creates ctx->n tasks; returns 0 or -errno with ctx->created set. */
static int create_all(struct create_ctx *c, enum kind k)
{
	pthread_attr_t attr;
	int err = 0;
	long i;

	atomic_store(&started, 0);
	atomic_store(&release_word, 0);
	c->created = 0;
	if (k == K_PTHREAD) {
		pthread_attr_init(&attr);
		if (c->stack_bytes)
			pthread_attr_setstacksize(&attr, c->stack_bytes);
	}
	for (i = 0; i < c->n && !err; i++) {
		switch (k) {
		case K_PTHREAD:
			err = -pthread_create(&c->threads[i], &attr,
					      parked_thread, NULL);
			break;
		case K_CORO:
			err = tl_coro_init(&c->coros[i], c->stack_bytes,
					   c->flags, parked_coro, NULL);
			if (!err)
				tl_coro_resume(&c->coros[i]);
			break;
		case K_UCORO:
			err = tl_ucoro_init(&c->ucoros[i], c->stack_bytes,
					    c->flags, parked_ucoro, NULL);
			if (!err)
				tl_ucoro_resume(&c->ucoros[i]);
			break;
		case K_STACKLESS:
			c->sls[i] = malloc(sizeof(*c->sls[i]));
			if (!c->sls[i]) {
				err = -ENOMEM;
				break;
			}
			TL_SL_INIT(&c->sls[i]->sl);
			c->sls[i]->id = i;
			c->sls[i]->release = &release_word;
			sl_step(c->sls[i]);
			break;
		}
		if (!err)
			c->created = i + 1;
	}
	if (k == K_PTHREAD)
		pthread_attr_destroy(&attr);
	/* Parked means started: wait for every thread to get there. */
	while (atomic_load_explicit(&started, memory_order_relaxed) <
	       c->created)
		sched_yield();
	return err;
}

static void destroy_all(struct create_ctx *c, enum kind k)
{
	long i;

	atomic_store_explicit(&release_word, 1, memory_order_release);
	if (k == K_PTHREAD)
		futex(&release_word, FUTEX_WAKE_PRIVATE, 0x7fffffff);
	for (i = 0; i < c->created; i++) {
		switch (k) {
		case K_PTHREAD:
			pthread_join(c->threads[i], NULL);
			break;
		case K_CORO:
			tl_coro_release(&c->coros[i]);
			break;
		case K_UCORO:
			tl_ucoro_release(&c->ucoros[i]);
			break;
		case K_STACKLESS:
			if (sl_step(c->sls[i]) != TL_SL_DONE)
				tlw_die("stackless task %ld did not finish", i);
			free(c->sls[i]);
			break;
		}
	}
}

/* For syscount: create and park n coroutines, then drop them. */
static void create_n_coros(void *ctx, uint64_t n)
{
	struct create_ctx *c = ctx;

	c->n = (long)n;
	if (create_all(c, c->coros ? K_CORO : K_UCORO))
		_exit(4);
	destroy_all(c, c->coros ? K_CORO : K_UCORO);
}

static int run_create(const struct tlw_args *a, enum kind k)
{
	struct create_ctx c = {0};
	long long rss0, rss1;
	int s, err;

	c.n = (long)tlw_int(a, "tasks", 1000);
	c.stack_bytes =
		(size_t)tlw_int(a, "stack_kib", k == K_PTHREAD ? 0 : 64) * 1024;
	c.flags = tlw_int(a, "guard", 1) ? 0 : TL_CORO_NO_GUARD;
	if (c.n <= 0)
		tlw_die("tasks must be positive");
	tlw_fact_int("tasks", c.n);
	tlw_fact_int("pid_max", read_proc_ll("/proc/sys/kernel/pid_max"));
	tlw_fact_int("threads_max",
		     read_proc_ll("/proc/sys/kernel/threads-max"));
	tlw_fact_int("vm_max_map_count",
		     read_proc_ll("/proc/sys/vm/max_map_count"));
	if (k == K_PTHREAD) {
		pthread_attr_t attr;
		size_t def = 0;

		pthread_attr_init(&attr);
		pthread_attr_getstacksize(&attr, &def);
		pthread_attr_destroy(&attr);
		tlw_fact_int("stack_reserved_bytes",
			     (long long)(c.stack_bytes ? c.stack_bytes : def));
		c.threads = calloc((size_t)c.n, sizeof(*c.threads));
	} else if (k == K_CORO || k == K_UCORO) {
		tlw_fact_int("stack_reserved_bytes", (long long)c.stack_bytes);
		tlw_fact("guard_page", c.flags ? "false" : "true");
		if (k == K_CORO)
			c.coros = calloc((size_t)c.n, sizeof(*c.coros));
		else
			c.ucoros = calloc((size_t)c.n, sizeof(*c.ucoros));
	} else {
		tlw_fact_int("frame_bytes", (long long)sizeof(struct sl_task));
		c.sls = calloc((size_t)c.n, sizeof(*c.sls));
	}
	if (!c.threads && !c.coros && !c.ucoros && !c.sls)
		tlw_die("out of memory for %ld task handles", c.n);

	for (s = 0; s < a->samples; s++) {
		uint64_t t0;

		rss0 = rss_bytes();
		t0 = tlw_now_ns();
		err = create_all(&c, k);
		if (!err)
			tlw_sample(tlw_now_ns() - t0, (uint64_t)c.n);
		rss1 = rss_bytes();
		if (err) {
			destroy_all(&c, k);
			tlw_fact_int("create_failed_at", c.created);
			fflush(stdout);
			fprintf(stderr,
				"workload: cannot create task %ld of %ld: %s "
				"(pid_max %lld, vm.max_map_count %lld)\n",
				c.created + 1, c.n, strerror(-err),
				read_proc_ll("/proc/sys/kernel/pid_max"),
				read_proc_ll("/proc/sys/vm/max_map_count"));
			return 3;
		}
		if (s == 0 && rss0 > 0 && rss1 > 0) {
			/* First sample: nothing cached from earlier rounds. */
			tlw_metric("rss_bytes_before_create", (double)rss0);
			tlw_metric("rss_bytes_after_create", (double)rss1);
			tlw_metric("rss_bytes_per_task",
				   (double)(rss1 - rss0) / (double)c.n);
		}
		destroy_all(&c, k);
	}
	if (k == K_CORO || k == K_UCORO) {
		double all, nr;
		long n = c.n;

		/* mmap + mprotect (+ the signal mask for getcontext). */
		if (syscount_per_n(create_n_coros, &c, 50, 150,
				   SYS_rt_sigprocmask, &all, &nr) == 0)
			tlw_metric("syscalls_per_task", all);
		c.n = n;
	}
	free(c.threads);
	free(c.coros);
	free(c.ucoros);
	free(c.sls);
	return tlw_finish();
}

/* ---- switch latency ---- */

struct pp_coro {
	uint64_t rounds; /* counted by the coroutine */
};

static void pong_coro(struct tl_coro *co, void *arg)
{
	struct pp_coro *p = arg;

	for (;;) {
		p->rounds++;
		tl_coro_yield(co);
	}
}

static void pong_ucoro(struct tl_ucoro *co, void *arg)
{
	struct pp_coro *p = arg;

	for (;;) {
		p->rounds++;
		tl_ucoro_yield(co);
	}
}

struct sw_ctx {
	struct tl_coro co;
	struct tl_ucoro uco;
	struct pp_coro pp;
	int use_ucoro;
	/* thread ping-pong */
	atomic_int turn; /* 0: main's turn, 1: partner's */
	atomic_int stop;
	uint64_t partner_rounds;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int cturn; /* condvar variant's turn, under mu */
	pthread_t partner;
};

static void batch_coro(void *ctx, uint64_t rounds)
{
	struct sw_ctx *c = ctx;
	uint64_t i;

	for (i = 0; i < rounds; i++)
		tl_coro_resume(&c->co);
}

static void batch_ucoro(void *ctx, uint64_t rounds)
{
	struct sw_ctx *c = ctx;
	uint64_t i;

	for (i = 0; i < rounds; i++)
		tl_ucoro_resume(&c->uco);
}

/* For syscount: n round trips in a fresh coroutine. */
static void syscount_rounds(void *ctx, uint64_t n)
{
	struct sw_ctx *c = ctx;

	if (c->use_ucoro)
		batch_ucoro(c, n);
	else
		batch_coro(c, n);
}

static void *futex_partner(void *arg)
{
	struct sw_ctx *c = arg;

	for (;;) {
		while (atomic_load_explicit(&c->turn, memory_order_acquire) ==
		       0)
			futex(&c->turn, FUTEX_WAIT_PRIVATE, 0);
		if (atomic_load_explicit(&c->stop, memory_order_relaxed))
			return NULL;
		c->partner_rounds++;
		atomic_store_explicit(&c->turn, 0, memory_order_release);
		futex(&c->turn, FUTEX_WAKE_PRIVATE, 1);
	}
}

static void batch_futex(void *ctx, uint64_t rounds)
{
	struct sw_ctx *c = ctx;
	uint64_t i;

	for (i = 0; i < rounds; i++) {
		atomic_store_explicit(&c->turn, 1, memory_order_release);
		futex(&c->turn, FUTEX_WAKE_PRIVATE, 1);
		while (atomic_load_explicit(&c->turn, memory_order_acquire) ==
		       1)
			futex(&c->turn, FUTEX_WAIT_PRIVATE, 1);
	}
}

static void *cond_partner(void *arg)
{
	struct sw_ctx *c = arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (c->cturn == 0)
			pthread_cond_wait(&c->cv, &c->mu);
		if (atomic_load_explicit(&c->stop, memory_order_relaxed))
			break;
		c->partner_rounds++;
		c->cturn = 0;
		pthread_cond_signal(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

static void batch_cond(void *ctx, uint64_t rounds)
{
	struct sw_ctx *c = ctx;
	uint64_t i;

	pthread_mutex_lock(&c->mu);
	for (i = 0; i < rounds; i++) {
		c->cturn = 1;
		pthread_cond_signal(&c->cv);
		while (c->cturn == 1)
			pthread_cond_wait(&c->cv, &c->mu);
	}
	pthread_mutex_unlock(&c->mu);
}

static int run_switch(const struct tlw_args *a, const char *what)
{
	static struct sw_ctx c;
	long long batch = tlw_int(a, "batch", 100),
		  lines = tlw_int(a, "lines", 100);
	uint64_t rounds, want, nlines, warm = 1000;
	tlw_batch_fn *fn;
	uint64_t got, s;
	int threads = 0;

	if (batch < 2 || lines < 1)
		tlw_die("batch must be >= 2 and lines >= 1");
	rounds = (uint64_t)batch / 2;
	nlines = (uint64_t)lines * (uint64_t)a->samples;
	want = rounds * nlines + warm;
	pthread_mutex_init(&c.mu, NULL);
	pthread_cond_init(&c.cv, NULL);
	if (strcmp(what, "coro") == 0) {
		if (tl_coro_init(&c.co, 16384, 0, pong_coro, &c.pp))
			tlw_die("cannot create coroutine");
		fn = batch_coro;
	} else if (strcmp(what, "ucontext") == 0) {
		if (tl_ucoro_init(&c.uco, 16384, 0, pong_ucoro, &c.pp))
			tlw_die("cannot create coroutine");
		c.use_ucoro = 1;
		fn = batch_ucoro;
	} else if (strcmp(what, "futex") == 0) {
		if (pthread_create(&c.partner, NULL, futex_partner, &c))
			tlw_die("cannot create thread");
		threads = 1;
		fn = batch_futex;
	} else {
		if (pthread_create(&c.partner, NULL, cond_partner, &c))
			tlw_die("cannot create thread");
		threads = 2;
		fn = batch_cond;
	}
	tlw_fact("clock", "CLOCK_MONOTONIC");
	tlw_fact_int("switches_per_sample", (long long)(rounds * 2));
	fn(&c, warm);
	for (s = 0; s < nlines; s++) {
		uint64_t t0 = tlw_now_ns();

		fn(&c, rounds);
		tlw_sample(tlw_now_ns() - t0, rounds * 2);
	}
	if (threads == 1) {
		atomic_store(&c.stop, 1);
		atomic_store_explicit(&c.turn, 1, memory_order_release);
		futex(&c.turn, FUTEX_WAKE_PRIVATE, 1);
		pthread_join(c.partner, NULL);
		got = c.partner_rounds;
	} else if (threads == 2) {
		pthread_mutex_lock(&c.mu);
		atomic_store(&c.stop, 1);
		c.cturn = 1;
		pthread_cond_signal(&c.cv);
		pthread_mutex_unlock(&c.mu);
		pthread_join(c.partner, NULL);
		got = c.partner_rounds;
	} else {
		/* The first resume starts the body, which counts it too. */
		got = c.pp.rounds;
	}
	if (got != want)
		tlw_die("%llu round trips done, %llu expected",
			(unsigned long long)got, (unsigned long long)want);
	if (!threads) {
		double all, nr;
		int err;

		/* The children inherit the parked coroutine; fine, it is
		 * resumed there and the counts differ by n only. */
		err = syscount_per_n(syscount_rounds, &c, 1000, 3000,
				     SYS_rt_sigprocmask, &all, &nr);
		if (err == 0) {
			tlw_metric("syscalls_per_switch", all / 2);
			tlw_metric("sigprocmask_per_switch", nr / 2);
		} else {
			fprintf(stderr,
				"workload: no syscall count (ptrace: %s)\n",
				strerror(-err));
		}
		tl_coro_release(&c.co);
		tl_ucoro_release(&c.uco);
	}
	return tlw_finish();
}

int main(int argc, char **argv)
{
	struct tlw_args a;

	tlw_parse(argc, argv, &a);
	if (tlw_is(&a, "c.pthread"))
		return run_create(&a, K_PTHREAD);
	if (tlw_is(&a, "c.coro") || tlw_is(&a, "c.coro.noguard"))
		return run_create(&a, K_CORO);
	if (tlw_is(&a, "c.ucontext"))
		return run_create(&a, K_UCORO);
	if (tlw_is(&a, "c.stackless"))
		return run_create(&a, K_STACKLESS);
	if (strncmp(a.variant, "c.switch.", 9) == 0) {
		const char *w = a.variant + 9;

		if (strcmp(w, "coro") && strcmp(w, "ucontext") &&
		    strcmp(w, "futex") && strcmp(w, "condvar"))
			tlw_die("unknown variant '%s'", a.variant);
		return run_switch(&a, w);
	}
	tlw_die("unknown variant '%s'", a.variant);
}
