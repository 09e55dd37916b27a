/*
 * promql.c - instant PromQL queries (promql.h) over libcurl, answers
 * parsed with jansson.
 */
#include "measure/promql.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/http.h"
#include "base/banned.h"

void tl_promql_init(struct tl_promql *p, const char *url)
{
	size_t n = strlen(url);

	while (n && url[n - 1] == '/')
		n--;
	p->url = xstrndup(url, n);
	p->timeout_ms = 10000;
	p->at = 0;
}

void tl_promql_release(struct tl_promql *p)
{
	FREE_AND_NULL(p->url);
}

/* The value of a [ts, "v"] pair. */
static int sample_value(json_t *pair, double *value)
{
	const char *s = json_string_value(json_array_get(pair, 1));
	char *end;

	if (!s)
		return -EPROTO;
	*value = strtod(s, &end);
	if (end == s)
		return -EPROTO;
	return isnan(*value) ? -ENODATA : 0;
}

/*
 * Runs query; *root gets the answer (new reference) and *data its "data"
 * member. 0, or -errno with err.
 */
static int fetch(struct tl_promql *p, const char *query, json_t **root,
		 json_t **data, struct tl_buf *err)
{
	struct tl_http_req req = {0};
	struct tl_buf url = TL_BUF_INIT, resp = TL_BUF_INIT;
	const char *status;
	char *flat, *c;
	int code, rc;

	*root = NULL;
	/*
	 * Newlines (our templates are laid out on lines) are blanks to
	 * PromQL; the escaper refuses control characters.
	 */
	flat = xstrdup(query);
	for (c = flat; *c; c++)
		if (*c == '\n' || *c == '\t' || *c == '\r')
			*c = ' ';
	tl_buf_printf(&url, "%s/api/v1/query?query=", p->url);
	if (tl_http_escape_segment(&url, flat)) {
		tl_buf_printf(err, "a control character in the query");
		rc = -EINVAL;
		goto out;
	}
	if (p->at > 0)
		tl_buf_printf(&url, "&time=%.3f", p->at);
	req.method = "GET";
	req.url = tl_buf_str(&url);
	req.timeout_ms = p->timeout_ms;
	req.max_resp = 16u << 20;
	rc = tl_http_request(&req, &code, &resp, err);
	if (rc && rc != -EPROTO)
		goto out;
	*root = json_loads(tl_buf_str(&resp), 0, NULL);
	status = json_string_value(json_object_get(*root, "status"));
	if (!status || strcmp(status, "success")) {
		const char *e =
			json_string_value(json_object_get(*root, "error"));

		err->len = 0;
		tl_buf_printf(err, "Prometheus at %s refused the query: %s",
			      p->url, e ? e : "no JSON answer");
		rc = -EPROTO;
		goto out;
	}
	rc = 0;
	*data = json_object_get(*root, "data");
out:
	if (rc) {
		json_decref(*root);
		*root = NULL;
	}
	free(flat);
	tl_buf_release(&resp);
	tl_buf_release(&url);
	return rc;
}

int tl_promql_scalar(struct tl_promql *p, const char *query, double *value,
		     struct tl_buf *err)
{
	json_t *root, *data, *res;
	const char *type;
	int rc;

	rc = fetch(p, query, &root, &data, err);
	if (rc)
		return rc;
	type = json_string_value(json_object_get(data, "resultType"));
	res = json_object_get(data, "result");
	if (type && !strcmp(type, "scalar"))
		rc = sample_value(res, value);
	else if (type && !strcmp(type, "vector") && json_array_size(res))
		rc = sample_value(
			json_object_get(json_array_get(res, 0), "value"),
			value);
	else
		rc = -ENODATA;
	if (rc == -EPROTO)
		tl_buf_printf(err, "Prometheus at %s: malformed answer",
			      p->url);
	json_decref(root);
	return rc;
}

int tl_promql_label_values(struct tl_promql *p, const char *query,
			   const char *label, struct tl_strv *out,
			   struct tl_buf *err)
{
	json_t *root, *data, *s;
	size_t i;
	int rc;

	rc = fetch(p, query, &root, &data, err);
	if (rc)
		return rc;
	json_array_foreach(json_object_get(data, "result"), i, s)
	{
		const char *v = json_string_value(
			json_object_get(json_object_get(s, "metric"), label));

		if (v)
			tl_strv_push(out, v);
	}
	json_decref(root);
	return 0;
}

int tl_promql_labels_fn(void *ctx, const char *query, const char *label,
			struct tl_strv *out, struct tl_buf *err)
{
	return tl_promql_label_values(ctx, query, label, out, err);
}

int tl_promql_fn(void *ctx, const char *query, double *value,
		 struct tl_buf *err)
{
	return tl_promql_scalar(ctx, query, value, err);
}
