/*
 * test_chaos.c - interference is pinned, bounded in time and stopped
 * whole; malloc failure injection is seeded (same seed, same failures).
 */
#include "machine/chaos.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tl_test.h"

/*
 * libfiu's preloaded malloc wrapper cannot sit in front of a sanitizer's
 * malloc interceptor: ASan refuses the library order, and forcing it
 * (verify_asan_link_order=0) crashes in fiu's dlsym bootstrap. So the
 * injection probe only runs in plain builds.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* Re-executed as a child: counts failed mallocs out of 2000. */
__attribute__((constructor)) static void malloc_probe(void)
{
	volatile int fails = 0;
	int i;

	if (!getenv("TL_CHAOS_PROBE"))
		return;
	for (i = 0; i < 2000; i++) {
		/* Volatile, or clang elides the malloc/free pair altogether. */
		void *volatile p = malloc(48);

		if (!p)
			fails++;
		free(p);
	}
	printf("%d\n", fails);
	fflush(stdout);
	_exit(0);
}

static int probe(double prob, unsigned long long seed)
{
	struct tl_strv env = TL_STRV_INIT;
	struct tl_buf cmd = TL_BUF_INIT;
	char exe[4096], out[64] = "";
	ssize_t n;
	size_t i;
	FILE *f;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0 || tl_chaos_malloc_fail_env(prob, seed, &env))
		return -1;
	exe[n] = 0;
	tl_buf_puts(&cmd, "env");
	for (i = 0; i < env.n; i++)
		tl_buf_printf(&cmd, " '%s'", env.v[i]);
	tl_buf_printf(&cmd, " TL_CHAOS_PROBE=1 '%s'", exe);
	f = popen(cmd.s, "r");
	if (f) {
		if (!fgets(out, sizeof(out), f))
			out[0] = 0;
		pclose(f);
	}
	tl_buf_release(&cmd);
	tl_strv_release(&env);
	return out[0] ? (int)strtol(out, NULL, 10) : -1;
}

TL_TEST(kinds_parse)
{
	enum tl_chaos_kind k;

	TL_CHECK_INT(tl_chaos_parse("membw", &k), 0);
	TL_CHECK_INT(k, TL_CHAOS_MEMBW);
	TL_CHECK_STR(tl_chaos_name(TL_CHAOS_MALLOC_FAIL), "malloc-fail");
	TL_CHECK_INT(tl_chaos_parse("gpu", &k), -EINVAL);
}

TL_TEST(malloc_fail_is_seeded)
{
	struct tl_strv env = TL_STRV_INIT;
	int a, b, c, none;

	if (SANITIZED)
		TL_SKIP("libfiu malloc injection cannot run under a sanitizer");
	if (tl_chaos_malloc_fail_env(0.1, 1, &env) == -ENOENT)
		TL_SKIP("libfiu preload libraries missing (fiu-utils)");
	TL_CHECK(env.n == 4);
	TL_CHECK(!strncmp(env.v[0], "LD_PRELOAD=", 11));
	TL_CHECK_STR(env.v[2], "FIU_PRNG_SEED=1");
	tl_strv_release(&env);
	a = probe(0.1, 7);
	b = probe(0.1, 7);
	c = probe(0.1, 8);
	none = probe(0, 7);
	/* About 200 of 2000 fail; the same seed gives the same count. */
	TL_CHECK(a > 100 && a < 300);
	TL_CHECK_INT(a, b);
	TL_CHECK(c > 100 && c < 300);
	TL_CHECK_INT(none, 0);
	TL_CHECK_INT(tl_chaos_malloc_fail_env(1.5, 1, &env), -EINVAL);
}

/*
 * Live (non-zombie) members of process group pgid. Killed workers whose
 * parent died are reparented to PID 1, which in a container may never reap
 * them, so kill(-pgid, 0) alone would count zombies.
 */
static int alive(pid_t pgid)
{
	char path[300], buf[512], *rp;
	int n = 0, pgrp;
	struct dirent *de;
	char state;
	DIR *d;
	FILE *f;

	if (kill(-pgid, 0) != 0)
		return 0;
	d = opendir("/proc");
	while (d && (de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')) &&
		    sscanf(rp + 1, " %c %*d %d", &state, &pgrp) == 2 &&
		    pgrp == pgid && state != 'Z')
			n++;
		fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

TL_TEST(stressor_is_pinned_and_stopped)
{
	struct tl_chaos c;
	cpu_set_t set;
	int i, st;

	TL_CHECK_INT(tl_chaos_start_on("cpu", 5, 0, &c), 0);
	TL_CHECK(c.pgid > 0);
	usleep(200000);
	TL_CHECK(alive(c.pgid));
	CPU_ZERO(&set);
	TL_CHECK_INT(sched_getaffinity(c.pgid, sizeof(set), &set), 0);
	TL_CHECK_INT(CPU_COUNT(&set), 1);
	TL_CHECK(CPU_ISSET(0, &set));
	i = c.pgid;
	TL_CHECK_INT(tl_chaos_stop(&c), 0);
	/* The whole group is gone, workers included. */
	for (st = 0; st < 50 && alive(i); st++)
		usleep(20000);
	TL_CHECK(!alive(i));
	TL_CHECK_INT(tl_chaos_stop(&c), 0);
}

TL_TEST(stressor_ends_by_itself)
{
	struct tl_chaos c;
	pid_t r = 0;
	int st, i;

	TL_CHECK_INT(tl_chaos_start("cache", 0.5, &c), 0);
	/* stress-ng rounds up to whole seconds: 1 s, plus its own exit. */
	for (i = 0; i < 100 && r == 0; i++) {
		usleep(100000);
		r = waitpid(c.pgid, &st, WNOHANG);
	}
	TL_CHECK(r == c.pgid);
	kill(-c.pgid, SIGKILL);
	c.pgid = 0;
}

TL_TEST_MAIN()
