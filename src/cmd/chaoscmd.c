/*
 * chaoscmd.c - `traplab chaos --slo FILE --target PID|CMD`: faults within
 * the SLO's bounds on a running service, SLIs watched from Prometheus
 * during and after, and the verdict (analyze/svcchaos.h).
 *
 *   $ traplab chaos --slo slo/service-slo.yaml --target 4242 \
 *         --prometheus http://127.0.0.1:9090 --fault cpu --duration 20
 *   fault cpu: stress-ng on 2 CPUs at 65% (resource-bound cpu) for 20 s
 *   ...
 *   stayed within the objectives: yes (0 of 25 samples failed)
 *   recovered 1.0 s after the fault ended
 */
#include "cmd/chaoscmd.h"

#include "cmd/cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analyze/svcchaos.h"
#include "analyze/svcslo.h"
#include "machine/chaos.h"
#include "machine/svcfault.h"
#include "measure/promql.h"
#include "base/util.h"

#include "base/banned.h"

static const char usage_text[] =
	"usage: traplab chaos --slo FILE --target PID|CMD --prometheus URL\n"
	"                     [--fault KIND] [--duration S] [--recover S]\n"
	"                     [--watch S] [--interval S] [--probability P]\n"
	"                     [--fiu-name NAME] [--memory BYTES]\n"
	"\n"
	"Injects a fault into a service within its service SLO's bounds: did "
	"it\n"
	"keep its objectives, how long did it take to recover, what budget "
	"burned?\n"
	"\n"
	"options:\n"
	"  --slo FILE         the service SLO (slo/service-slo.yaml, OpenSLO "
	"v1)\n"
	"  --target PID|CMD   a running service, or a command traplab starts "
	"under\n"
	"                     `fiu-run -x` (so libfiu faults work; its output "
	"is\n"
	"                     discarded) and stops at the end\n"
	"  --prometheus URL   the Prometheus that scrapes the service\n"
	"  --fault KIND       cpu (stress-ng to the resource-bound cpu\n"
	"                     utilisation, default), memory (stress-ng --vm),\n"
	"                     net-loss (libfiu on the service's socket "
	"calls),\n"
	"                     syscall (libfiu failure point --fiu-name)\n"
	"  --fiu-name NAME    the libfiu failure point (default "
	"posix/io/rw/*)\n"
	"  --duration S       how long the fault lasts (default 20)\n"
	"  --recover S        how long to wait for recovery after (default "
	"60)\n"
	"  --watch S          the SLI window of each sample (default 5)\n"
	"  --interval S       between samples (default 1)\n"
	"  --probability P    of a libfiu failure (default 0.05)\n"
	"  --memory BYTES     for the memory fault (default 256M)\n"
	"\n"
	"exit: 0 recovered, 1 not recovered, 2 error (`traplab doctor` lists "
	"the\n"
	"fault mechanisms this machine has).\n"
	"\n"
	"examples:\n"
	"  traplab chaos --slo slo/service-slo.yaml --target \"$(pgrep -n "
	"slo-demo)\" \\\n"
	"      --prometheus http://127.0.0.1:9090 --fault cpu --duration 20\n"
	"  traplab chaos --slo slo/service-slo.yaml --fault net-loss "
	"--duration 10 \\\n"
	"      --target 'build/default/slo-demo --listen 127.0.0.1:8080' "
	"\\\n"
	"      --prometheus http://127.0.0.1:9090\n";

struct fault_ctx {
	struct tl_svcfault_spec spec;
	struct tl_svcfault f;
};

static int fault_fn(void *ctx, int on, struct tl_buf *err)
{
	struct fault_ctx *c = ctx;

	if (!on) {
		tl_svcfault_stop(&c->f);
		return 0;
	}
	return tl_svcfault_start(&c->spec, &c->f, err);
}

