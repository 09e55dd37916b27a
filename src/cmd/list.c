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
#include "report/table.h"
#include "base/term.h"

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

/*
 * One experiment: its heading, the first sentence of its description and
 * its params wrapped to the terminal, and its variants as a table whose
 * comment column wraps (names are never cut). --wide shows the whole
 * description.
 */
static void list_experiment(const struct tl_experiment *e,
			    const struct tl_toolchains *t)
{
	static const struct tl_col cols[] = {{"variant", 0, 0, 0},
					     {"what it models", 0, 0, 1}};
	size_t width = tl_term_width(1), j, k, n = strlen(e->description);
	const char *dot = strstr(e->description, ". ");
	struct tl_buf b = TL_BUF_INIT, p = TL_BUF_INIT;
	struct tl_table tab;
	char *s;

	tl_buf_printf(&b, "\n%s  [article %s, %s]\n", e->name,
		      e->section && *e->section ? e->section : "-",
		      e->kind == TL_KIND_PROCESS ? "process" : "loop");
	if (dot && width != (size_t)-1)
		n = (size_t)(dot - e->description) + 1;
	s = xstrndup(e->description, n);
	for (k = 0; s[k]; k++)
		if (s[k] == '\n')
			s[k] = ' ';
	tl_term_wrap(&b, s, width, 2, 2);
	free(s);
	for (j = 0; j < e->nparams; j++) {
		const struct tl_param *pa = &e->params[j];

		p.len = 0;
		tl_buf_printf(&p, "param %s:", pa->name);
		for (k = 0; k < pa->defaults.n; k++)
			tl_buf_printf(&p, "%s%s", k ? "," : " ",
				      pa->defaults.v[k]);
		tl_buf_puts(&p, "  (quick:");
		for (k = 0; k < pa->quick.n; k++)
			tl_buf_printf(&p, "%s%s", k ? "," : " ",
				      pa->quick.v[k]);
		tl_buf_printf(&p, ")%s%s", pa->help ? "  " : "",
			      pa->help ? pa->help : "");
		tl_term_wrap(&b, tl_buf_str(&p), width, 2, 6);
	}
	tl_table_init(&tab, cols, 2, 2);
	for (j = 0; j < e->nvariants; j++) {
		const struct tl_variant *v = &e->variants[j];
		const struct tl_tool *tool = &t->lang[v->lang];
		const char *row[2] = {
			v->name, tool->path ? (v->comment ? v->comment : "")
					    : tool->missing};

		tl_table_row(&tab, row);
	}
	tl_table_render(&tab, &b, width);
	fputs(tl_buf_str(&b), stdout);
	tl_table_release(&tab);
	tl_buf_release(&b);
	tl_buf_release(&p);
}

static const char list_help[] =
	"usage: traplab list [--toolchains]\n"
	"\n"
	"Experiments, their params and variants, and whether each variant's\n"
	"toolchain is here.\n"
	"\n"
	"options:\n"
	"  --toolchains  every release of each language found or pinned, with "
	"its\n"
	"                version, role and path\n"
	"\n"
	"exit: 0, 1 when an experiment file is malformed (it is left out), 2 "
	"on\n"
	"error.\n"
	"\n"
	"examples:\n"
	"  traplab list\n"
	"  traplab list --toolchains\n"
	"  traplab list --wide | less -S            # every column\n";

static const struct option longopts[] = {{"toolchains", no_argument, NULL, 't'},
					 {"help", no_argument, NULL, 'h'},
					 {NULL, 0, NULL, 0}};

int cmd_list(int argc, char **argv)
{
	int k, rc, toolchains = 0;
	struct tl_diag d = TL_DIAG_INIT;
	struct tl_registry r;
	struct tl_toolchains t;
	size_t i, j;

	optind = 1;
	while ((k = tl_cmd_getopt(argc, argv, longopts, list_help, &rc)) !=
	       -1) {
		if (k == TL_CMD_EXIT)
			return rc;
		toolchains = 1;
	}
	if (optind < argc)
		return tl_cmd_usage("list", list_help);
	if (toolchains) {
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
	for (i = 0; i < r.nexps; i++)
		list_experiment(&r.exps[i], &t);
	for (i = 0; i < d.msgs.n; i++)
		fprintf(stderr, "traplab: %s (experiment left out)\n",
			d.msgs.v[i]);
	j = d.msgs.n;
	tl_diag_release(&d);
	tl_toolchains_release(&t);
	tl_registry_release(&r);
	return j ? 1 : 0;
}
