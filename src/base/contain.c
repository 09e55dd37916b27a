/*
 * contain.c - what a workload leaves behind (contain.h): its descendants
 * that left its process group, found by the TL_CONTAIN token in their
 * environment or by the cgroup v2 leaf they were started in, and those
 * of a traplab that was killed before it could clean up.
 */
#include "base/contain.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/banned.h"

/*
 * The first size - 1 bytes of /proc/PID/environ into buf (entries end in
 * NUL; so does buf): their length, 0 when the process is gone or not ours.
 */
static size_t read_environ(const char *pid, char *buf, size_t size)
{
	char path[300];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/environ", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (size_t)n;
}

/* 1 when /proc/PID/environ holds the entry token exactly. */
static int has_token(const char *pid, const char *token)
{
	char buf[65536];
	size_t tl = strlen(token), n = read_environ(pid, buf, sizeof(buf));

	for (char *e = buf; e < buf + n; e += strlen(e) + 1)
		if (strlen(e) == tl && memcmp(e, token, tl) == 0)
			return 1;
	return 0;
}

/*
 * Kills every process carrying token, and waits (up to ~2 s) until each
 * is gone or reaped. Returns how many were outside group (escaped).
 */
int tl_contain_kill_escaped(const char *token, pid_t group)
{
	pid_t found[256];
	int n = 0, pass, escaped = 0;
	pid_t pg;
	DIR *d;
	struct dirent *de;

	for (pass = 0; pass < 3; pass++) {
		int fresh = 0;

		d = opendir("/proc");
		if (!d)
			return 0;
		while ((de = readdir(d)) != NULL) {
			pid_t p = (pid_t)strtol(de->d_name, NULL, 10);
			int seen = 0;

			if (p <= 0 || p == getpid() ||
			    !has_token(de->d_name, token))
				continue;
			pg = getpgid(p); /* before it dies */
			kill(p, SIGKILL);
			for (int i = 0; i < n; i++)
				seen |= found[i] == p;
			if (!seen &&
			    n < (int)(sizeof(found) / sizeof(*found))) {
				found[n++] = p;
				fresh = 1;
				/* The group's own die with it: not escaped. */
				escaped += pg > 0 && pg != group;
			}
		}
		closedir(d);
		if (!fresh)
			break; /* a fork between scans is caught by the next */
	}
	for (int i = 0; i < n; i++) {
		for (int t = 0; t < 200; t++) {
			if (waitpid(found[i], NULL, WNOHANG) == found[i] ||
			    (kill(found[i], 0) < 0 && errno == ESRCH))
				break;
			if (t > 20 && waitpid(found[i], NULL, WNOHANG) < 0)
				break; /* not ours: init reaps it */
			usleep(10000);
		}
	}
	return escaped;
}

/*
 * cgroup v2 containment, where the unified hierarchy is mounted and our
 * cgroup is writable: each workload gets a leaf, .../traplab-PID/wN, which
 * the launcher (or the forked child) joins before exec, so every
 * descendant is in it whatever it does with its session, group or
 * environment. Elsewhere the TL_CONTAIN token alone finds them.
 */
static char cg_base[4096]; /* "" when cgroup v2 cannot be used */
static pthread_once_t cg_once = PTHREAD_ONCE_INIT;

static void cg_remove_base(void)
{
	rmdir(cg_base);
}

static void cg_probe(void)
{
	char line[4096], mnt[4096] = "", rel[4096] = "";
	FILE *f = fopen("/proc/self/mountinfo", "re");

	while (f && fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - cgroup2 ");
		char m[4096];

		if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", m) == 1) {
			snprintf(mnt, sizeof(mnt), "%s", m);
			break;
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/self/cgroup", "re");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(rel, sizeof(rel), "%s",
				 strcmp(line + 3, "/") ? line + 3 : "");
		}
	if (f)
		fclose(f);
	if (!*mnt)
		return;
	if (snprintf(cg_base, sizeof(cg_base), "%s%s/traplab-%ld", mnt, rel,
		     (long)getpid()) >= (int)sizeof(cg_base) ||
	    (mkdir(cg_base, 0755) < 0 && errno != EEXIST)) {
		cg_base[0] = '\0';
		return;
	}
	atexit(cg_remove_base);
}

