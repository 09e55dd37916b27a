/*
 * test_counters.c - counters against this machine and against a fake PMU.
 *
 * The real path forks a child that waits on a pipe, opens the counters on
 * it (as the runner's on_spawn hook does), lets it exec this same binary
 * with TL_TEST_TOUCH_PAGES=N, and checks that a thread of the exec'ed
 * process touching N fresh pages shows up as >= N page faults (so
 * enable_on_exec and inherit both work). Hardware events must then be
 * either present or absent with the probe's reason.
 *
 * The fake PMU replaces tl__os.perf_event_open with a function that hands
 * out the read end of a pipe per event and records the attributes; the
 * test writes into the pipe exactly what the kernel would return from
 * read(2) (PERF_FORMAT_GROUP or single), so grouping, fallback, reading
 * and scaling are covered without a PMU.
 */
#include "machine/counters.h"
#include "base/os.h"
#include "tl_test.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGES 1000

static void *toucher(void *arg)
{
	long n = (long)arg, i;
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, (size_t)(n * pg), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(3);
	madvise(p, (size_t)(n * pg), MADV_NOHUGEPAGE);
	for (i = 0; i < n; i++)
		((volatile char *)p)[i * pg] = 1;
	munmap(p, (size_t)(n * pg));
	return NULL;
}

/* Child mode: the exec'ed copy of this binary touches pages and exits. */
__attribute__((constructor)) static void child_mode(void)
{
	const char *s = getenv("TL_TEST_TOUCH_PAGES");
	pthread_t t;

	if (!s)
		return;
	if (pthread_create(&t, NULL, toucher, (void *)strtol(s, NULL, 10)))
		_exit(4);
	pthread_join(t, NULL);
	_exit(0);
}

TL_TEST(names_round_trip)
{
	int i;

	for (i = 0; i < TL_COUNTER__N; i++)
		TL_CHECK_INT(tl_counter_lookup(tl_counter_name(i)), i);
	TL_CHECK_STR(tl_counter_name(TL_COUNTER_BRANCH_MISSES),
		     "branch_misses");
	TL_CHECK_STR(tl_counter_source(TL_COUNTER_INSTRUCTIONS), "pmu");
	TL_CHECK_STR(tl_counter_source(TL_COUNTER_PAGE_FAULTS), "sw");
	TL_CHECK(tl_counter_name(TL_COUNTER__N) == NULL);
	TL_CHECK_INT(tl_counter_lookup("nope"), -1);
}

TL_TEST(scale_pure)
{
	double v, cov;

	TL_CHECK_INT(tl_counters_scale(1000, 50, 50, &v, &cov), 0);
	TL_CHECK_NEAR(v, 1000, 0);
	TL_CHECK_NEAR(cov, 1, 0);
	TL_CHECK_INT(tl_counters_scale(1000, 100, 25, &v, &cov), 0);
	TL_CHECK_NEAR(v, 4000, 1e-9);
	TL_CHECK_NEAR(cov, 0.25, 1e-12);
	/* running a hair above enabled is full coverage, not scaled down */
	TL_CHECK_INT(tl_counters_scale(7, 100, 101, &v, &cov), 0);
	TL_CHECK_NEAR(v, 7, 0);
	TL_CHECK_NEAR(cov, 1, 0);
	TL_CHECK_INT(tl_counters_scale(7, 100, 0, &v, &cov), -ENODATA);
	TL_CHECK_INT(tl_counters_scale(0, 0, 0, &v, &cov), -ENODATA);
	/* large counts keep their precision to double rounding */
	TL_CHECK_INT(tl_counters_scale(1ull << 52, 3, 2, &v, &cov), 0);
	TL_CHECK_NEAR(v, 1.5 * (double)(1ull << 52), 1);
}

