/*
 * svcfault.c - faults on a running service (svcfault.h).
 *
 * Stressors are stress-ng in a process group of their own with a parent
 * death signal, as in chaos.c; libfiu faults are commands written to the
 * service's control fifo by fiu-ctrl (fiu-ctrl(1)), so nothing of the
 * service is restarted to inject or to heal.
 */
#include "machine/svcfault.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/os.h"
#include "base/proc.h"
#include "machine/chaos.h"
#include "base/banned.h"

static const char *const names[] = {
#define X(id, name) name,
	TL_SVCFAULT_KINDS(X)
#undef X
};

int tl_svcfault_parse(const char *name, enum tl_svcfault_kind *out)
{
	int i;

	for (i = 0; i < TL_SVCFAULT_COUNT; i++)
		if (!strcmp(name, names[i])) {
			*out = (enum tl_svcfault_kind)i;
			return 0;
		}
	return -EINVAL;
}

const char *tl_svcfault_name(enum tl_svcfault_kind k)
{
	return names[k];
}

int tl_svcfault_has_fiu(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/tmp/fiu-ctrl-%d.in", (int)pid);
	return access(path, W_OK) == 0;
}

int tl_svcfault_alive(pid_t pid)
{
	char path[64], *stat = NULL, *p;
	size_t len;
	int alive;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (tl_read_file(path, &stat, &len))
		return 0;
	/* "pid (comm) S ...": the state follows the last ')'. */
	p = strrchr(stat, ')');
	alive = p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
	free(stat);
	return alive;
}

/*
 * fiu-ctrl waits for the service to answer on its fifo: bounded, since
 * a service that died (or hangs) never answers.
 */
static int fiu_ctrl(pid_t pid, const char *cmd)
{
	char *tool = tl_chaos_which("fiu-ctrl"), spid[16];
	const char *argv[] = {tool, "-c", cmd, spid, NULL};
	struct tl_proc_result res = {0};
	struct tl_proc_spec spec = {0};
	int rc = -EIO;

	if (!tool)
		return -ENOENT;
	if (!tl_svcfault_alive(pid)) {
		free(tool);
		return -ESRCH;
	}
	snprintf(spid, sizeof(spid), "%d", (int)pid);
	spec.argv = argv;
	spec.timeout_s = 5;
	spec.pin_cpu = -1;
	spec.discard_stdout = 1;
	if (!tl_proc_run(&spec, &res) && res.end == TL_PROC_EXITED &&
	    !res.exit_code)
		rc = 0;
	tl_proc_result_release(&res);
	free(tool);
	return rc;
}

static int start_stress(const struct tl_svcfault_spec *s, struct tl_svcfault *f,
			struct tl_buf *err)
{
	char *tool = tl_chaos_which("stress-ng");
	char secs[32], n[16], load[16], bytes[32];
	pid_t pid;

	if (!tool) {
		tl_buf_printf(err,
			      "the %s fault needs stress-ng (Debian "
			      "package stress-ng)",
			      names[s->kind]);
		return -ENOENT;
	}
	snprintf(secs, sizeof(secs), "%lds", (long)s->seconds + 1);
	snprintf(n, sizeof(n), "%d", tl_os_ncpus());
	snprintf(load, sizeof(load), "%.0f", 100 * s->cpu_load);
	snprintf(bytes, sizeof(bytes), "%llu", s->bytes);
	pid = fork();
	if (pid < 0) {
		free(tool);
		return -errno;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		if (s->kind == TL_SVCFAULT_CPU)
			execl(tool, "stress-ng", "--cpu", n, "--cpu-load", load,
			      "--timeout", secs, "--quiet", (char *)NULL);
		else
			execl(tool, "stress-ng", "--vm", "1", "--vm-bytes",
			      bytes, "--vm-keep", "--timeout", secs, "--quiet",
			      (char *)NULL);
		_exit(127);
	}
	/* Both sides set the group, so no race with kill(-pgid). */
	setpgid(pid, pid);
	f->pgid = pid;
	free(tool);
	return 0;
}

int tl_svcfault_start(const struct tl_svcfault_spec *s, struct tl_svcfault *f,
		      struct tl_buf *err)
{
	char *cmd;
	int rc;

