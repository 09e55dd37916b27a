/*
 * env.c - probe the machine: CPU, kernel, frequency governor, ASLR,
 * perf_event_paranoid, hypervisor, NUMA, PMU, toolchains, clock.
 *
 * Sources are the ones a person would read: /proc/cpuinfo, uname(2),
 * /sys/devices/system/cpu/cpu0/cpufreq, /sys/devices/system/node,
 * /proc/sys/kernel. The clock resolution is measured (the smallest
 * non-zero step of CLOCK_MONOTONIC over many reads), not clock_getres's
 * claim.
 */
#include "machine/env.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/memo.h"
#include "base/os.h"
#include "base/proc.h"

#include "base/banned.h"

uint64_t tl_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--) {
		h ^= *s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* First line of a small file, trimmed; NULL when unreadable. */
static char *read_line(const char *path)
{
	char *s;
	size_t n;

	if (tl_read_file(path, &s, &n))
		return NULL;
	s[strcspn(s, "\n")] = '\0';
	return s;
}

static int read_int(const char *path, int def)
{
	char *s = read_line(path), *end;
	long v;

	if (!s)
		return def;
	v = strtol(s, &end, 10);
	if (end == s)
		v = def;
	free(s);
	return (int)v;
}

static char *cpuinfo_field(const char *info, const char *key)
{
	const char *p = info;
	size_t kl = strlen(key);

	while ((p = strstr(p, key))) {
		if ((p == info || p[-1] == '\n') &&
		    (p[kl] == '\t' || p[kl] == ' ' || p[kl] == ':')) {
			const char *colon = strchr(p, ':');
			const char *nl;

			if (!colon)
				return NULL;
			colon++;
			while (*colon == ' ')
				colon++;
			nl = strchr(colon, '\n');
			return nl ? xstrndup(colon, (size_t)(nl - colon))
				  : xstrdup(colon);
		}
		p += kl;
	}
	return NULL;
}

static int count_numa_nodes(void)
{
	DIR *d = opendir("/sys/devices/system/node");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, "node", 4) == 0 &&
		    de->d_name[4] >= '0' && de->d_name[4] <= '9')
			n++;
	closedir(d);
	return n ? n : -1;
}

/* The smallest step of the clock seen over 2000 reads (about 0.1 ms). */
static double clock_resolution(void)
{
	uint64_t best = UINT64_MAX;
	int i;

	for (i = 0; i < 2000; i++) {
		uint64_t a = tl_os_now_ns(), b;

		do
			b = tl_os_now_ns();
		while (b == a);
		if (b - a < best)
			best = b - a;
	}
	return (double)best;
}

/*
 * systemd-detect-virt's answer, asked once per boot (7 ms at every
 * start otherwise): kept in root/.cache/machine under the boot id.
 */
static char *hypervisor_name(const char *root)
{
	const char *argv[] = {"systemd-detect-virt", NULL};
	char *line = NULL, *boot = read_line("/proc/sys/kernel/random/boot_id");
	char *path = xasprintf("%s/.cache/machine", root), *key = NULL;
	struct tl_memo memo;

	tl_memo_open(&memo, path);
	free(path);
	if (boot)
		key = xasprintf("systemd-detect-virt boot=%s", boot);
	if (tl_run_capture_kept(&memo, key, argv, 5, &line) != 0)
		FREE_AND_NULL(line);
	tl_memo_close(&memo);
	free(boot);
	free(key);
	if (line && *line && strcmp(line, "none") != 0)
		return line;
	free(line);
	return read_line("/sys/class/dmi/id/sys_vendor");
}

/*
 * The commit HEAD names, read from root/.git without git: a 40-digit
 * hex id, or NULL (a packed ref, a worktree, no .git folder).
 */
static char *head_sha(const char *root)
{
	char *path = xasprintf("%s/.git/HEAD", root), *head = read_line(path);
	char *sha = NULL;

	free(path);
	if (head && !strncmp(head, "ref: refs/", 10) && !strstr(head, "..")) {
		path = xasprintf("%s/.git/%s", root, head + 5);
		sha = read_line(path);
		free(path);
		free(head);
	} else {
		sha = head;
	}
	if (sha && (strlen(sha) != 40 || strspn(sha, "0123456789abcdef") != 40))
		FREE_AND_NULL(sha);
	return sha;
}

/*
 * git's short id of HEAD (10 ms a command when asked every time): kept in
 * root/.cache/githead under the full id, which is read from .git; the
 * memo holds the last commit only.
 */
static char *git_commit(const char *root)
{
	const char *argv[] = {"git",	    "-C",   root, "rev-parse",
			      "--short=12", "HEAD", NULL};
	char *line = NULL, *sha = head_sha(root), *key = NULL;
	struct tl_memo memo = {0};

	if (sha) {
		char *path = xasprintf("%s/.cache/githead", root);

		key = xasprintf("rev-parse --short=12 %s", sha);
		tl_memo_open(&memo, path);
		free(path);
		if (!tl_memo_get(&memo, key)) { /* another commit: start over */
			path = xstrdup(memo.path);
			tl_memo_close(&memo);
			memo = (struct tl_memo){.path = path};
		}
	}
	if (tl_run_capture_kept(sha ? &memo : NULL, key, argv, 5, &line) ||
	    !line || !*line)
		FREE_AND_NULL(line);
	if (sha)
		tl_memo_close(&memo);
	free(sha);
	free(key);
	return line;
}

