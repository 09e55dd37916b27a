/*
 * serve.h - `traplab serve`: the latest run and its SLO status on /metrics
 * for Prometheus, served by libmicrohttpd.
 *
 * Binds to loopback (127.0.0.1:9464) unless told otherwise. The exposition
 * is rebuilt only when the run file, the SLO file or the history changed
 * (their mtimes), under a mutex, and handed to each request as a copy, so
 * concurrent scrapes never see half a page. Only GET and HEAD of /metrics
 * and / are served; anything else gets 404 or 405. Connections are
 * limited (64) and time out (10 s), so a slow or malformed client cannot
 * hold the server.
 */
#ifndef TL_SERVE_H
#define TL_SERVE_H

#include <stdint.h>

#include "base/util.h"

#define TL_SERVE_DEFAULT_LISTEN "127.0.0.1:9464"

/*
 * Parses "HOST:PORT" (IPv4 dotted quad, "localhost", or "[::1]:PORT" for
 * IPv6 loopback) into addr (a struct sockaddr_storage) and *addrlen. 0 or
 * -EINVAL.
 */
int tl_serve_parse_listen(const char *s, void *addr, unsigned *addrlen);

/*
 * traplab serve [--listen HOST:PORT] [--slo FILE] [--db FILE] [RUN.json]
 * Serves until SIGINT or SIGTERM. Exit 0 after a signal, 2 on error
 * (cannot bind, unreadable run at start-up).
 */
int cmd_serve(int argc, char **argv);

#endif
