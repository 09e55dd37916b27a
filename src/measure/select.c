/*
 * select.c - a run's selection checked against the registry (select.h).
 *
 * Candidates for a suggestion come from the experiments selected, so
 * `run alloc -V c.glibcc` suggests alloc's c.glibc, not a variant of
 * another experiment; an experiment typo is suggested from all of them.
 */
#include "measure/select.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/suggest.h"
#include "base/banned.h"

static int is_selected(const struct tl_experiment *e, const char *const *names,
		       size_t n)
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (!strcmp(names[i], e->name))
			return 1;
	return 0;
}

static int check_names(const struct tl_registry *r, const char *const *names,
		       size_t n, struct tl_buf *err)
{
	struct tl_strv all = TL_STRV_INIT;
	size_t i;
	int bad = 0;

	for (i = 0; i < r->nexps; i++)
		tl_strv_push(&all, r->exps[i].name);
	for (i = 0; i < n; i++) {
		if (tl_registry_find(r, names[i]))
			continue;
		tl_buf_printf(err, "%sno experiment '%s'", bad ? "\n" : "",
			      names[i]);
		if (!tl_suggest_hint(err, names[i], &all))
			tl_buf_puts(err, " (traplab list shows them)");
		bad = 1;
	}
	tl_strv_release(&all);
	return bad;
}

static int check_variant(const struct tl_registry *r, const char *const *names,
			 size_t n, const char *pat, struct tl_buf *err)
{
	struct tl_strv cands = TL_STRV_INIT;
	char full[512];
	size_t i, j;

	for (i = 0; i < r->nexps; i++) {
		const struct tl_experiment *e = &r->exps[i];

		if (!is_selected(e, names, n))
			continue;
		for (j = 0; j < e->nvariants; j++) {
			snprintf(full, sizeof(full), "%s/%s", e->name,
				 e->variants[j].name);
			if (!fnmatch(pat, e->variants[j].name, 0) ||
			    !fnmatch(pat, full, 0)) {
				tl_strv_release(&cands);
				return 0;
			}
			tl_strv_push(&cands, strchr(pat, '/')
						     ? full
						     : e->variants[j].name);
		}
	}
	tl_buf_printf(err, "%s--variant '%s' matches no variant%s",
		      err->len ? "\n" : "", pat, n == 1 ? " of " : "");
	if (n == 1)
		tl_buf_puts(err, names[0]);
	tl_suggest_hint(err, pat, &cands);
	tl_strv_release(&cands);
	return 1;
}

static int check_param(const struct tl_registry *r, const char *const *names,
		       size_t n, const char *spec, struct tl_buf *err)
{
	struct tl_strv cands = TL_STRV_INIT;
	const char *eq = strchr(spec, '='), *slash = strchr(spec, '/');
	char *exp = NULL, *key;
	size_t i, j;
	int bad = 1;

	if (!eq)
		eq = spec + strlen(spec);
	if (slash && slash < eq) {
		exp = xstrndup(spec, (size_t)(slash - spec));
		key = xstrndup(slash + 1, (size_t)(eq - slash - 1));
	} else {
		key = xstrndup(spec, (size_t)(eq - spec));
	}
	for (i = 0; i < r->nexps && bad; i++) {
		const struct tl_experiment *e = &r->exps[i];

		if (exp ? strcmp(exp, e->name) : !is_selected(e, names, n))
			continue;
		for (j = 0; j < e->nparams && bad; j++) {
			if (!strcmp(e->params[j].name, key))
				bad = 0;
			else if (!tl_strv_has(&cands, e->params[j].name))
				tl_strv_push(&cands, e->params[j].name);
		}
	}
	if (bad) {
		tl_buf_printf(err, "%s--param '%s': ", err->len ? "\n" : "",
			      spec);
		if (exp && !tl_registry_find(r, exp))
			tl_buf_printf(err, "no experiment '%s'", exp);
		else
			tl_buf_printf(err, "no param '%s' in %s", key,
				      exp      ? exp
				      : n == 1 ? names[0]
					       : "the experiments selected");
		tl_suggest_hint(err, key, &cands);
	}
	tl_strv_release(&cands);
	free(exp);
	free(key);
	return bad;
}

int tl_select_check(const struct tl_registry *r, const char *const *names,
		    size_t n, const char *const *variants,
		    const char *const *params, struct tl_buf *err)
{
	int bad = check_names(r, names, n, err);

	if (bad)
		return -EINVAL; /* patterns are judged against real names */
	for (; variants && *variants; variants++)
		bad |= check_variant(r, names, n, *variants, err);
	for (; params && *params; params++)
		bad |= check_param(r, names, n, *params, err);
	return bad ? -EINVAL : 0;
}