void tl_env_probe(struct tl_env *e, const char *root)
{
	struct utsname u;
	char host[256];
	char *info = NULL, *flags;
	size_t n;
	uint64_t h = TL_FNV_SEED;
	char key[512];

	memset(e, 0, sizeof(*e));
	e->hostname =
		xstrdup(gethostname(host, sizeof(host)) == 0 ? host : "?");
	e->cpus = tl_os_ncpus();
	if (tl_read_file("/proc/cpuinfo", &info, &n) == 0) {
		e->cpu_model = cpuinfo_field(info, "model name");
		flags = cpuinfo_field(info, "flags");
		e->virtualised = flags && strstr(flags, " hypervisor") != NULL;
		free(flags);
		free(info);
	}
	if (!e->cpu_model)
		e->cpu_model = xstrdup("unknown");
	e->kernel = xstrdup(uname(&u) == 0 ? u.release : "unknown");
	e->governor = read_line(
		"/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
	e->turbo = -1;
	{
		int nt = read_int(
			"/sys/devices/system/cpu/intel_pstate/no_turbo", -1);
		int boost =
			read_int("/sys/devices/system/cpu/cpufreq/boost", -1);

		if (nt >= 0)
			e->turbo = !nt;
		else if (boost >= 0)
			e->turbo = boost;
	}
	e->aslr = read_int("/proc/sys/kernel/randomize_va_space", -1);
	e->paranoid = read_int("/proc/sys/kernel/perf_event_paranoid", -100);
	e->hypervisor = e->virtualised ? hypervisor_name(root) : NULL;
	e->numa_nodes = count_numa_nodes();
	e->clock_resolution_ns = clock_resolution();
	e->commit = git_commit(root);
	tl_counters_probe(&e->pmu);
	tl_toolchains_find(&e->tools, root);

	snprintf(key, sizeof(key), "%s|%d|%d|%d|%d", e->cpu_model, e->cpus,
		 e->numa_nodes, e->pmu.has_pmu, e->virtualised);
	h = tl_fnv1a(h, key, strlen(key));
	snprintf(e->fingerprint, sizeof(e->fingerprint), "%016llx",
		 (unsigned long long)h);
}

void tl_env_release(struct tl_env *e)
{
	free(e->hostname);
	free(e->cpu_model);
	free(e->kernel);
	free(e->governor);
	free(e->hypervisor);
	free(e->commit);
	tl_toolchains_release(&e->tools);
	memset(e, 0, sizeof(*e));
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *int_or_null(int v, int unknown)
{
	return v == unknown ? json_null() : json_integer(v);
}

json_t *tl_env_json(const struct tl_env *e)
{
	json_t *o = json_object(), *tc = json_object();
	int i;

	json_object_set_new(o, "fingerprint", json_string(e->fingerprint));
	json_object_set_new(o, "hostname", json_string(e->hostname));
	json_object_set_new(o, "cpu_model", json_string(e->cpu_model));
	json_object_set_new(o, "cpus", json_integer(e->cpus));
	json_object_set_new(o, "kernel", json_string(e->kernel));
	json_object_set_new(o, "governor", str_or_null(e->governor));
	json_object_set_new(o, "turbo",
			    e->turbo < 0 ? json_null()
					 : json_boolean(e->turbo));
	json_object_set_new(o, "aslr", int_or_null(e->aslr, -1));
	json_object_set_new(o, "perf_event_paranoid",
			    int_or_null(e->paranoid, -100));
	json_object_set_new(o, "virtualised", json_boolean(e->virtualised));
	json_object_set_new(o, "hypervisor", str_or_null(e->hypervisor));
	json_object_set_new(o, "pmu", json_boolean(e->pmu.has_pmu));
	json_object_set_new(o, "pmu_reason",
			    e->pmu.has_pmu ? json_null()
					   : json_string(e->pmu.hw_reason));
	json_object_set_new(o, "sw_counters", json_boolean(e->pmu.has_sw));
	json_object_set_new(o, "numa_nodes", int_or_null(e->numa_nodes, -1));
	json_object_set_new(o, "valgrind",
			    str_or_null(e->tools.valgrind.version));
	json_object_set_new(o, "clock_resolution_ns",
			    json_real(e->clock_resolution_ns));
	json_object_set_new(
		o, "launcher",
		tl_proc_launcher()
			? json_string(tl_proc_launcher())
			: json_string("none: whole-process peak RSS includes "
				      "traplab's own (build tl-launch)"));
	for (i = 0; i < TL_LANG_COUNT; i++) {
		const struct tl_tool *t = &e->tools.lang[i];
		const char *name = i == TL_LANG_C     ? "cc"
				   : i == TL_LANG_CPP ? "cxx"
						      : tl_lang_name(i);

		json_object_set_new(tc, name, str_or_null(t->version));
	}
	json_object_set_new(tc, "zig_pinned", json_string(e->tools.zig_pinned));
	json_object_set_new(o, "toolchains", tc);
	return o;
}