	memset(f, 0, sizeof(*f));
	f->kind = s->kind;
	if (!(s->seconds > 0))
		return -EINVAL;
	if (s->kind == TL_SVCFAULT_CPU || s->kind == TL_SVCFAULT_MEMORY)
		return start_stress(s, f, err);
	if (!tl_svcfault_has_fiu(s->target)) {
		tl_buf_printf(
			err,
			"the %s fault needs the service started under "
			"`fiu-run -x` (pid %d has no /tmp/fiu-ctrl-%d.in; "
			"give --target CMD and traplab starts it so)",
			names[s->kind], (int)s->target, (int)s->target);
		return -ENOENT;
	}
	f->fiu_name = xstrdup(s->kind == TL_SVCFAULT_NET_LOSS ? "posix/io/net/*"
			      : s->fiu_name		      ? s->fiu_name
					    : "posix/io/rw/*");
	cmd = xasprintf("enable_random name=%s,probability=%g", f->fiu_name,
			s->probability);
	rc = fiu_ctrl(s->target, cmd);
	free(cmd);
	if (rc) {
		tl_buf_printf(err, "fiu-ctrl could not enable %s in pid %d%s",
			      f->fiu_name, (int)s->target,
			      rc == -ENOENT ? " (no fiu-ctrl: Debian package "
					      "fiu-utils)"
					    : "");
		FREE_AND_NULL(f->fiu_name);
		return rc;
	}
	f->target = s->target;
	return 0;
}

void tl_svcfault_stop(struct tl_svcfault *f)
{
	int st;

	if (!f)
		return;
	if (f->pgid > 0) {
		kill(-f->pgid, SIGKILL);
		while (waitpid(f->pgid, &st, 0) < 0 && errno == EINTR)
			;
		f->pgid = 0;
	}
	if (f->fiu_name && f->target > 0) {
		char *cmd = xasprintf("disable name=%s", f->fiu_name);

		fiu_ctrl(f->target, cmd);
		free(cmd);
	}
	FREE_AND_NULL(f->fiu_name);
	f->target = 0;
}

/* Evidence. */

int tl_svcfault_trace_start(pid_t target, double seconds, const char *out_path,
			    pid_t *tracer)
{
	char *bt = tl_chaos_which("bpftrace"), *script;
	pid_t pid;
	int fd;

	*tracer = 0;
	if (!bt)
		return -ENOENT;
	script = xasprintf(
		"tracepoint:raw_syscalls:sys_enter /pid == %d/ "
		"{ @s[tid] = nsecs; }\n"
		"tracepoint:raw_syscalls:sys_exit /pid == %d && @s[tid]/ "
		"{ @syscall_us = hist((nsecs - @s[tid]) / 1000); "
		"delete(@s[tid]); }\n"
		"tracepoint:sched:sched_switch /pid == %d && "
		"args->prev_state == 0/ { @q[args->prev_pid] = nsecs; }\n"
		"tracepoint:sched:sched_switch /@q[args->next_pid]/ "
		"{ @runq_wait_us = hist((nsecs - @q[args->next_pid]) / 1000); "
		"delete(@q[args->next_pid]); }\n"
		"interval:s:%ld { clear(@s); clear(@q); exit(); }\n",
		(int)target, (int)target, (int)target, (long)(seconds + 0.999));
	fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		free(bt);
		free(script);
		return -errno;
	}
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(bt, "bpftrace", "-q", "-e", script, (char *)NULL);
		_exit(127);
	}
	close(fd);
	free(bt);
	free(script);
	if (pid < 0)
		return -errno;
	setpgid(pid, pid);
	*tracer = pid;
	return 0;
}

void tl_svcfault_trace_stop(pid_t tracer)
{
	int st, i;

	if (tracer <= 0)
		return;
	/* It ends itself after its seconds; 10 s of grace, then SIGINT. */
	for (i = 0; i < 100; i++) {
		if (waitpid(tracer, &st, WNOHANG) == tracer)
			return;
		usleep(100000);
	}
	kill(-tracer, SIGINT);
	for (i = 0; i < 50; i++) {
		if (waitpid(tracer, &st, WNOHANG) == tracer)
			return;
		usleep(100000);
	}
	kill(-tracer, SIGKILL);
	while (waitpid(tracer, &st, 0) < 0 && errno == EINTR)
		;
}

/* doctor. */

/*
 * The kernel's build configuration: /boot/config-RELEASE, else
 * /proc/config.gz through zcat. Owned text, or NULL when neither exists.
 */
