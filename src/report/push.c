/*
 * push.c - the exposition to a Pushgateway, as one PUT through libcurl
 * (base/http.h): URL parsing with user:password, TLS, the deadline and
 * the status are the library's.
 *
 * The grouping key goes into the URL path, so a job name or label value
 * is escaped as a path segment, or base64url-encoded (`job@base64/...`)
 * when it is empty or holds a '/' (the Pushgateway's own rule: an
 * escaped '/' would still split the path). A control character in either
 * is refused: it would be a header or request-line injection in a
 * hand-written client, and no Pushgateway stores it usefully.
 *
 * Sample session:
 *   $ traplab push http://127.0.0.1:9091 results/latest.json
 *   traplab: pushed 96 lines to http://127.0.0.1:9091/metrics/job/traplab/
 *   machine/9c1e5d0b7a3f4e21 (HTTP 200)
 */
#include "report/push.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/http.h"
#include "base/banned.h"

static int append_key(struct tl_buf *b, const char *name, const char *value)
{
	const char *p;

	for (p = value; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -EINVAL;
	if (!*value || strchr(value, '/')) {
		tl_buf_printf(b, "/%s@base64/", name);
		if (*value)
			tl_http_base64url(b, value, strlen(value));
		else
			tl_buf_puts(b, "=");
		return 0;
	}
	tl_buf_printf(b, "/%s/", name);
	return tl_http_escape_segment(b, value);
}

int tl_push_target(const char *base, const char *job, const char *machine,
		   char **out, struct tl_buf *err)
{
	struct tl_buf b = TL_BUF_INIT;
	size_t n = strlen(base);

	*out = NULL;
	tl_buf_append(&b, base, n && base[n - 1] == '/' ? n - 1 : n);
	tl_buf_puts(&b, "/metrics");
	if (append_key(&b, "job", job)) {
		tl_buf_printf(err, "job name holds a control character");
		goto err;
	}
	if (append_key(&b, "machine", machine)) {
		tl_buf_printf(err, "machine label holds a control character");
		goto err;
	}
	*out = xstrdup(tl_buf_str(&b));
	tl_buf_release(&b);
	return 0;
err:
	tl_buf_release(&b);
	return -EINVAL;
}

int tl_push_http(const char *method, const char *url, const char *body,
		 size_t len, long timeout_ms, int *status, struct tl_buf *err)
{
	struct tl_http_req req = {
		.method = method,
		.url = url,
		.content_type = "text/plain; version=0.0.4; charset=utf-8",
		.body = body,
		.len = len,
		.timeout_ms = timeout_ms,
	};
	struct tl_buf resp = TL_BUF_INIT;
	int rc = tl_http_request(&req, status, &resp, err);

	tl_buf_release(&resp);
	return rc;
}
