/*
 * registry.c - experiments/NAME/experiment.yaml into plain structures.
 *
 * Unknown keys are errors, not warnings: a misspelt `cflgas` that silently
 * dropped a flag would change what is measured. Every problem in a file is
 * collected (not only the first), each at file:line:column.
 */
#include "measure/registry.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/yamlx.h"

#include "base/banned.h"

static const char *const exp_keys[] = {
	"name",	     "description", "section", "kind",		 "unit",
	"timeout_s", "max_ops",	    "params",  "metrics",	 "variants",
	"rounds",    "samples",	    "warmup",  "parallel_setup", NULL,
};

static const char *const param_keys[] = {"default", "quick", "help", NULL};

static const char *const variant_keys[] = {
	"name",	 "lang",       "sources",  "comment",	"cflags",
	"libs",	 "pkgconfig",  "lib",	   "mode",	"goflags",
	"env",	 "params",     "args",	   "timeout_s", "sim",
	"reads", "toolchains", "generate", NULL,
};

static const char *const zig_modes[] = {"Debug", "ReleaseSafe", "ReleaseFast",
					"ReleaseSmall", NULL};

/* A metric or param name: lowercase letters, digits and '_'. */
static int is_ident(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return 0;
	return 1;
}

static int parse_kvs(struct tl_yaml *y, yaml_node_t *m, const char *what,
		     struct tl_kv **out, size_t *nout, struct tl_diag *d)
{
	int i, n, err = 0;

	if (tl_yaml_expect_map(y, m, what, d))
		return -EINVAL;
	n = tl_yaml_map_len(m);
	*out = xcalloc((size_t)n, sizeof(**out));
	*nout = 0;
	for (i = 0; i < n; i++) {
		const char *k, *v;

		if (tl_yaml_get_str(y, tl_yaml_map_key(y, m, i), what, &k, d) ||
		    tl_yaml_get_str(y, tl_yaml_map_val(y, m, i), what, &v, d)) {
			err = -EINVAL;
			continue;
		}
		(*out)[*nout].key = xstrdup(k);
		(*out)[*nout].val = xstrdup(v);
		(*nout)++;
	}
	return err;
}

void tl_kv_free(struct tl_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].val);
	}
	free(kv);
}

static int parse_params(struct tl_yaml *y, yaml_node_t *m,
			struct tl_experiment *e, struct tl_diag *d)
{
	int i, n, err = 0;

	if (tl_yaml_expect_map(y, m, "params", d))
		return -EINVAL;
	n = tl_yaml_map_len(m);
	e->params = xcalloc((size_t)n, sizeof(*e->params));
	for (i = 0; i < n; i++) {
		yaml_node_t *kn = tl_yaml_map_key(y, m, i);
		yaml_node_t *pn = tl_yaml_map_val(y, m, i);
		struct tl_param *p = &e->params[e->nparams];
		yaml_node_t *v;
		const char *name;

		if (tl_yaml_get_str(y, kn, "param name", &name, d)) {
			err = -EINVAL;
			continue;
		}
		if (!is_ident(name)) {
			tl_yaml_error(y, kn, d,
				      "param name '%s': expected lowercase "
				      "letters, digits and '_'",
				      name);
			err = -EINVAL;
		}
		p->name = xstrdup(name);
		e->nparams++;
		/* A bare scalar is shorthand for {default: VALUE}. */
		if (tl_yaml_is_scalar(pn)) {
			tl_strv_push(&p->defaults, tl_yaml_str(pn));
			tl_strv_push(&p->quick, tl_yaml_str(pn));
			continue;
		}
		if (tl_yaml_expect_map(y, pn, "param", d)) {
			err = -EINVAL;
			continue;
		}
		if (tl_yaml_check_keys(y, pn, param_keys, "param", d))
			err = -EINVAL;
		v = tl_yaml_get(y, pn, "default");
		if (!v) {
			tl_yaml_error(y, pn, d,
				      "param '%s': missing 'default' (the "
				      "values a full run uses)",
				      name);
			err = -EINVAL;
		} else if (tl_yaml_get_strv(y, v, "default", &p->defaults, d)) {
			err = -EINVAL;
		} else if (p->defaults.n == 0) {
			tl_yaml_error(y, v, d, "param '%s': empty 'default'",
				      name);
			err = -EINVAL;
		}
		v = tl_yaml_get(y, pn, "quick");
		if (v && tl_yaml_get_strv(y, v, "quick", &p->quick, d))
			err = -EINVAL;
		if (!p->quick.n && p->defaults.n)
			tl_strv_push(&p->quick, p->defaults.v[0]);
		v = tl_yaml_get(y, pn, "help");
		if (v) {
			const char *h;

			if (tl_yaml_get_str(y, v, "help", &h, d))
				err = -EINVAL;
			else
				p->help = xstrdup(h);
		}
	}
	return err;
}

