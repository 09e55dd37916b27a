/*
 * http.h - one HTTP request through libcurl: what push (to a
 * Pushgateway) and the SLO side (queries to Prometheus) share.
 *
 * URL parsing (user:password@host, IPv6 literals, ports), TLS and
 * certificate checks, redirects, timeouts and the reading of the status
 * and body are libcurl's; this module only maps its results onto the
 * project's error convention and refuses what a CI gate must not accept
 * (a status outside 2xx, a body shorter than its Content-Length).
 */
#ifndef TL_HTTP_H
#define TL_HTTP_H

#include <stddef.h>

#include "base/util.h"

struct tl_http_req {
	const char *method;	  /* "GET", "PUT", "POST", "DELETE" */
	const char *url;	  /* http:// or https:// only */
	const char *content_type; /* of body; NULL sends none */
	const void *body;	  /* borrowed; NULL with len 0 for none */
	size_t len;
	long timeout_ms;	 /* whole request deadline; <= 0: 10000 */
	long connect_timeout_ms; /* <= 0: min(timeout, 5000) */
	size_t max_resp;	 /* bytes kept of the reply; 0: 1 MiB */
};

/*
 * Sends req and reads the reply. *status gets the HTTP status (0 when no
 * reply came); resp, when not NULL, gets the body (appended).
 * Returns 0 for a complete 2xx reply, else -errno with the reason in err
 * (one line, without the "traplab: " prefix; the URL's password never
 * appears in it):
 *   -EINVAL      malformed URL, or a scheme other than http/https
 *   -ECONNREFUSED, -EHOSTUNREACH  nobody listens / the name does not resolve
 *   -ETIMEDOUT   the deadline passed
 *   -EPROTO      a status outside 2xx, or a reply cut short (a 200 whose
 *                body is shorter than its Content-Length is a failure)
 *   -EFBIG       the reply is longer than max_resp
 *   -EIO         TLS and other transfer failures
 * Thread-safe (one easy handle per call; libcurl is initialised once).
 */
int tl_http_request(const struct tl_http_req *req, int *status,
		    struct tl_buf *resp, struct tl_buf *err);

/*
 * Appends s to out percent-encoded as one URL path segment (RFC 3986:
 * every byte outside the unreserved set is %XX). Returns -EINVAL, and
 * appends nothing, when s holds a control character (< 0x20 or 0x7f):
 * such a name is refused, not smuggled into a request.
 */
int tl_http_escape_segment(struct tl_buf *out, const char *s);

/*
 * Appends the base64url encoding (RFC 4648 section 5, with padding) of
 * the n bytes at p.
 */
void tl_http_base64url(struct tl_buf *out, const void *p, size_t n);

/* The URL with any user:password@ replaced by "***@" (for messages). */
char *tl_http_redact(const char *url);

#endif