TL_TEST(probe_this_machine)
{
	struct tl_counters_probe p;

	tl_counters_probe(&p);
	fprintf(stderr,
		"    probe: pmu=%d sw=%d paranoid=%d privileged=%d vm=%d "
		"sysfs=%d exclude_kernel=%d\n",
		p.has_pmu, p.has_sw, p.paranoid, p.privileged, p.is_vm,
		p.pmu_sysfs, p.exclude_kernel);
	if (!p.has_pmu) {
		fprintf(stderr, "    hardware: %s\n", p.hw_reason);
		TL_CHECK(p.hw_err < 0);
		TL_CHECK(p.hw_reason[0] != '\0');
	} else {
		TL_CHECK_INT(p.hw_err, 0);
		TL_CHECK_STR(p.hw_reason, "");
	}
	if (!p.has_sw)
		TL_SKIP("software counters refused: %s", p.sw_reason);
	TL_CHECK_STR(p.sw_reason, "");
}

/*
 * Runs this binary as a child touching PAGES pages in a thread, with the
 * counters opened between fork and exec.
 */
static int run_child(struct tl_counters *c, unsigned what, int *opened)
{
	int pfd[2], status;
	char dummy;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char *argv[] = {(char *)"test_counters", (char *)"none", NULL};
		char env[64];
		char *envp[] = {env, NULL};

		snprintf(env, sizeof(env), "TL_TEST_TOUCH_PAGES=%d", PAGES);
		close(pfd[1]);
		if (read(pfd[0], &dummy, 1) != 1)
			_exit(5);
		execve("/proc/self/exe", argv, envp);
		_exit(6);
	}
	close(pfd[0]);
	*opened = tl_counters_open(c, pid, what);
	dummy = 'x';
	if (write(pfd[1], &dummy, 1) != 1)
		return -EIO;
	close(pfd[1]);
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -ECHILD;
	return 0;
}

TL_TEST(real_child_counts)
{
	struct tl_counters_probe p;
	struct tl_counters c;
	int opened = 0, i, err;

	tl_counters_probe(&p);
	if (!p.has_sw)
		TL_SKIP("software counters refused: %s", p.sw_reason);
	tl_counters_init(&c, &p);
	err = run_child(&c, TL_COUNTERS_ALL, &opened);
	TL_CHECK_INT(err, 0);
	TL_CHECK(opened >= 4);
	TL_CHECK(tl_counters_read(&c) >= 4);
	for (i = 0; i < TL_COUNTER__N; i++) {
		struct tl_counter *e = &c.ev[i];

		fprintf(stderr, "    %-18s %s %s\n", tl_counter_name(i),
			e->present ? "present" : "absent:",
			e->present ? "" : e->reason);
		if (e->present) {
			TL_CHECK_STR(e->reason, "");
			TL_CHECK(e->coverage > 0 && e->coverage <= 1);
			continue;
		}
		TL_CHECK(e->reason[0] != '\0');
		if (tl_counter_is_hw(i) && !p.has_pmu)
			TL_CHECK_STR(e->reason, p.hw_reason);
	}
	for (i = 0; i < TL_COUNTER__N; i++)
		if (!tl_counter_is_hw(i))
			TL_CHECK(c.ev[i].present);
	fprintf(stderr, "    page_faults=%.0f task_clock_ns=%.0f cs=%.0f\n",
		c.ev[TL_COUNTER_PAGE_FAULTS].value,
		c.ev[TL_COUNTER_TASK_CLOCK_NS].value,
		c.ev[TL_COUNTER_CONTEXT_SWITCHES].value);
	/* The pages were touched by a thread: inherit must count them. */
	TL_CHECK(c.ev[TL_COUNTER_PAGE_FAULTS].value >= PAGES);
	TL_CHECK(c.ev[TL_COUNTER_TASK_CLOCK_NS].value > 0);
	if (p.has_pmu)
		TL_CHECK(c.ev[TL_COUNTER_INSTRUCTIONS].present);
	tl_counters_close(&c);
	for (i = 0; i < TL_COUNTER__N; i++)
		TL_CHECK_INT(c.ev[i].fd, -1);
}