static int get_strv_field(struct tl_yaml *y, yaml_node_t *m, const char *key,
			  struct tl_strv *sv, struct tl_diag *d)
{
	yaml_node_t *v = tl_yaml_get(y, m, key);

	if (!v)
		return 0;
	return tl_yaml_get_strv(y, v, key, sv, d);
}

/*
 * A timeout in seconds: 0 or less would disable it, and a huge one
 * overflows the deadline in nanoseconds; a day is more than any workload
 * needs.
 */
#define MAX_TIMEOUT_S 86400.0

static int get_timeout(struct tl_yaml *y, yaml_node_t *n, double *out,
		       struct tl_diag *d)
{
	double v;

	if (tl_yaml_get_double(y, n, "timeout_s", &v, d))
		return -EINVAL;
	if (!(v > 0 && v <= MAX_TIMEOUT_S)) {
		tl_yaml_error(y, n, d,
			      "timeout_s: expected seconds in (0, %g], found "
			      "'%s'",
			      MAX_TIMEOUT_S, tl_yaml_str(n));
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* The variant's lang, and that its name starts with it. */
static int parse_lang(struct tl_yaml *y, yaml_node_t *vn, struct tl_variant *v,
		      struct tl_diag *d)
{
	const char *name = v->name, *lang = NULL;
	yaml_node_t *n = tl_yaml_get(y, vn, "lang");
	int err = 0;

	if (!n) {
		tl_yaml_error(y, vn, d,
			      "variant '%s': missing 'lang' (c, cpp, go or "
			      "zig)",
			      name);
		err = -EINVAL;
	} else if (tl_yaml_get_str(y, n, "lang", &lang, d)) {
		err = -EINVAL;
	} else if (tl_lang_parse(lang, &v->lang)) {
		tl_yaml_error(y, n, d,
			      "variant '%s': unknown lang '%s'; expected c, "
			      "cpp, go or zig",
			      name, lang);
		err = -EINVAL;
	} else {
		size_t ln = strlen(lang);

		if (strncmp(name, lang, ln) != 0 ||
		    (name[ln] != '.' && name[ln] != '\0')) {
			tl_yaml_error(y, tl_yaml_get(y, vn, "name"), d,
				      "variant '%s': name must start with "
				      "its language, '%s.'",
				      name, lang);
			err = -EINVAL;
		}
	}
	return err;
}

/* A path a variant names must stay inside the experiment folder. */
static int inside(const char *path)
{
	return path[0] != '/' && !strstr(path, "..");
}

/*
 * generate: {OUT: "SCRIPT ARGS..."}: files made at build time by a script
 * of the experiment folder (see build.h), compiled in like sources.
 */
static int parse_generate(struct tl_yaml *y, yaml_node_t *vn,
			  struct tl_variant *v, struct tl_diag *d)
{
	yaml_node_t *n = tl_yaml_get(y, vn, "generate");
	int err = 0;

	if (!n)
		return 0;
	if (parse_kvs(y, n, "generate", &v->gen, &v->ngen, d))
		return -EINVAL;
	for (size_t i = 0; i < v->ngen; i++) {
		const char *out = v->gen[i].key, *cmd = v->gen[i].val;
		size_t sl = strcspn(cmd, " \t");

		if (!*out || strchr(out, '/') || !sl || cmd[0] == '/' ||
		    memmem(cmd, sl, "..", 2)) {
			tl_yaml_error(y, n, d,
				      "variant '%s': generate '%s: %s' wants "
				      "a file name and a script of the "
				      "experiment folder with its arguments",
				      v->name, out, cmd);
			err = -EINVAL;
		}
	}
	return err;
}

/* mode: Zig's optimisation mode. */
static int parse_mode(struct tl_yaml *y, yaml_node_t *vn, struct tl_variant *v,
		      struct tl_diag *d)
{
	yaml_node_t *n = tl_yaml_get(y, vn, "mode");
	const char *s;
	int ok = 0;

	if (!n || tl_yaml_get_str(y, n, "mode", &s, d))
		return 0;
	v->mode = xstrdup(s);
	for (int i = 0; zig_modes[i]; i++)
		ok |= strcmp(s, zig_modes[i]) == 0;
	if (ok)
		return 0;
	tl_yaml_error(y, n, d,
		      "variant '%s': mode '%s'; expected Debug, ReleaseSafe, "
		      "ReleaseFast or ReleaseSmall",
		      v->name, s);
	return -EINVAL;
}

/* reads: the experiment params the workload reads; each must be one. */
static int parse_reads(struct tl_yaml *y, yaml_node_t *vn,
		       const struct tl_experiment *e, struct tl_variant *v,
		       struct tl_diag *d)
{
	yaml_node_t *n = tl_yaml_get(y, vn, "reads");
	int err = 0;

	v->reads_declared = n != NULL;
	if (n && tl_yaml_get_strv(y, n, "reads", &v->reads, d))
		return -EINVAL;
	for (size_t i = 0; i < v->reads.n; i++)
		if (!tl_experiment_param(e, v->reads.v[i])) {
			tl_yaml_error(y,
				      tl_yaml_is_seq(n)
					      ? tl_yaml_seq_at(y, n, (int)i)
					      : n,
				      d,
				      "variant '%s' reads '%s', which is not "
				      "a param of the experiment",
				      v->name, v->reads.v[i]);
			err = -EINVAL;
		}
	return err;
}

static int parse_variant(struct tl_yaml *y, yaml_node_t *vn,
			 struct tl_experiment *e, struct tl_variant *v,
			 struct tl_diag *d)
{
	const char *name = NULL, *s;
	yaml_node_t *n;
	int err = 0, i;

	v->line = tl_yaml_line(vn);
	v->sim = 1;
	if (tl_yaml_check_keys(y, vn, variant_keys, "variant", d))
		err = -EINVAL;
	n = tl_yaml_get(y, vn, "name");
	if (!n) {
		tl_yaml_error(y, vn, d, "variant: missing 'name' (LANG.WHAT)");
		return -EINVAL;
	}
	if (tl_yaml_get_str(y, n, "variant name", &name, d))
		return -EINVAL;
	v->name = xstrdup(name);
	if (parse_lang(y, vn, v, d) || parse_generate(y, vn, v, d))
		err = -EINVAL;
	if (get_strv_field(y, vn, "sources", &v->sources, d) ||
	    get_strv_field(y, vn, "cflags", &v->cflags, d) ||
	    get_strv_field(y, vn, "libs", &v->libs, d) ||
	    get_strv_field(y, vn, "pkgconfig", &v->pkgconfig, d) ||
	    get_strv_field(y, vn, "lib", &v->lib, d) ||
	    get_strv_field(y, vn, "goflags", &v->goflags, d) ||
	    get_strv_field(y, vn, "args", &v->args, d) ||
	    get_strv_field(y, vn, "toolchains", &v->toolchains, d))
		err = -EINVAL;
	if (!v->sources.n) {
		tl_yaml_error(y, vn, d, "variant '%s': missing 'sources'",
			      name);
		err = -EINVAL;
	}
	for (i = 0; i < (int)v->sources.n; i++)
		if (!inside(v->sources.v[i])) {
			tl_yaml_error(y, tl_yaml_get(y, vn, "sources"), d,
				      "variant '%s': source '%s' must be "
				      "inside the experiment folder",
				      name, v->sources.v[i]);
			err = -EINVAL;
		}
	n = tl_yaml_get(y, vn, "comment");
	if (n && !tl_yaml_get_str(y, n, "comment", &s, d))
		v->comment = xstrdup(s);
	if (parse_mode(y, vn, v, d))
		err = -EINVAL;
	n = tl_yaml_get(y, vn, "env");
	if (n && parse_kvs(y, n, "env", &v->env, &v->nenv, d))
		err = -EINVAL;
	n = tl_yaml_get(y, vn, "params");
	if (n && parse_kvs(y, n, "params", &v->params, &v->nparams, d))
		err = -EINVAL;
	if (parse_reads(y, vn, e, v, d))
		err = -EINVAL;
	n = tl_yaml_get(y, vn, "timeout_s");
	if (n && get_timeout(y, n, &v->timeout_s, d))
		err = -EINVAL;
	n = tl_yaml_get(y, vn, "sim");
	if (n && tl_yaml_get_bool(y, n, "sim", &v->sim, d))
		err = -EINVAL;
	return err;
}

static void variant_release(struct tl_variant *v)
{
	free(v->name);
	tl_strv_release(&v->sources);
	tl_strv_release(&v->cflags);
	tl_strv_release(&v->toolchains);
	tl_strv_release(&v->libs);
	tl_strv_release(&v->pkgconfig);
	tl_strv_release(&v->lib);
	tl_strv_release(&v->goflags);
	tl_strv_release(&v->args);
	tl_strv_release(&v->reads);
	tl_kv_free(v->env, v->nenv);
	tl_kv_free(v->params, v->nparams);
	tl_kv_free(v->gen, v->ngen);
	free(v->mode);
	free(v->comment);
}

static int parse_doc(struct tl_yaml *y, struct tl_experiment *e,
		     struct tl_diag *d)
{
	yaml_node_t *root = tl_yaml_root(y), *n;
	const char *s;
	int err = 0, i, nv;

	if (!root) {
		tl_diag_add(d, y->path, 1, 1,
			    "empty file; expected a mapping with name, "
			    "description, variants");
		return -EINVAL;
	}
	if (tl_yaml_expect_map(y, root, "experiment", d))
		return -EINVAL;
	if (tl_yaml_check_keys(y, root, exp_keys, "experiment", d))
		err = -EINVAL;

	n = tl_yaml_get(y, root, "name");
	if (!n) {
		tl_yaml_error(y, root, d, "missing 'name'");
		err = -EINVAL;
	} else if (!tl_yaml_get_str(y, n, "name", &s, d)) {
		if (!is_ident(s)) {
			tl_yaml_error(y, n, d,
				      "name '%s': expected lowercase letters, "
				      "digits and '_'",
				      s);
			err = -EINVAL;
		}
		e->name = xstrdup(s);
	} else {
		err = -EINVAL;
	}
	n = tl_yaml_get(y, root, "description");
	if (!n) {
		tl_yaml_error(y, root, d,
			      "missing 'description' (the question the "
			      "experiment asks)");
		err = -EINVAL;
	} else if (!tl_yaml_get_str(y, n, "description", &s, d)) {
		e->description = xstrdup(s);
	} else {
		err = -EINVAL;
	}
	n = tl_yaml_get(y, root, "section");
	if (n && !tl_yaml_get_str(y, n, "section", &s, d))
		e->section = xstrdup(s);
	e->unit = xstrdup("op");
	n = tl_yaml_get(y, root, "unit");
	if (n && !tl_yaml_get_str(y, n, "unit", &s, d)) {
		free(e->unit);
		e->unit = xstrdup(s);
	}
	e->kind = TL_KIND_LOOP;
	n = tl_yaml_get(y, root, "kind");
	if (n && !tl_yaml_get_str(y, n, "kind", &s, d)) {
		if (strcmp(s, "process") == 0) {
			e->kind = TL_KIND_PROCESS;
		} else if (strcmp(s, "loop") != 0) {
			tl_yaml_error(y, n, d,
				      "kind '%s': expected loop or process", s);
			err = -EINVAL;
		}
	}
	e->timeout_s = 60;
	n = tl_yaml_get(y, root, "timeout_s");
	if (n && get_timeout(y, n, &e->timeout_s, d))
		err = -EINVAL;
	n = tl_yaml_get(y, root, "max_ops");
	if (n) {
		long long v;

		if (tl_yaml_get_int(y, n, "max_ops", &v, d)) {
			err = -EINVAL;
		} else if (v < 1) {
			tl_yaml_error(y, n, d, "max_ops must be >= 1");
			err = -EINVAL;
		} else {
			e->max_ops = (unsigned long long)v;
		}
	}
	e->warmup = -1;
	for (i = 0; i < 3; i++) {
		static const char *const keys[] = {"rounds", "samples",
						   "warmup"};
		int *dst = i == 0   ? &e->rounds
			   : i == 1 ? &e->samples
				    : &e->warmup;
		long long v, lo = i == 2 ? 0 : 1;

		n = tl_yaml_get(y, root, keys[i]);
		if (!n)
			continue;
		if (tl_yaml_get_int(y, n, keys[i], &v, d)) {
			err = -EINVAL;
		} else if (v < lo || v > 1000) {
			tl_yaml_error(y, n, d, "%s must be %lld..1000", keys[i],
				      lo);
			err = -EINVAL;
		} else {
			*dst = (int)v;
		}
	}
	n = tl_yaml_get(y, root, "parallel_setup");
	if (n &&
	    tl_yaml_get_bool(y, n, "parallel_setup", &e->parallel_setup, d))
		err = -EINVAL;
	n = tl_yaml_get(y, root, "params");
	if (n && parse_params(y, n, e, d))
		err = -EINVAL;
	n = tl_yaml_get(y, root, "metrics");
	if (n && tl_yaml_get_strv(y, n, "metrics", &e->metrics, d))
		err = -EINVAL;
	for (i = 0; i < (int)e->metrics.n; i++)
		if (!is_ident(e->metrics.v[i])) {
			tl_yaml_error(y, n, d,
				      "metric '%s': expected lowercase "
				      "letters, digits and '_'",
				      e->metrics.v[i]);
			err = -EINVAL;
		}

	n = tl_yaml_get(y, root, "variants");
	if (!n) {
		tl_yaml_error(y, root, d, "missing 'variants'");
		return -EINVAL;
	}
	if (tl_yaml_expect_seq(y, n, "variants", d))
		return -EINVAL;
	nv = tl_yaml_seq_len(n);
	if (nv == 0) {
		tl_yaml_error(y, n, d, "variants: the list is empty");
		err = -EINVAL;
	}
	e->variants = xcalloc((size_t)nv, sizeof(*e->variants));
	for (i = 0; i < nv; i++) {
		yaml_node_t *vn = tl_yaml_seq_at(y, n, i);
		struct tl_variant *v = &e->variants[e->nvariants];
		int j;

		if (tl_yaml_expect_map(y, vn, "variant", d)) {
			err = -EINVAL;
			continue;
		}
		if (parse_variant(y, vn, e, v, d))
			err = -EINVAL;
		if (!v->name) {
			variant_release(v);
			memset(v, 0, sizeof(*v));
			continue;
		}
		for (j = 0; j < (int)e->nvariants; j++)
			if (strcmp(e->variants[j].name, v->name) == 0) {
				tl_yaml_error(y, vn, d,
					      "variant '%s' is defined twice "
					      "(first at line %d)",
					      v->name, e->variants[j].line);
				err = -EINVAL;
			}
		/* Only the C harness (tlw.h) waits at the gate. */
		if (e->parallel_setup && v->lang != TL_LANG_C) {
			tl_yaml_error(y, vn, d,
				      "variant '%s': parallel_setup needs C "
				      "workloads (only tlw.h waits for its "
				      "turn)",
				      v->name);
			err = -EINVAL;
		}
		e->nvariants++;
	}
	return err;
}

int tl_registry_parse(struct tl_experiment *e, const char *path,
		      const char *text, size_t len, struct tl_diag *d)
{
	struct tl_yaml y;
	const char *slash;
	int err;

	memset(e, 0, sizeof(*e));
	e->path = xstrdup(path);
	slash = strrchr(path, '/');
	e->dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	err = tl_yaml_load(&y, e->path, text, len, d);
	if (err)
		return err;
	err = parse_doc(&y, e, d);
	tl_yaml_release(&y);
	return err;
}

void tl_experiment_release(struct tl_experiment *e)
{
	size_t i;

	for (i = 0; i < e->nparams; i++) {
		free(e->params[i].name);
		free(e->params[i].help);
		tl_strv_release(&e->params[i].defaults);
		tl_strv_release(&e->params[i].quick);
	}
	free(e->params);
	for (i = 0; i < e->nvariants; i++)
		variant_release(&e->variants[i]);
	free(e->variants);
	tl_strv_release(&e->metrics);
	free(e->name);
	free(e->dir);
	free(e->path);
	free(e->description);
	free(e->section);
	free(e->unit);
	memset(e, 0, sizeof(*e));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tl_registry_load(struct tl_registry *r, const char *root, struct tl_diag *d)
{
	struct tl_strv names = TL_STRV_INIT;
	char *dirpath = xasprintf("%s/experiments", root);
	struct dirent *de;
	size_t i;
	DIR *dir;

	memset(r, 0, sizeof(*r));
	r->root = xstrdup(root);
	dir = opendir(dirpath);
	if (!dir) {
		int err = -errno;

		tl_diag_add(d, dirpath, 0, 0, "cannot open: %s",
			    strerror(errno));
		free(dirpath);
		return err;
	}
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			tl_strv_push(&names, de->d_name);
	closedir(dir);
	qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	r->exps = xcalloc(names.n ? names.n : 1, sizeof(*r->exps));
	for (i = 0; i < names.n; i++) {
		char *path =
			xasprintf("%s/%s/experiment.yaml", dirpath, names.v[i]);
		struct tl_experiment *e = &r->exps[r->nexps];
		size_t before = d->msgs.n;

		if (access(path, F_OK) != 0) {
			free(path);
			continue;
		}
		if (tl_registry_parse(e, path, NULL, 0, d) == 0 &&
		    strcmp(e->name, names.v[i]) != 0)
			tl_diag_add(d, path, 0, 0,
				    "name '%s' differs from its folder '%s'",
				    e->name, names.v[i]);
		if (d->msgs.n != before)
			tl_experiment_release(e);
		else
			r->nexps++;
		free(path);
	}
	tl_strv_release(&names);
	free(dirpath);
	return (int)r->nexps;
}

void tl_registry_release(struct tl_registry *r)
{
	size_t i;

	for (i = 0; i < r->nexps; i++)
		tl_experiment_release(&r->exps[i]);
	free(r->exps);
	free(r->root);
	memset(r, 0, sizeof(*r));
}

struct tl_experiment *tl_registry_find(const struct tl_registry *r,
				       const char *name)
{
	size_t i;

	for (i = 0; i < r->nexps; i++)
		if (strcmp(r->exps[i].name, name) == 0)
			return &r->exps[i];
	return NULL;
}

struct tl_variant *tl_experiment_variant(const struct tl_experiment *e,
					 const char *name)
{
	size_t i;

	for (i = 0; i < e->nvariants; i++)
		if (strcmp(e->variants[i].name, name) == 0)
			return &e->variants[i];
	return NULL;
}

struct tl_param *tl_experiment_param(const struct tl_experiment *e,
				     const char *name)
{
	size_t i;

	for (i = 0; i < e->nparams; i++)
		if (strcmp(e->params[i].name, name) == 0)
			return &e->params[i];
	return NULL;
}

int tl_variant_reads(const struct tl_variant *v, const char *name)
{
	return !v->reads_declared || tl_strv_has(&v->reads, name);
}
