/*
 * selfbench.c - traplab's own measurement costs on this machine.
 *
 * Prints "NAME VALUE UNIT" lines for scripts/bench.sh:
 *   clock_getres_ns         what the kernel says CLOCK_MONOTONIC resolves
 *   clock_step_ns           the smallest non-zero step seen between two reads
 *   clock_read_ns           the cost of one read (median of 1000 x 1000)
 *   sample_overhead_ns      median (and p99) of a timed batch that does
 *                           nothing: two clock reads and a call, the floor
 *                           that every sample of the workload protocol adds
 *   counter_open_us         tl_counters_open + close on a live process
 *   counter_read_ns         one tl_counters_read of every open event
 *   counter_read_per_event_ns
 * Counter figures are absent (with the reason) when perf_event_open is
 * refused. The counted child is /bin/sleep, started and killed here.
 */
#include "machine/counters.h"
#include "base/os.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NSAMP 200000

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

__attribute__((noinline)) static void nothing(void *ctx, uint64_t ops)
{
	__asm__ volatile("" : : "r"(ctx), "r"(ops) : "memory");
}

static void clock_figures(void)
{
	struct timespec res;
	static uint64_t batch[1000];
	uint64_t prev, now, step = UINT64_MAX, t0, t1;
	long i;

	clock_getres(CLOCK_MONOTONIC, &res);
	printf("clock_getres_ns %ld ns\n", res.tv_nsec);
	prev = tl_os_now_ns();
	for (i = 0; i < 1000000; i++) {
		now = tl_os_now_ns();
		if (now > prev && now - prev < step)
			step = now - prev;
		prev = now;
	}
	printf("clock_step_ns %llu ns\n", (unsigned long long)step);
	/* Median of 1000 batches of 1000 reads: robust to VM steal. */
	for (i = 0; i < 1000; i++) {
		long j;

		t0 = tl_os_now_ns();
		for (j = 0; j < 1000; j++)
			(void)tl_os_now_ns();
		t1 = tl_os_now_ns();
		batch[i] = t1 - t0;
	}
	qsort(batch, 1000, sizeof(batch[0]), cmp_u64);
	printf("clock_read_ns %.2f ns\n", (double)batch[500] / 1000);
}

static void sample_overhead(void)
{
	static uint64_t d[NSAMP];
	long i;

	for (i = 0; i < NSAMP; i++) {
		uint64_t t0 = tl_os_now_ns();

		nothing(d, 1);
		d[i] = tl_os_now_ns() - t0;
	}
	qsort(d, NSAMP, sizeof(d[0]), cmp_u64);
	printf("sample_overhead_ns %llu ns\n",
	       (unsigned long long)d[NSAMP / 2]);
	printf("sample_overhead_p99_ns %llu ns\n",
	       (unsigned long long)d[NSAMP * 99 / 100]);
}

static void counter_figures(void)
{
	struct tl_counters_probe p;
	struct tl_counters c;
	int pfd[2], i, n = 0;
	uint64_t t0, t1;
	pid_t pid;

	tl_counters_probe(&p);
	if (!p.has_sw && !p.has_pmu) {
		printf("counter_read_ns absent %s\n", p.sw_reason);
		return;
	}
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		char b;

		close(pfd[1]);
		if (read(pfd[0], &b, 1) < 0)
			_exit(1);
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	close(pfd[0]);
	t0 = tl_os_now_ns();
	for (i = 0; i < 100; i++) {
		tl_counters_init(&c, &p);
		tl_counters_open(&c, pid, TL_COUNTERS_ALL);
		tl_counters_close(&c);
	}
	t1 = tl_os_now_ns();
	printf("counter_open_us %.1f us\n", (double)(t1 - t0) / 100 / 1e3);
	tl_counters_init(&c, &p);
	n = tl_counters_open(&c, pid, TL_COUNTERS_ALL);
	close(pfd[1]); /* EOF: the child execs sleep */
	usleep(20000);
	t0 = tl_os_now_ns();
	for (i = 0; i < 10000; i++)
		tl_counters_read(&c);
	t1 = tl_os_now_ns();
	printf("counter_read_ns %.0f ns\n", (double)(t1 - t0) / 1e4);
	printf("counter_read_per_event_ns %.0f ns\n",
	       n ? (double)(t1 - t0) / 1e4 / n : 0);
	printf("counter_events_open %d events\n", n);
	tl_counters_close(&c);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int main(void)
{
	clock_figures();
	sample_overhead();
	counter_figures();
	return 0;
}
