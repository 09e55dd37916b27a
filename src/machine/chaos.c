/*
 * chaos.c - bounded, pinned interference and malloc failure injection.
 *
 * The stressor runs in a new process group (setpgid in the child) so that
 * stop can kill stress-ng and all its workers at once, and has
 * PR_SET_PDEATHSIG so a crash of traplab cannot leave it spinning. Its
 * stdout/stderr go to /dev/null: it must not interleave with protocol
 * output.
 */
#include "machine/chaos.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

static const char *const names[] = {
#define X(id, name, flag) name,
	TL_CHAOS_KINDS(X)
#undef X
};
static const char *const flags[] = {
#define X(id, name, flag) flag,
	TL_CHAOS_KINDS(X)
#undef X
};

int tl_chaos_parse(const char *name, enum tl_chaos_kind *out)
{
	int i;

	for (i = 0; i < TL_CHAOS_COUNT; i++)
		if (!strcmp(names[i], name)) {
			*out = (enum tl_chaos_kind)i;
			return 0;
		}
	return -EINVAL;
}

const char *tl_chaos_name(enum tl_chaos_kind k)
{
	return names[k];
}

char *tl_chaos_which(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *p;

	if (!path)
		path = "/usr/bin:/bin";
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		p = xasprintf("%s/%s", dir, prog);
		if (access(p, X_OK) == 0) {
			free(copy);
			return p;
		}
		free(p);
	}
	free(copy);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* traplab's own stressors, used when stress-ng is missing. */
static volatile unsigned long long sink;

static void own_stressor(enum tl_chaos_kind k, double seconds)
{
	size_t size = k == TL_CHAOS_MEMBW ? 64u << 20 : 8u << 20, i;
	double end = now_s() + seconds;
	unsigned char *buf = NULL;
	unsigned long long x = 1;

	if (k != TL_CHAOS_CPU) {
		buf = malloc(size);
		if (!buf)
			_exit(1);
		memset(buf, 1, size);
	}
	while (now_s() < end) {
		if (k == TL_CHAOS_CPU) {
			for (i = 0; i < 1000000; i++)
				x = x * 6364136223846793005ULL + 1;
		} else if (k == TL_CHAOS_CACHE) {
			/* One byte per line, stride of a line. */
			for (i = 0; i < size; i += 64)
				x += buf[i]++;
		} else {
			memcpy(buf, buf + size / 2, size / 2);
			x += buf[x % size];
		}
		sink = x;
	}
	_exit(0);
}

static int last_cpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n - 1 : 0;
}

int tl_chaos_start_on(const char *kind, double seconds, int cpu,
		      struct tl_chaos *c)
{
	char *stress = NULL, secs[32], cpus[16], workers[8] = "1";
	pid_t pid;
	int rc;

	memset(c, 0, sizeof(*c));
	if (tl_chaos_parse(kind, &c->kind) || !(seconds > 0))
		return -EINVAL;
	if (c->kind == TL_CHAOS_MALLOC_FAIL)
		return 0;
	c->cpu = cpu >= 0 ? cpu : last_cpu();
	stress = tl_chaos_which("stress-ng");
	c->own = !stress;
	/* Whole seconds for stress-ng, rounded up, at least 1. */
	snprintf(secs, sizeof(secs), "%lds", (long)seconds + 1);
	snprintf(cpus, sizeof(cpus), "%d", c->cpu);
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		free(stress);
		return rc;
	}
	if (pid == 0) {
		cpu_set_t set;
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		CPU_ZERO(&set);
		CPU_SET(c->cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
		if (!stress)
			own_stressor(c->kind, seconds);
		execl(stress, "stress-ng", flags[c->kind], workers, "--taskset",
		      cpus, "--timeout", secs, "--quiet", (char *)NULL);
		/* exec failed: fall back to our own stressor. */
		own_stressor(c->kind, seconds);
	}
	/* Both sides set the group, so no race with kill(-pgid). */
	setpgid(pid, pid);
	c->pgid = pid;
	free(stress);
	return 0;
}

int tl_chaos_start(const char *kind, double seconds, struct tl_chaos *c)
{
	return tl_chaos_start_on(kind, seconds, -1, c);
}

int tl_chaos_stop(struct tl_chaos *c)
{
	int st;

	if (!c || c->pgid <= 0)
		return 0;
	kill(-c->pgid, SIGKILL);
	while (waitpid(c->pgid, &st, 0) < 0 && errno == EINTR)
		;
	c->pgid = 0;
	return 0;
}

int tl_chaos_malloc_fail_env(double probability, uint64_t seed,
			     struct tl_strv *env)
{
	static const char *const dirs[] = {"/usr/lib/fiu",
					   "/usr/lib/x86_64-linux-gnu/fiu",
					   "/usr/local/lib/fiu"};
	size_t i;

	if (!(probability >= 0 && probability <= 1))
		return -EINVAL;
	for (i = 0; i < TL_ARRAY_SIZE(dirs); i++) {
		char *run = xasprintf("%s/fiu_run_preload.so", dirs[i]);
		char *posix = xasprintf("%s/fiu_posix_preload.so", dirs[i]);

		if (access(run, R_OK) == 0 && access(posix, R_OK) == 0) {
			tl_strv_push_owned(
				env, xasprintf("LD_PRELOAD=%s %s", run, posix));
			tl_strv_push_owned(env,
					   xasprintf("FIU_ENABLE=enable_random "
						     "name=libc/mm/malloc,"
						     "probability=%g",
						     probability));
			tl_strv_push_owned(env,
					   xasprintf("FIU_PRNG_SEED=%llu",
						     (unsigned long long)seed));
			tl_strv_push(env, "FIU_CTRL_FIFO=");
			free(run);
			free(posix);
			return 0;
		}
		free(run);
		free(posix);
	}
	return -ENOENT;
}
