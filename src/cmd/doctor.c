/*
 * doctor.c - `traplab doctor`: what this machine can measure, and what
 * will make its figures noisy.
 *
 *     $ traplab doctor
 *     cpu          AMD EPYC 7B13 (2 online CPUs)
 *     pmu          absent: no hardware PMU (a VM) ...
 */
#include "cmd/cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cli.h"
#include "machine/env.h"
#include "machine/svcfault.h"

#include "base/banned.h"

static void row(const char *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void row(const char *k, const char *fmt, ...)
{
	va_list ap;

	printf("%-14s ", k);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static const char doctor_help[] =
	"usage: traplab doctor\n"
	"\n"
	"What this machine can measure (PMU, simulation, toolchains, fault\n"
	"mechanisms) and what will make its figures noisy.\n"
	"\n"
	"options:\n"
	"  none of its own (--wide and --color: traplab --help)\n"
	"\n"
	"exit: 0.\n"
	"\n"
	"examples:\n"
	"  traplab doctor\n"
	"  traplab doctor | grep -i pmu\n";

static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
					 {NULL, 0, NULL, 0}};

int cmd_doctor(int argc, char **argv)
{
	int rc;
	struct tl_env e;
	char *load = NULL;
	size_t n;
	int i, hints = 0;

	optind = 1;
	while ((i = tl_cmd_getopt(argc, argv, longopts, doctor_help, &rc)) !=
	       -1)
		if (i == TL_CMD_EXIT)
			return rc;
	if (optind < argc)
		return tl_cmd_usage("doctor", doctor_help);
	tl_env_probe(&e, tl_cli_root());
	row("cpu", "%s (%d online CPUs)", e.cpu_model, e.cpus);
	row("kernel", "%s", e.kernel);
	row("virtualised", "%s%s%s", e.virtualised ? "yes" : "no",
	    e.hypervisor ? ", " : "", e.hypervisor ? e.hypervisor : "");
	row("governor", "%s",
	    e.governor ? e.governor : "not exposed (no cpufreq)");
	row("turbo", "%s", e.turbo < 0 ? "unknown" : e.turbo ? "on" : "off");
	row("aslr", "%d%s", e.aslr,
	    e.aslr ? " (the sim path turns it off per run with setarch -R)"
		   : "");
	row("perf paranoid", "%d", e.paranoid);
	row("pmu", "%s",
	    e.pmu.has_pmu ? "present: hardware counters work"
			  : e.pmu.hw_reason);
	row("sw counters", "%s",
	    e.pmu.has_sw ? "present (page faults, "
			   "context switches, task "
			   "clock)"
			 : e.pmu.sw_reason);
	row("simulation", "%s",
	    e.tools.valgrind.path ? e.tools.valgrind.version
				  : e.tools.valgrind.missing);
	if (e.numa_nodes < 0)
		row("numa", "unknown (no /sys/devices/system/node)");
	else
		row("numa", "%d node%s%s", e.numa_nodes,
		    e.numa_nodes == 1 ? "" : "s",
		    e.numa_nodes == 1 ? " (cross-node claims are untestable)"
				      : "");
	row("clock",
	    "CLOCK_MONOTONIC, smallest step %.0f ns; a sample "
	    "lasts >= %.2f ms",
	    e.clock_resolution_ns,
	    (e.clock_resolution_ns * 1000 > 1e6 ? e.clock_resolution_ns * 1000
						: 1e6) /
		    1e6);
	for (i = 0; i < TL_LANG_COUNT; i++) {
		const struct tl_tool *t = &e.tools.lang[i];
		char key[32];

		snprintf(key, sizeof(key), "%s", tl_lang_name((enum tl_lang)i));
		if (t->path)
			row(key, "%s (%s)", t->version, t->path);
		else
			row(key, "missing: %s", t->missing);
	}
	row("zig pinned", "%s (scripts/zig.version)", e.tools.zig_pinned);
	row("fingerprint", "%s", e.fingerprint);

	printf("\n");
	tl_svcfault_doctor(stdout);

	printf("\nnoise hints:\n");
	if (tl_read_file("/proc/loadavg", &load, &n) == 0) {
		double l1 = strtod(load, NULL);

		if (l1 > 0.5) {
			printf("  - load average %.2f: other work is running; "
			       "figures will be noisier\n",
			       l1);
			hints++;
		}
		free(load);
	}
	if (e.virtualised) {
		printf("  - a virtual machine: steal time and a shared host "
		       "add noise; compare ratios measured in one run\n");
		hints++;
	}
	if (e.governor && strcmp(e.governor, "performance") != 0) {
		printf("  - frequency governor '%s': the clock moves with "
		       "load\n",
		       e.governor);
		hints++;
	}
	if (e.turbo == 1) {
		printf("  - turbo is on: the clock depends on temperature\n");
		hints++;
	}
	if (e.cpus < 4) {
		printf("  - %d CPUs: the harness and a two-thread workload "
		       "share them; consider --pin\n",
		       e.cpus);
		hints++;
	}
	if (!hints)
		printf("  - none found\n");
	tl_env_release(&e);
	return 0;
}