static char *kernel_config(void)
{
	struct tl_proc_result res = {0};
	struct tl_proc_spec spec = {0};
	struct utsname u;
	char path[300], *text = NULL, *zcat;
	size_t len;

	uname(&u);
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	if (!tl_read_file(path, &text, &len))
		return text;
	zcat = tl_chaos_which("zcat");
	if (!zcat || access("/proc/config.gz", R_OK)) {
		free(zcat);
		return NULL;
	}
	{
		const char *argv[] = {zcat, "/proc/config.gz", NULL};

		spec.argv = argv;
		spec.timeout_s = 10;
		spec.pin_cpu = -1;
		if (!tl_proc_run(&spec, &res) && res.end == TL_PROC_EXITED &&
		    !res.exit_code) {
			text = res.out;
			res.out = NULL;
		}
	}
	tl_proc_result_release(&res);
	free(zcat);
	return text;
}

/* 1 when opt is =y or =m in config, 0 when not, -1 without a config. */
static int config_has(const char *config, const char *opt)
{
	size_t n = strlen(opt);
	const char *p;

	if (!config)
		return -1;
	for (p = config; (p = strstr(p, opt)); p += n)
		if ((p == config || p[-1] == '\n') && p[n] == '=' &&
		    (p[n + 1] == 'y' || p[n + 1] == 'm'))
			return 1;
	return 0;
}

static const char *bpf_syscall(void)
{
	/*
	 * BPF_PROG_LOAD with no program: a kernel with the bpf syscall
	 * answers EINVAL/EFAULT/EPERM; one without it answers ENOSYS.
	 */
	long rc = syscall(SYS_bpf, 5 /* BPF_PROG_LOAD */, NULL, 0);

	if (rc >= 0)
		close((int)rc);
	if (rc < 0 && errno == ENOSYS)
		return "absent (ENOSYS)";
	if (rc < 0 && errno == EPERM)
		return "present, refused to this user (EPERM)";
	return "present";
}

void tl_svcfault_doctor(FILE *f)
{
	char *stress = tl_chaos_which("stress-ng");
	char *fiurun = tl_chaos_which("fiu-run");
	char *fiuctl = tl_chaos_which("fiu-ctrl");
	char *bt = tl_chaos_which("bpftrace");
	char *tc = tl_chaos_which("tc");
	int pre = access("/usr/lib/fiu/fiu_posix_preload.so", R_OK) == 0;
	char *config = kernel_config();
	int netem = config_has(config, "CONFIG_NET_SCH_NETEM");
	int tracefs;
	int ovr = config_has(config, "CONFIG_BPF_KPROBE_OVERRIDE");

	fprintf(f, "service chaos (traplab chaos --slo):\n");
	fprintf(f, "  cpu, memory faults   %s\n",
		stress ? "stress-ng" : "unavailable (no stress-ng)");
	fprintf(f, "  net-loss, syscall    %s\n",
		fiurun && fiuctl && pre ? "libfiu (fiu-run -x, fiu-ctrl)"
					: "unavailable (no fiu-utils)");
	fprintf(f, "  network delay        %s\n",
		tc && netem == 1 ? "tc netem available (not used by traplab)"
		: netem == 0	 ? "no tc netem in this kernel"
				 : "tc netem unknown (no kernel config)");
	fprintf(f,
		"  eBPF                 bpf syscall %s; BTF %s; "
		"bpf_override_return %s\n",
		bpf_syscall(),
		access("/sys/kernel/btf/vmlinux", R_OK) == 0 ? "present"
							     : "absent",
		ovr == 1   ? "present"
		: ovr == 0 ? "absent (no CONFIG_BPF_KPROBE_OVERRIDE)"
			   : "unknown");
	tracefs = access("/sys/kernel/tracing/events", R_OK) == 0 ||
		  access("/sys/kernel/debug/tracing/events", R_OK) == 0;
	fprintf(f, "  bpftrace             %s%s\n",
		bt ? bt
		   : "not installed (run-queue and syscall latency "
		     "evidence unavailable)",
		!bt || tracefs ? ""
			       : " (but tracefs is not mounted: no "
				 "tracepoints, so no evidence)");
	free(stress);
	free(fiurun);
	free(fiuctl);
	free(bt);
	free(tc);
	free(config);
}
