/*
 * list.c - `traplab list`: the experiments, their variants and which
 * toolchains are here to build them (--toolchains: every release).
 */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cli.h"
#include "machine/toolchain.h"
#include "measure/registry.h"

#include "base/banned.h"

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

	if (tl_cmd_wants_help(
		    argc, argv,
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
