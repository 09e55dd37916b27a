/*
 * push.h - `traplab push URL`: sends a run's exposition to a Prometheus
 * Pushgateway (PUT URL/metrics/job/traplab/machine/FINGERPRINT, which
 * replaces that group), for runs that are too short-lived to be scraped.
 * http:// and https:// (libcurl, through base/http.h).
 */
#ifndef TL_PUSH_H
#define TL_PUSH_H

#include <stddef.h>

#include "base/util.h"

/*
 * The group URL for base (the Pushgateway's address, any path prefix
 * kept): BASE/metrics/job/JOB/machine/MACHINE, each value escaped as a
 * path segment, or `NAME@base64/...` when it is empty or holds a '/'.
 * *out is owned by the caller. -EINVAL (reason in err) when a value holds
 * a control character.
 */
int tl_push_target(const char *base, const char *job, const char *machine,
		   char **out, struct tl_buf *err);

/*
 * Sends body with method ("PUT" or "POST") to url within timeout_ms.
 * 0 on a complete 2xx reply, else -errno as tl_http_request() says (a
 * status outside 2xx or a reply cut short is -EPROTO), reason in err.
 */
int tl_push_http(const char *method, const char *url, const char *body,
		 size_t len, long timeout_ms, int *status, struct tl_buf *err);

#endif
