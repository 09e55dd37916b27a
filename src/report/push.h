/*
 * push.h - `traplab push URL`: sends a run's exposition to a Prometheus
 * Pushgateway (PUT URL/metrics/job/traplab/machine/FINGERPRINT, which
 * replaces that group), for runs that are too short-lived to be scraped.
 *
 * Plain http:// only: the Pushgateway sits beside CI on a private network;
 * TLS would need a client library the project does not otherwise use.
 */
#ifndef TL_PUSH_H
#define TL_PUSH_H

#include <stddef.h>

#include "base/util.h"

/*
 * Sends body with method ("PUT" or "POST") to url (http://HOST[:PORT]/PATH)
 * and reads the status. 0 on a 2xx status; -EINVAL for a URL that is not
 * http://; -errno for a network failure; -EPROTO for any other status (the
 * status line and body start go to err). Timeouts: 10 s per send/receive.
 */
int tl_push_http(const char *method, const char *url, const char *body,
		 size_t len, int *status, struct tl_buf *err);

/*
 * traplab push [--job NAME] [--slo FILE] URL [RUN.json]
 * Exit 0 when the Pushgateway accepted the run, 2 otherwise.
 */
int cmd_push(int argc, char **argv);

#endif