/* The leaf for one workload ("" when none); 0 or -errno. */
int tl_contain_leaf(char *leaf, size_t n, unsigned seq)
{
	pthread_once(&cg_once, cg_probe);
	leaf[0] = '\0';
	if (!cg_base[0])
		return -ENOTSUP;
	snprintf(leaf, n, "%s/w%u", cg_base, seq);
	if (mkdir(leaf, 0755) < 0) {
		leaf[0] = '\0';
		return -errno;
	}
	return 0;
}

/* Pids listed in a cgroup.procs file, up to max; the count. */
static int cg_pids(const char *dir, pid_t *pids, int max)
{
	char path[4200], buf[8192];
	ssize_t len;
	int fd, n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	for (char *p = buf; *p && n < max;) {
		long v = strtol(p, &p, 10);

		if (v > 0)
			pids[n++] = (pid_t)v;
		while (*p == '\n')
			p++;
	}
	return n;
}

/*
 * Kills what is left in leaf, waits (up to ~2 s) for it to empty, reaps
 * what was ours, removes it. Returns how many processes were left.
 */
int tl_contain_drain(const char *leaf, pid_t group)
{
	pid_t pids[256];
	int n = cg_pids(leaf, pids, 256), left = n, escaped = 0;

	/* Members of the group were killed with it; they may still be dying. */
	for (int i = 0; i < n; i++)
		escaped += getpgid(pids[i]) != group && getpgid(pids[i]) > 0;

	for (int t = 0; left > 0 && t < 200; t++) {
		for (int i = 0; i < left; i++) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, WNOHANG);
		}
		usleep(10000);
		left = cg_pids(leaf, pids, 256);
	}
	rmdir(leaf);
	return escaped;
}

/*
 * The token of process p, when it carries one of a traplab that is gone
 * (killed with SIGKILL: its workloads' escaped descendants live on).
 */
static int orphan_of_dead_run(const char *pid)
{
	char buf[65536];
	size_t n = read_environ(pid, buf, sizeof(buf));

	for (char *e = buf; e < buf + n; e += strlen(e) + 1) {
		long owner;

		if (strncmp(e, "TL_CONTAIN=", 11))
			continue;
		owner = strtol(e + 11, NULL, 10);
		return owner > 0 && kill((pid_t)owner, 0) < 0 && errno == ESRCH;
	}
	return 0;
}

/* The cgroup folders (traplab-PID/wN) of traplabs that are gone. */
static int cg_remove_dead(void)
{
	char *slash, parent[4096];
	struct dirent *de;
	DIR *d;
	int n = 0;

	pthread_once(&cg_once, cg_probe);
	if (!cg_base[0])
		return 0;
	snprintf(parent, sizeof(parent), "%s", cg_base);
	slash = strrchr(parent, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	d = opendir(parent);
	while (d && (de = readdir(d)) != NULL) {
		char dir[4400], leaf[4700];
		struct dirent *le;
		long owner;
		DIR *ld;

		if (strncmp(de->d_name, "traplab-", 8))
			continue;
		owner = strtol(de->d_name + 8, NULL, 10);
		if (owner <= 0 || kill((pid_t)owner, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", parent, de->d_name);
		ld = opendir(dir);
		while (ld && (le = readdir(ld)) != NULL) {
			if (le->d_name[0] != 'w')
				continue;
			snprintf(leaf, sizeof(leaf), "%s/%s", dir, le->d_name);
			n += tl_contain_drain(leaf, 0);
		}
		if (ld)
			closedir(ld);
		rmdir(dir);
	}
	if (d)
		closedir(d);
	return n;
}

int tl_contain_kill_orphans(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	int n = cg_remove_dead();

	while (d && (de = readdir(d)) != NULL) {
		pid_t p = (pid_t)strtol(de->d_name, NULL, 10);

		if (p > 0 && orphan_of_dead_run(de->d_name) &&
		    kill(p, SIGKILL) == 0)
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* Once per process: orphans of workloads are re-parented to us. */
void tl_contain_subreaper(void)
{
	static int done;

	if (!__atomic_exchange_n(&done, 1, __ATOMIC_SEQ_CST))
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}