TL_TEST(sw_only_leaves_hw_not_requested)
{
	struct tl_counters_probe p;
	struct tl_counters c;
	int opened = 0;

	tl_counters_probe(&p);
	if (!p.has_sw)
		TL_SKIP("software counters refused: %s", p.sw_reason);
	tl_counters_init(&c, &p);
	TL_CHECK_INT(run_child(&c, TL_COUNTERS_SW, &opened), 0);
	TL_CHECK_INT(opened, 4);
	TL_CHECK_INT(tl_counters_read(&c), 4);
	TL_CHECK(!c.ev[TL_COUNTER_CYCLES].present);
	TL_CHECK_STR(c.ev[TL_COUNTER_CYCLES].reason, "not requested");
	tl_counters_close(&c);
}

/* ---- injected failures and the fake PMU ---- */

static int fake_errno;	      /* every open fails with this errno when set */
static int fake_group_einval; /* GROUP read with inherit -> EINVAL */
static uint64_t fake_enoent_config = UINT64_MAX; /* this hw config fails */

struct fake_fd {
	int rd, wr;
	struct perf_event_attr attr;
	int group_fd;
};
static struct fake_fd fakes[64];
static int nfakes;

static long fake_open(struct perf_event_attr *attr, pid_t pid, int cpu,
		      int group_fd, unsigned long flags)
{
	int fds[2];

	(void)pid;
	(void)cpu;
	(void)flags;
	if (fake_errno) {
		errno = fake_errno;
		return -1;
	}
	if (fake_group_einval && attr->inherit &&
	    (attr->read_format & PERF_FORMAT_GROUP)) {
		errno = EINVAL;
		return -1;
	}
	if (attr->type != PERF_TYPE_SOFTWARE &&
	    attr->config == fake_enoent_config) {
		errno = ENOENT;
		return -1;
	}
	if (nfakes == 64 || pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		errno = EMFILE;
		return -1;
	}
	fakes[nfakes] = (struct fake_fd){fds[0], fds[1], *attr, group_fd};
	nfakes++;
	return fds[0];
}

static void fake_reset(void)
{
	int i;

	for (i = 0; i < nfakes; i++)
		close(fakes[i].wr);
	nfakes = 0;
	fake_errno = 0;
	fake_group_einval = 0;
	fake_enoent_config = UINT64_MAX;
	tl__os.perf_event_open = tl__os_default.perf_event_open;
}

static struct fake_fd *fake_of(int fd)
{
	int i;

	for (i = 0; i < nfakes; i++)
		if (fakes[i].rd == fd)
			return &fakes[i];
	return NULL;
}

static int fake_put(int fd, const uint64_t *v, size_t n)
{
	struct fake_fd *f = fake_of(fd);

	if (!f)
		return -1;
	return write(f->wr, v, n * sizeof(*v)) == (ssize_t)(n * sizeof(*v))
		       ? 0
		       : -1;
}

static const struct tl_counters_probe pmu_probe = {
	.has_pmu = 1,
	.has_sw = 1,
	.paranoid = 2,
	.pmu_sysfs = 1,
	.exclude_kernel = 1,
};

TL_TEST(injected_eacces_gives_paranoid_reason)
{
	struct tl_counters_probe p;
	struct tl_counters c;
	int i;

	tl__os.perf_event_open = fake_open;
	fake_errno = EACCES;
	tl_counters_probe(&p);
	TL_CHECK(!p.has_pmu);
	TL_CHECK(!p.has_sw);
	TL_CHECK_INT(p.hw_err, -EACCES);
	fprintf(stderr, "    %s\n", p.hw_reason);
	if (p.paranoid > -100)
		TL_CHECK(strstr(p.hw_reason, "perf_event_paranoid=") != NULL);
	else
		TL_CHECK(strstr(p.hw_reason, "perf_event_paranoid") != NULL);
	TL_CHECK(strstr(p.sw_reason, "perf_event_paranoid") != NULL);
	tl_counters_init(&c, &p);
	TL_CHECK_INT(tl_counters_open(&c, 12345, TL_COUNTERS_ALL), 0);
	TL_CHECK_INT(tl_counters_read(&c), 0);
	for (i = 0; i < TL_COUNTER__N; i++) {
		TL_CHECK(!c.ev[i].present);
		TL_CHECK_INT(c.ev[i].err, -EACCES);
		TL_CHECK(strstr(c.ev[i].reason, "perf_event_paranoid") != NULL);
	}
	tl_counters_close(&c);
	fake_reset();
}

