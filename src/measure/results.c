/*
 * results.c - reading a results JSON (schema traplab.results/1) and walking
 * its figures.
 *
 * The walk hands out borrowed pointers into the run with params in one
 * canonical spelling (keys sorted), so every consumer (history, compare,
 * matrix, SLO, the exposition) names a case the same way.
 */
#include "measure/results.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonx.h"
#include "base/banned.h"

int tl_results_parse(const char *path, const char *text, size_t len,
		     json_t **out, struct tl_buf *err)
{
	struct tl_diag dropped = TL_DIAG_INIT;
	json_error_t je;
	json_t *run, *schema;
	size_t i;

	run = tl_json_parse(path, text, len, &dropped, &je);
	/* The rest of the file is good: say what was lost, and go on. */
	for (i = 0; i < dropped.msgs.n; i++)
		fprintf(stderr, "traplab: %s\n", dropped.msgs.v[i]);
	tl_diag_release(&dropped);
	if (!run) {
		tl_buf_printf(err, "'%s': line %d, column %d: %s", path,
			      je.line, je.column, je.text);
		return -EINVAL;
	}
	schema = json_object_get(run, "schema");
	if (!json_is_string(schema) ||
	    strcmp(json_string_value(schema), "traplab.results/1") != 0) {
		tl_buf_printf(err,
			      "'%s': not a traplab results file (schema is "
			      "not \"traplab.results/1\")",
			      path);
		json_decref(run);
		return -EINVAL;
	}
	if (!json_is_array(json_object_get(run, "experiments"))) {
		tl_buf_printf(err, "'%s': \"experiments\" is not an array",
			      path);
		json_decref(run);
		return -EINVAL;
	}
	*out = run;
	return 0;
}

int tl_results_load(const char *path, json_t **out, struct tl_buf *err)
{
	char *text;
	size_t len;
	int rc;

	rc = tl_read_file(path, &text, &len);
	if (rc) {
		tl_buf_printf(err, "cannot open '%s': %s", path, strerror(-rc));
		return rc;
	}
	rc = tl_results_parse(path, text, len, out, err);
	free(text);
	return rc;
}

/* "k=v,k2=v2" with sorted keys. */
static void canon_params(json_t *params, struct tl_buf *b)
{
	const char **keys;
	const char *k;
	json_t *v;
	size_t n = 0, i;

	if (!json_is_object(params))
		return;
	keys = xcalloc(json_object_size(params) + 1, sizeof(*keys));
	json_object_foreach(params, k, v) keys[n++] = k;
	qsort(keys, n, sizeof(*keys), tl_cmp_str);
	for (i = 0; i < n; i++) {
		v = json_object_get(params, keys[i]);
		tl_buf_printf(b, "%s%s=", i ? "," : "", keys[i]);
		if (json_is_string(v))
			tl_buf_puts(b, json_string_value(v));
		else if (json_is_integer(v))
			tl_buf_printf(b, "%lld",
				      (long long)json_integer_value(v));
		else if (json_is_number(v))
			tl_buf_printf(b, "%g", json_number_value(v));
	}
	free(keys);
}

int tl_results_walk(json_t *run, tl_results_visit_fn *fn, void *ctx)
{
	json_t *exps = json_object_get(run, "experiments"), *e, *c, *v, *m;
	size_t ie, ic, iv;
	const char *mname;
	int rc = 0;

	json_array_foreach(exps, ie, e)
	{
		json_array_foreach(json_object_get(e, "cases"), ic, c)
		{
			struct tl_buf params = TL_BUF_INIT;

			canon_params(json_object_get(c, "params"), &params);
			json_array_foreach(json_object_get(c, "variants"), iv,
					   v)
			{
				struct tl_metric_ref r = {
					.experiment =
						tl_json_str(e, "name", "?"),
					.variant = tl_json_str(v, "name", "?"),
					.lang = tl_json_str(v, "lang", ""),
					.status =
						tl_json_str(v, "status", "ok"),
					.params = tl_buf_str(&params),
					.variant_obj = v,
				};
				json_t *ms = json_object_get(v, "metrics");

				rc = fn(&r, ctx);
				if (rc)
					break;
				json_object_foreach(ms, mname, m)
				{
					if (!json_is_object(m))
						continue;
					r.name = mname;
					r.metric = m;
					r.unit = tl_json_str(m, "unit", "");
					r.source = tl_json_str(m, "source", "");
					rc = fn(&r, ctx);
					if (rc)
						break;
				}
				if (rc)
					break;
			}
			tl_buf_release(&params);
			if (rc)
				return rc;
		}
	}
	return rc;
}

int tl_results_samples(const json_t *metric, double **out, size_t *n)
{
	json_t *s = json_object_get(metric, "samples"), *x;
	double *v;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!json_is_array(s) || !json_array_size(s))
		return 0;
	v = xmalloc(json_array_size(s) * sizeof(*v));
	json_array_foreach(s, i, x)
	{
		if (!json_is_number(x)) {
			free(v);
			return -EINVAL;
		}
		v[i] = json_number_value(x);
	}
	*out = v;
	*n = json_array_size(s);
	return 0;
}

int tl_results_stat(const json_t *metric, const char *stat, double *out)
{
	json_t *v;

	if (!strcmp(stat, "ci95_lower") || !strcmp(stat, "ci95_upper")) {
		v = json_object_get(metric, "ci95");
		if (!json_is_array(v) || json_array_size(v) != 2)
			return -ENOENT;
		v = json_array_get(v, stat[5] == 'l' ? 0 : 1);
	} else {
		v = json_object_get(metric, stat);
	}
	if (!json_is_number(v))
		return -ENOENT;
	*out = json_number_value(v);
	return 0;
}