/* Starts cmd under fiu-run -x in its own process group; its pid or -1. */
static pid_t start_target(const char *cmd)
{
	char *fiu = tl_chaos_which("fiu-run");
	char *inner = xasprintf("exec %s", cmd);
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		/* The service's own chatter would bury the samples. */
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		if (fiu)
			execl(fiu, "fiu-run", "-x", "/bin/sh", "-c", inner,
			      (char *)NULL);
		execl("/bin/sh", "sh", "-c", inner, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		setpgid(pid, pid);
	free(fiu);
	free(inner);
	return pid;
}

static void stop_target(pid_t pid)
{
	int st;

	if (pid <= 0)
		return;
	kill(-pid, SIGTERM);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

/* Waits until the service's SLIs have data (a started target). */
static int wait_for_data(const struct tl_svc_slo *slo, struct tl_promql *pq,
			 double watch, double limit_s, struct tl_buf *err)
{
	double waited;

	/* Prometheus may be starting too: errors are retried until then. */
	for (waited = 0; waited < limit_s; waited += 1) {
		struct tl_svc_report rep;
		int rc;

		err->len = 0;
		rc = tl_svc_check(slo, watch, tl_promql_fn, pq, &rep, err);
		if (!rc) {
			rc = rep.nodata;
			tl_svc_report_release(&rep);
			if (!rc)
				return 0;
		}
		sleep(1);
	}
	if (!err->len)
		tl_buf_printf(err,
			      "the service's SLIs had no data in "
			      "Prometheus after %.0f s",
			      limit_s);
	return -ENODATA;
}

/* bpftrace's histograms, indented under a heading. */
static void print_trace(const char *path, FILE *f)
{
	char *text = NULL, *line, *save = NULL;
	size_t len;

	if (tl_read_file(path, &text, &len) || !len) {
		fprintf(f, "evidence: bpftrace printed nothing\n");
		free(text);
		return;
	}
	if ((line = strstr(text, "ERROR:"))) {
		char *next;

		/*
		 * Say why in one line: the last error is the fatal one (a
		 * RLIMIT_MEMLOCK warning may come first).
		 */
		while ((next = strstr(line + 1, "ERROR:")))
			line = next;
		line[strcspn(line, "\n")] = 0;
		fprintf(f,
			"evidence: bpftrace could not trace the target: %s "
			"(traplab doctor)\n",
			line);
		free(text);
		return;
	}
	fprintf(f, "evidence (bpftrace, during the fault): syscall latency and "
		   "wait for a CPU after preemption, in us\n");
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		fprintf(f, "  %s\n", line);
	free(text);
}

static double cpu_bound(const struct tl_svc_slo *slo)
{
	size_t i;

	for (i = 0; i < slo->nobj; i++)
		if (slo->obj[i].kind == TL_SVC_BOUND &&
		    !strcmp(slo->obj[i].name, "cpu"))
			return slo->obj[i].threshold;
	return 0.5;
}

static void describe(const struct fault_ctx *fc, FILE *f)
{
	const struct tl_svcfault_spec *s = &fc->spec;

	fprintf(f, "fault %s for %.0f s: ", tl_svcfault_name(s->kind),
		s->seconds);
	switch (s->kind) {
	case TL_SVCFAULT_CPU:
		fprintf(f,
			"stress-ng on every CPU at %.0f%% (the SLO's "
			"resource bound, or 50%% without one)\n",
			100 * s->cpu_load);
		break;
	case TL_SVCFAULT_MEMORY:
		fprintf(f, "stress-ng --vm dirtying %llu bytes\n", s->bytes);
		break;
	case TL_SVCFAULT_NET_LOSS:
		fprintf(f,
			"libfiu fails the socket calls of pid %d with "
			"probability %g\n",
			(int)s->target, s->probability);
		break;
	case TL_SVCFAULT_SYSCALL:
		fprintf(f, "libfiu fails %s in pid %d with probability %g\n",
			s->fiu_name, (int)s->target, s->probability);
		break;
	default:
		break;
	}
}

static int parse_num(const char *s, double *out)
{
	char *end;

	*out = strtod(s, &end);
	if (end == s || *end || !(*out > 0)) {
		fprintf(stderr,
			"traplab: chaos: expected a positive number, "
			"found '%s'\n",
			s);
		return -1;
	}
	return 0;
}

int cmd_chaos(int argc, char **argv)
{
	static const struct option opts[] = {
		{"slo", required_argument, NULL, 's'},
		{"target", required_argument, NULL, 't'},
		{"prometheus", required_argument, NULL, 'p'},
		{"fault", required_argument, NULL, 'f'},
		{"duration", required_argument, NULL, 'd'},
		{"recover", required_argument, NULL, 'r'},
		{"watch", required_argument, NULL, 'w'},
		{"interval", required_argument, NULL, 'i'},
		{"probability", required_argument, NULL, 'P'},
		{"fiu-name", required_argument, NULL, 'n'},
		{"memory", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct tl_svcchaos_opts o = {20,   60,		 1,    5,
				     3,	   tl_promql_fn, NULL, fault_fn,
				     NULL, NULL,	 NULL, NULL};
	struct fault_ctx fc = {.spec = {.kind = TL_SVCFAULT_CPU,
					.probability = 0.05,
					.bytes = 256ull << 20}};
	const char *path = NULL, *target = NULL, *url = NULL;
	struct tl_buf err = TL_BUF_INIT;
	struct tl_svcchaos_result res;
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_svc_slo slo;
	struct tl_promql pq;
	pid_t started = 0;
	char *end, *trace_path = NULL;
	pid_t tracer = 0;
	double v;
	int c, rc = 2;

	optind = 1;
	while ((c = tl_cmd_getopt_short(argc, argv, "s:t:p:f:d:r:w:i:P:n:m:",
					opts, usage_text, &rc)) != -1) {
		switch (c) {
		case TL_CMD_EXIT:
			return rc;
		case 's':
			path = optarg;
			break;
		case 't':
			target = optarg;
			break;
		case 'p':
			url = optarg;
			break;
		case 'f':
			if (tl_svcfault_parse(optarg, &fc.spec.kind)) {
				fprintf(stderr,
					"traplab: chaos: unknown fault '%s' "
					"(cpu, memory, net-loss, syscall)\n",
					optarg);
				return 2;
			}
			break;
		case 'd':
		case 'r':
		case 'w':
		case 'i':
		case 'P':
			if (parse_num(optarg, &v))
				return 2;
			*(c == 'd'   ? &o.fault_s
			  : c == 'r' ? &o.recover_s
			  : c == 'w' ? &o.watch_s
			  : c == 'i' ? &o.interval_s
				     : &fc.spec.probability) = v;
			break;
		case 'n':
			fc.spec.fiu_name = optarg;
			break;
		case 'm':
			fc.spec.bytes = strtoull(optarg, &end, 10);
			if (*end == 'M')
				fc.spec.bytes <<= 20;
			else if (*end == 'G')
				fc.spec.bytes <<= 30;
			break;
		}
	}
	if (!path || !target || !url || optind != argc ||
	    fc.spec.probability > 1)
		return tl_cmd_usage("chaos", usage_text);
	rc = tl_svc_slo_load(&slo, path, NULL, 0, &d);
	if (rc) {
		size_t i;

		for (i = 0; i < d.msgs.n; i++)
			fprintf(stderr, "traplab: %s\n", d.msgs.v[i]);
		if (rc == 1)
			fprintf(stderr,
				"traplab: %s: chaos needs a service "
				"SLO\n",
				path);
		tl_diag_release(&d);
		return 2;
	}
	tl_promql_init(&pq, url);
	o.query_ctx = &pq;
	o.fault_ctx = &fc;
	fc.spec.seconds = o.fault_s;
	fc.spec.cpu_load = cpu_bound(&slo);
	fc.spec.target = (pid_t)strtol(target, &end, 10);
	if (*end || fc.spec.target <= 0) {
		started = start_target(target);
		fc.spec.target = started;
		if (started <= 0 ||
		    wait_for_data(&slo, &pq, o.watch_s, 60, &err)) {
			fprintf(stderr, "traplab: chaos: %s\n",
				err.len ? tl_buf_str(&err)
					: "cannot start the target");
			rc = 2;
			goto out;
		}
	}
	describe(&fc, stdout);
	trace_path = xasprintf("/tmp/traplab-chaos-bpftrace.%d", (int)getpid());
	if (tl_svcfault_trace_start(fc.spec.target, o.fault_s, trace_path,
				    &tracer) == 0)
		printf("evidence: bpftrace on pid %d for the fault's %.0f s\n",
		       (int)fc.spec.target, o.fault_s);
	rc = tl_svcchaos_run(&slo, &o, stdout, &res, &err);
	tl_svcfault_trace_stop(tracer);
	if (rc) {
		fprintf(stderr, "traplab: chaos: %s\n", tl_buf_str(&err));
		rc = 2;
		goto out;
	}
	if (tracer > 0)
		print_trace(trace_path, stdout);
	else
		printf("evidence: no bpftrace here, so no run-queue or "
		       "syscall latency of the target (traplab doctor)\n");
	tl_svcchaos_print(&slo, &res, stdout);
	rc = res.recovered ? 0 : 1;
	if (!tl_svcfault_alive(fc.spec.target)) {
		printf("the service (pid %d) is gone: it did not survive the "
		       "fault\n",
		       (int)fc.spec.target);
		rc = 1;
	}
	tl_svcchaos_release(&res);
out:
	if (trace_path)
		unlink(trace_path);
	free(trace_path);
	stop_target(started);
	tl_promql_release(&pq);
	tl_svc_slo_release(&slo);
	tl_diag_release(&d);
	tl_buf_release(&err);
	return rc;
}