TL_TEST(injected_enoent_in_vm_says_no_pmu)
{
	struct tl_counters_probe p = pmu_probe;
	char buf[256];

	p.is_vm = 1;
	p.pmu_sysfs = 0;
	tl_counters_reason(&p, 1, -ENOENT, buf, sizeof(buf));
	TL_CHECK(strstr(buf, "no hardware PMU") != NULL);
	TL_CHECK(strstr(buf, "virtual machine") != NULL);
	tl_counters_reason(&p, 1, -EOPNOTSUPP, buf, sizeof(buf));
	TL_CHECK(strstr(buf, "EOPNOTSUPP") != NULL);
	p.is_vm = 0;
	p.pmu_sysfs = 1;
	tl_counters_reason(&p, 1, -ENOENT, buf, sizeof(buf));
	TL_CHECK(strstr(buf, "this CPU's PMU") != NULL);
}

TL_TEST(fake_pmu_group_multiplexed)
{
	struct tl_counters c;
	uint64_t buf[3 + TL_COUNTER__N];
	int i, lead, nhw = 0;

	tl__os.perf_event_open = fake_open;
	fake_enoent_config = PERF_COUNT_HW_CACHE_DTLB |
			     (PERF_COUNT_HW_CACHE_OP_READ << 8) |
			     (PERF_COUNT_HW_CACHE_RESULT_MISS << 16);
	tl_counters_init(&c, &pmu_probe);
	TL_CHECK_INT(tl_counters_open(&c, 4242, TL_COUNTERS_ALL),
		     TL_COUNTER__N - 1);
	TL_CHECK(c.grouped);
	lead = c.ev[TL_COUNTER_CYCLES].fd;
	TL_CHECK(lead >= 0);
	/* The attributes the kernel gets. */
	for (i = 0; i < nfakes; i++) {
		struct perf_event_attr *a = &fakes[i].attr;

		TL_CHECK_INT(a->inherit, 1);
		TL_CHECK_INT(a->exclude_kernel, 1);
		TL_CHECK(a->read_format & PERF_FORMAT_TOTAL_TIME_RUNNING);
		if (fakes[i].rd == lead) {
			TL_CHECK_INT(a->disabled, 1);
			TL_CHECK_INT(a->enable_on_exec, 1);
			TL_CHECK(a->read_format & PERF_FORMAT_GROUP);
			TL_CHECK_INT(fakes[i].group_fd, -1);
		} else if (a->type != PERF_TYPE_SOFTWARE) {
			TL_CHECK_INT(a->disabled, 0);
			TL_CHECK_INT(fakes[i].group_fd, lead);
		} else {
			TL_CHECK_INT(a->enable_on_exec, 1);
			TL_CHECK_INT(fakes[i].group_fd, -1);
		}
	}
	TL_CHECK(!c.ev[TL_COUNTER_DTLB_LOAD_MISSES].present);
	TL_CHECK(strstr(c.ev[TL_COUNTER_DTLB_LOAD_MISSES].reason,
			"this CPU's PMU") != NULL);

	/* Group read: nr, enabled, running, values in open order. */
	for (i = 0; i < TL_COUNTER__N; i++)
		if (c.ev[i].fd >= 0 && c.ev[i].leader)
			nhw++;
	TL_CHECK_INT(nhw, 7);
	buf[0] = (uint64_t)nhw;
	buf[1] = 1000;
	buf[2] = 250;
	for (i = 0; i < TL_COUNTER__N; i++)
		if (c.ev[i].fd >= 0 && c.ev[i].leader)
			buf[3 + c.ev[i].group_idx] = 100 * (uint64_t)(i + 1);
	TL_CHECK_INT(fake_put(lead, buf, 3 + (size_t)nhw), 0);
	for (i = 0; i < TL_COUNTER__N; i++) {
		uint64_t one[3] = {7 * (uint64_t)(i + 1), 500, 500};

		if (c.ev[i].fd >= 0 && !c.ev[i].leader)
			TL_CHECK_INT(fake_put(c.ev[i].fd, one, 3), 0);
	}
	TL_CHECK_INT(tl_counters_read(&c), TL_COUNTER__N - 1);
	for (i = 0; i < TL_COUNTER__N; i++) {
		struct tl_counter *e = &c.ev[i];

		if (i == TL_COUNTER_DTLB_LOAD_MISSES)
			continue;
		TL_CHECK(e->present);
		if (tl_counter_is_hw(i)) {
			TL_CHECK_INT(e->raw, 100 * (i + 1));
			TL_CHECK_NEAR(e->value, 400.0 * (i + 1), 1e-9);
			TL_CHECK_NEAR(e->coverage, 0.25, 1e-12);
			TL_CHECK_INT(e->multiplexed, 1);
		} else {
			TL_CHECK_NEAR(e->value, 7.0 * (i + 1), 0);
			TL_CHECK_INT(e->multiplexed, 0);
		}
	}
	tl_counters_close(&c);
	fake_reset();
}

