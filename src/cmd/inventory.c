/*
 * inventory.c - `traplab list` and `traplab doctor`: what there is to run,
 * and what this machine can measure.
 *
 *     $ traplab doctor
 *     cpu          AMD EPYC 7B13 (2 online CPUs)
 *     pmu          absent: no hardware PMU (a VM) ...
 */
#include "base/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/env.h"
#include "measure/registry.h"
#include "machine/toolchain.h"

#include "machine/svcfault.h"
#include "base/banned.h"

static int wants_help(int argc, char **argv, const char *usage)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 1;
		}
	return 0;
}

/* `list --toolchains`: every release of every language, one a line. */
static void print_toolchains(const struct tl_toolchains *t)
{
	printf("%-5s %-10s %-8s %s\n", "lang", "version", "role", "path");
	for (int l = 0; l < TL_LANG_COUNT; l++) {
		const struct tl_tool *cur = &t->lang[l];

		if (!t->nreleases[l]) {
			printf("%-5s %-10s %-8s %s\n", tl_lang_name(l),
			       cur->version ? cur->version : "-",
			       cur->path ? "default" : "missing",
			       cur->path ? cur->path : cur->missing);
			continue;
		}
		for (int k = 0; k < t->nreleases[l]; k++) {
			const struct tl_tool *r = &t->releases[l][k];
			int def = cur->path && r->path &&
				  !strcmp(cur->path, r->path);

			printf("%-5s %-10s %-8s %s\n", tl_lang_name(l),
			       tl_toolchain_bare_version(r->version),
			       def	 ? "default"
			       : r->path ? "extra"
					 : "missing",
			       r->path ? r->path : r->missing);
		}
	}
	printf("\nA release other than the default is chosen per run with "
	       "--toolchains LANG=V1,V2\n(claims: a claims x toolchains "
	       "matrix); scripts/deps.sh --toolchains installs\nthose "
	       "pinned in scripts/toolchains.\n");
}

int cmd_list(int argc, char **argv)
{
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_registry r;
	struct tl_toolchains t;
	size_t i, j;

	if (wants_help(argc, argv,
		       "usage: traplab list [--toolchains]\n\nExperiments, "
		       "their params and variants, and whether each variant's "
		       "toolchain is here.\n\n  --toolchains  every release "
		       "of each language found or pinned,\n"
		       "                with its version and path\n"))
		return 0;
	if (argc > 1 && !strcmp(argv[1], "--toolchains")) {
		tl_toolchains_find(&t, tl_cli_root());
		print_toolchains(&t);
		tl_toolchains_release(&t);
		return 0;
	}
	if (tl_registry_load(&r, tl_cli_root(), &d) < 0) {
		for (i = 0; i < d.msgs.n; i++)
			fprintf(stderr, "traplab: %s\n", d.msgs.v[i]);
		tl_diag_release(&d);
		return 2;
	}
	tl_toolchains_find(&t, tl_cli_root());
	printf("toolchains:");
	for (i = 0; i < TL_LANG_COUNT; i++)
		printf("  %s=%s", tl_lang_name((enum tl_lang)i),
		       t.lang[i].version ? t.lang[i].version : "missing");
	printf("\n");
	for (i = 0; i < r.nexps; i++) {
		const struct tl_experiment *e = &r.exps[i];
		const char *nl = strchr(e->description, '\n');

		printf("\n%s  [article %s, %s]  %.*s\n", e->name,
		       e->section && *e->section ? e->section : "-",
		       e->kind == TL_KIND_PROCESS ? "process" : "loop",
		       nl ? (int)(nl - e->description) : 200, e->description);
		for (j = 0; j < e->nparams; j++) {
			const struct tl_param *p = &e->params[j];

			printf("  param %s:", p->name);
			for (size_t k = 0; k < p->defaults.n; k++)
				printf("%s%s", k ? "," : " ", p->defaults.v[k]);
			printf("  (quick:");
			for (size_t k = 0; k < p->quick.n; k++)
				printf("%s%s", k ? "," : " ", p->quick.v[k]);
			printf(")%s%s\n", p->help ? "  " : "",
			       p->help ? p->help : "");
		}
		for (j = 0; j < e->nvariants; j++) {
			const struct tl_variant *v = &e->variants[j];
			const struct tl_tool *tool = &t.lang[v->lang];

			printf("  %-26s %s\n", v->name,
			       tool->path ? (v->comment ? v->comment : "")
					  : tool->missing);
		}
	}
	for (i = 0; i < d.msgs.n; i++)
		fprintf(stderr, "traplab: %s (experiment left out)\n",
			d.msgs.v[i]);
	j = d.msgs.n;
	tl_diag_release(&d);
	tl_toolchains_release(&t);
	tl_registry_release(&r);
	return j ? 1 : 0;
}

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

int cmd_doctor(int argc, char **argv)
{
	struct tl_env e;
	char *load = NULL;
	size_t n;
	int i, hints = 0;

	if (wants_help(argc, argv,
		       "usage: traplab doctor\n\nWhat this machine can "
		       "measure (PMU, simulation, toolchains) and what will "
		       "make figures noisy.\n"))
		return 0;
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
