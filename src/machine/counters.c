/*
 * counters.c - perf_event_open counters of one workload process.
 *
 * Hardware events are opened as one group led by cycles, read with
 * PERF_FORMAT_GROUP so the ratios between them (IPC, miss ratios) come
 * from the same scheduled intervals. Members are disabled=0 and follow the
 * leader, which is disabled until exec (enable_on_exec). Kernels that
 * refuse PERF_FORMAT_GROUP together with inherit (EINVAL) get one fd per
 * event instead; a member that does not fit the group (EINVAL, ENOSPC) is
 * opened alone. Either way every count is scaled by its own
 * time_enabled/time_running.
 *
 * Reference: perf_event_open(2), "Reading results" and "inherit";
 * Documentation/admin-guide/perf-security.rst for perf_event_paranoid.
 */
#include "machine/counters.h"

#include "base/os.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/banned.h"

#define TL__CACHE(cache, op, result)                                           \
	(PERF_COUNT_HW_CACHE_##cache | (PERF_COUNT_HW_CACHE_OP_##op << 8) |    \
	 (PERF_COUNT_HW_CACHE_RESULT_##result << 16))

struct event_def {
	const char *name;
	int hw;
	uint32_t type;
	uint64_t config;
};

static const struct event_def events[TL_COUNTER__N] = {
#define DEF(id, name, kind, type, config)                                      \
	[TL_COUNTER_##id] = {name, TL__KIND_##kind, type, config},
#define TL__KIND_HW 1
#define TL__KIND_SW 0
	TL_COUNTER_EVENTS(DEF)
#undef DEF
};

const char *tl_counter_name(enum tl_counter_id id)
{
	if ((unsigned)id >= TL_COUNTER__N)
		return NULL;
	return events[id].name;
}

int tl_counter_lookup(const char *name)
{
	int i;

	for (i = 0; i < TL_COUNTER__N; i++)
		if (strcmp(events[i].name, name) == 0)
			return i;
	return -1;
}

int tl_counter_is_hw(enum tl_counter_id id)
{
	return (unsigned)id < TL_COUNTER__N && events[id].hw;
}

const char *tl_counter_source(enum tl_counter_id id)
{
	return tl_counter_is_hw(id) ? "pmu" : "sw";
}

int tl_counters_scale(uint64_t raw, uint64_t enabled_ns, uint64_t running_ns,
		      double *value, double *coverage)
{
	if (enabled_ns == 0 || running_ns == 0)
		return -ENODATA;
	/*
	 * The kernel can report running a few ns above enabled (the two are
	 * sampled at slightly different moments); that is full coverage.
	 */
	if (running_ns >= enabled_ns) {
		*value = (double)raw;
		*coverage = 1.0;
		return 0;
	}
	*coverage = (double)running_ns / (double)enabled_ns;
	*value = (double)raw * ((double)enabled_ns / (double)running_ns);
	return 0;
}

static int read_int_file(const char *path, int *out)
{
	char buf[64], *end;
	long v;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	if (end == buf)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

/* Scans a text file for a line starting with key; copies that line. */
static int find_line(const char *path, const char *key, char *line, size_t n)
{
	FILE *f = fopen(path, "re");
	size_t klen = strlen(key);
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, (int)n, f))
		if (strncmp(line, key, klen) == 0) {
			found = 1;
			break;
		}
	fclose(f);
	return found;
}

static int cpu_is_vm(void)
{
	char line[4096];

	if (!find_line("/proc/cpuinfo", "flags", line, sizeof(line)))
		return 0;
	return strstr(line, " hypervisor") != NULL;
}

/* CAP_SYS_ADMIN (21) or CAP_PERFMON (38) in the effective set, or root. */
static int is_privileged(void)
{
	char line[256];
	unsigned long long caps;

	if (geteuid() == 0)
		return 1;
	if (!find_line("/proc/self/status", "CapEff:", line, sizeof(line)))
		return 0;
	caps = strtoull(line + 7, NULL, 16);
	return (caps >> 21 & 1) || (caps >> 38 & 1);
}

static int has_pmu_sysfs(void)
{
	static const char *const dirs[] = {
		"/sys/bus/event_source/devices/cpu",
		"/sys/bus/event_source/devices/cpu_core",
		"/sys/bus/event_source/devices/armv8_pmuv3_0",
	};
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (access(dirs[i], F_OK) == 0)
			return 1;
	return 0;
}

static void attr_fill(struct perf_event_attr *a, enum tl_counter_id id,
		      int exclude_kernel, int group_read)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = events[id].type;
	a->config = events[id].config;
	a->read_format =
		PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	if (group_read)
		a->read_format |= PERF_FORMAT_GROUP;
	a->disabled = 1;
	a->enable_on_exec = 1;
	a->inherit = 1;
	a->exclude_kernel = exclude_kernel ? 1 : 0;
	a->exclude_hv = 1;
}

/* Returns an fd or -errno; perf_event_open only through tl__os. */
static int open_event(struct perf_event_attr *a, pid_t pid, int group_fd)
{
	long fd;

	errno = 0;
	fd = tl__os.perf_event_open(a, pid, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return errno ? -errno : -EIO;
	return (int)fd;
}

static const char *errname(int err)
{
	const char *s = strerrorname_np(-err);

	return s ? s : "unknown error";
}

void tl_counters_reason(const struct tl_counters_probe *p, int hw, int err,
			char *buf, size_t n)
{
	int e = -err;

	switch (e) {
	case ENOENT:
	case EOPNOTSUPP:
	case ENODEV:
		if (!hw)
			snprintf(buf, n, "not supported by this kernel (%s)",
				 errname(err));
		else if (p && p->is_vm && !p->pmu_sysfs)
			snprintf(buf, n,
				 "not supported: no hardware PMU (virtual "
				 "machine whose hypervisor exposes none; the "
				 "kernel has no 'cpu' event source) (%s)",
				 errname(err));
		else if (p && !p->pmu_sysfs)
			snprintf(buf, n,
				 "not supported: the kernel has no hardware "
				 "PMU driver (no 'cpu' event source) (%s)",
				 errname(err));
		else
			snprintf(buf, n, "not supported by this CPU's PMU (%s)",
				 errname(err));
		break;
	case EACCES:
	case EPERM:
		if (p && p->paranoid >= 3)
			snprintf(buf, n,
				 "refused: kernel.perf_event_paranoid=%d "
				 "forbids unprivileged use (needs <= 2, or "
				 "CAP_PERFMON) (%s)",
				 p->paranoid, errname(err));
		else if (p && p->paranoid > -100)
			snprintf(buf, n,
				 "refused: kernel.perf_event_paranoid=%d "
				 "(user-space counting needs <= 2, kernel "
				 "counting <= 1, or CAP_PERFMON); if it is "
				 "already low, a container seccomp policy or "
				 "an LSM blocks perf_event_open (%s)",
				 p->paranoid, errname(err));
		else
			snprintf(buf, n,
				 "refused: kernel.perf_event_paranoid is "
				 "unreadable, or a container policy blocks "
				 "perf_event_open (%s)",
				 errname(err));
		break;
	case ENOSYS:
		snprintf(buf, n,
			 "perf_event_open is unavailable (kernel without perf "
			 "events, or the syscall is filtered) (%s)",
			 errname(err));
		break;
	case EMFILE:
	case ENFILE:
		snprintf(buf, n, "out of file descriptors (%s)", errname(err));
		break;
	case EBUSY:
		snprintf(buf, n,
			 "the PMU is busy: another user holds it exclusively "
			 "(%s)",
			 errname(err));
		break;
	case EINVAL:
		snprintf(buf, n,
			 "the kernel rejected the event attributes (%s)",
			 errname(err));
		break;
	case ENOSPC:
		snprintf(buf, n, "no PMU counter left for the event (%s)",
			 errname(err));
		break;
	default:
		snprintf(buf, n, "perf_event_open failed: %s (%s)", strerror(e),
			 errname(err));
		break;
	}
}

void tl_counters_probe(struct tl_counters_probe *p)
{
	struct perf_event_attr a;
	int fd;

	memset(p, 0, sizeof(*p));
	if (read_int_file("/proc/sys/kernel/perf_event_paranoid",
			  &p->paranoid) < 0)
		p->paranoid = -100;
	p->privileged = is_privileged();
	p->is_vm = cpu_is_vm();
	p->pmu_sysfs = has_pmu_sysfs();
	p->exclude_kernel = !p->privileged && p->paranoid >= 2;

	attr_fill(&a, TL_COUNTER_CYCLES, p->exclude_kernel, 0);
	fd = open_event(&a, 0, -1);
	if (fd >= 0) {
		p->has_pmu = 1;
		close(fd);
	} else {
		p->hw_err = fd;
		tl_counters_reason(p, 1, fd, p->hw_reason,
				   sizeof(p->hw_reason));
	}

	attr_fill(&a, TL_COUNTER_TASK_CLOCK_NS, p->exclude_kernel, 0);
	fd = open_event(&a, 0, -1);
	if (fd >= 0) {
		p->has_sw = 1;
		close(fd);
	} else {
		p->sw_err = fd;
		tl_counters_reason(p, 0, fd, p->sw_reason,
				   sizeof(p->sw_reason));
	}
}

static void set_absent(struct tl_counters *c, int id, int err, const char *why)
{
	struct tl_counter *e = &c->ev[id];

	e->present = 0;
	e->err = err;
	if (why)
		snprintf(e->reason, sizeof(e->reason), "%s", why);
	else
		tl_counters_reason(c->probe, events[id].hw, err, e->reason,
				   sizeof(e->reason));
}

void tl_counters_init(struct tl_counters *c,
		      const struct tl_counters_probe *probe)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->probe = probe;
	c->group_fd = -1;
	for (i = 0; i < TL_COUNTER__N; i++) {
		c->ev[i].fd = -1;
		set_absent(c, i, 0, "not opened");
	}
}

static int exclude_kernel(const struct tl_counters *c)
{
	if (c->probe)
		return c->probe->exclude_kernel;
	return 1;
}

/* Opens one event with its own fd; 1 when it opened, 0 when absent. */
static int open_alone(struct tl_counters *c, int id, pid_t pid)
{
	struct perf_event_attr a;
	int fd;

	attr_fill(&a, id, exclude_kernel(c), 0);
	fd = open_event(&a, pid, -1);
	if (fd < 0) {
		set_absent(c, id, fd, NULL);
		return 0;
	}
	c->ev[id].fd = fd;
	c->ev[id].leader = 0;
	c->ev[id].err = 0;
	snprintf(c->ev[id].reason, sizeof(c->ev[id].reason), "not read");
	return 1;
}

static int is_unsupported(int err)
{
	return err == -ENOENT || err == -EOPNOTSUPP || err == -ENODEV ||
	       err == -EACCES || err == -EPERM || err == -ENOSYS;
}

static int open_hw(struct tl_counters *c, pid_t pid)
{
	struct perf_event_attr a;
	int id, fd, opened = 0;

	attr_fill(&a, TL_COUNTER_CYCLES, exclude_kernel(c), 1);
	fd = open_event(&a, pid, -1);
	if (fd >= 0) {
		c->group_fd = fd;
		c->grouped = 1;
		c->group_n = 1;
		c->ev[TL_COUNTER_CYCLES].fd = fd;
		c->ev[TL_COUNTER_CYCLES].leader = 1;
		c->ev[TL_COUNTER_CYCLES].group_idx = 0;
		c->ev[TL_COUNTER_CYCLES].err = 0;
		snprintf(c->ev[TL_COUNTER_CYCLES].reason,
			 sizeof(c->ev[0].reason), "not read");
		opened++;
	} else if (fd == -EINVAL) {
		/* Older kernels: no PERF_FORMAT_GROUP with inherit. */
		opened += open_alone(c, TL_COUNTER_CYCLES, pid);
	} else {
		set_absent(c, TL_COUNTER_CYCLES, fd, NULL);
	}

	for (id = 0; id < TL_COUNTER__N; id++) {
		if (!events[id].hw || id == TL_COUNTER_CYCLES)
			continue;
		if (c->group_fd < 0) {
			opened += open_alone(c, id, pid);
			continue;
		}
		attr_fill(&a, id, exclude_kernel(c), 1);
		/* Members follow the leader: enabled, no enable_on_exec. */
		a.disabled = 0;
		a.enable_on_exec = 0;
		fd = open_event(&a, pid, c->group_fd);
		if (fd >= 0) {
			c->ev[id].fd = fd;
			c->ev[id].leader = 1;
			c->ev[id].group_idx = c->group_n++;
			c->ev[id].err = 0;
			snprintf(c->ev[id].reason, sizeof(c->ev[id].reason),
				 "not read");
			opened++;
		} else if (is_unsupported(fd)) {
			set_absent(c, id, fd, NULL);
		} else {
			/* Does not fit the group: count it alone. */
			opened += open_alone(c, id, pid);
		}
	}
	return opened;
}

int tl_counters_open(struct tl_counters *c, pid_t pid, unsigned what)
{
	int id, opened = 0;

	if (what & TL_COUNTERS_HW)
		opened += open_hw(c, pid);
	else
		for (id = 0; id < TL_COUNTER__N; id++)
			if (events[id].hw)
				set_absent(c, id, 0, "not requested");
	for (id = 0; id < TL_COUNTER__N; id++) {
		if (events[id].hw)
			continue;
		if (what & TL_COUNTERS_SW)
			opened += open_alone(c, id, pid);
		else
			set_absent(c, id, 0, "not requested");
	}
	return opened;
}

static void fill(struct tl_counters *c, int id, uint64_t raw, uint64_t en,
		 uint64_t run)
{
	struct tl_counter *e = &c->ev[id];
	int err;

	e->raw = raw;
	e->enabled_ns = en;
	e->running_ns = run;
	err = tl_counters_scale(raw, en, run, &e->value, &e->coverage);
	if (err == 0) {
		e->present = 1;
		e->err = 0;
		e->multiplexed = e->coverage < 1.0;
		e->reason[0] = '\0';
	} else if (en == 0) {
		set_absent(c, id, err,
			   "never enabled: the process did not exec");
	} else {
		set_absent(c, id, err,
			   "never scheduled: multiplexed out for the whole "
			   "run");
	}
}

static void read_fail(struct tl_counters *c, int id, int err)
{
	char why[128];

	snprintf(why, sizeof(why), "read failed: %s (%s)", strerror(-err),
		 errname(err));
	set_absent(c, id, err, why);
}

static void read_group(struct tl_counters *c)
{
	uint64_t buf[3 + TL_COUNTER__N];
	size_t want = sizeof(uint64_t) * (3 + (size_t)c->group_n);
	ssize_t n;
	int id, err = 0;

	n = read(c->group_fd, buf, want);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != want || buf[0] != (uint64_t)c->group_n)
		err = -EPROTO;
	for (id = 0; id < TL_COUNTER__N; id++) {
		struct tl_counter *e = &c->ev[id];

		if (e->fd < 0 || !e->leader)
			continue;
		if (err)
			read_fail(c, id, err);
		else
			fill(c, id, buf[3 + e->group_idx], buf[1], buf[2]);
	}
}

int tl_counters_read(struct tl_counters *c)
{
	int id, present = 0;

	if (c->group_fd >= 0)
		read_group(c);
	for (id = 0; id < TL_COUNTER__N; id++) {
		struct tl_counter *e = &c->ev[id];
		uint64_t buf[3];
		ssize_t n;

		if (e->fd >= 0 && !e->leader) {
			n = read(e->fd, buf, sizeof(buf));
			if (n < 0)
				read_fail(c, id, -errno);
			else if (n != (ssize_t)sizeof(buf))
				read_fail(c, id, -EPROTO);
			else
				fill(c, id, buf[0], buf[1], buf[2]);
		}
		present += c->ev[id].present;
	}
	return present;
}

void tl_counters_close(struct tl_counters *c)
{
	int id;

	for (id = 0; id < TL_COUNTER__N; id++) {
		if (c->ev[id].fd >= 0 && c->ev[id].fd != c->group_fd)
			close(c->ev[id].fd);
		c->ev[id].fd = -1;
	}
	if (c->group_fd >= 0)
		close(c->group_fd);
	c->group_fd = -1;
}