TL_TEST(fake_pmu_no_group_with_inherit_falls_back)
{
	struct tl_counters c;
	int i;

	tl__os.perf_event_open = fake_open;
	fake_group_einval = 1;
	tl_counters_init(&c, &pmu_probe);
	TL_CHECK_INT(tl_counters_open(&c, 4242, TL_COUNTERS_ALL),
		     TL_COUNTER__N);
	TL_CHECK_INT(c.grouped, 0);
	for (i = 0; i < TL_COUNTER__N; i++) {
		uint64_t one[3] = {10, 100, 100};

		TL_CHECK(c.ev[i].fd >= 0);
		TL_CHECK_INT(c.ev[i].leader, 0);
		if (i == TL_COUNTER_BRANCHES)
			one[2] = 0; /* multiplexed out all the time */
		if (i == TL_COUNTER_CYCLES)
			one[1] = one[2] = 0; /* never enabled */
		if (i == TL_COUNTER_INSTRUCTIONS)
			one[2] = 40;
		if (i == TL_COUNTER_CPU_MIGRATIONS)
			continue; /* nothing to read: EAGAIN */
		TL_CHECK_INT(fake_put(c.ev[i].fd, one, 3), 0);
	}
	TL_CHECK_INT(tl_counters_read(&c), TL_COUNTER__N - 3);
	TL_CHECK(!c.ev[TL_COUNTER_BRANCHES].present);
	TL_CHECK(strstr(c.ev[TL_COUNTER_BRANCHES].reason, "never scheduled"));
	TL_CHECK(!c.ev[TL_COUNTER_CYCLES].present);
	TL_CHECK(strstr(c.ev[TL_COUNTER_CYCLES].reason, "never enabled"));
	TL_CHECK(!c.ev[TL_COUNTER_CPU_MIGRATIONS].present);
	TL_CHECK(strstr(c.ev[TL_COUNTER_CPU_MIGRATIONS].reason, "read failed"));
	TL_CHECK_NEAR(c.ev[TL_COUNTER_INSTRUCTIONS].value, 25, 1e-12);
	TL_CHECK_NEAR(c.ev[TL_COUNTER_INSTRUCTIONS].coverage, 0.4, 1e-12);
	TL_CHECK_NEAR(c.ev[TL_COUNTER_PAGE_FAULTS].value, 10, 0);
	tl_counters_close(&c);
	fake_reset();
}

TL_TEST(fake_pmu_short_group_read_is_absent)
{
	struct tl_counters c;
	uint64_t buf[3] = {1, 10, 10};
	int i;

	tl__os.perf_event_open = fake_open;
	tl_counters_init(&c, &pmu_probe);
	tl_counters_open(&c, 4242, TL_COUNTERS_HW);
	TL_CHECK_INT(fake_put(c.group_fd, buf, 3), 0);
	TL_CHECK_INT(tl_counters_read(&c), 0);
	for (i = 0; i < TL_COUNTER__N; i++) {
		TL_CHECK(!c.ev[i].present);
		if (tl_counter_is_hw(i))
			TL_CHECK(strstr(c.ev[i].reason, "read failed"));
		else
			TL_CHECK_STR(c.ev[i].reason, "not requested");
	}
	tl_counters_close(&c);
	fake_reset();
}

TL_TEST_MAIN()
