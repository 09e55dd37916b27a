/*
 * serve.h - the latest run and its SLO status on /metrics
 * for Prometheus, served by libmicrohttpd.
 *
 * Binds to loopback (127.0.0.1:9464) unless told otherwise. The exposition
 * is rebuilt only when the run file, the SLO file or the history changed
 * (device, inode, size, mtime) since the last attempt, under a mutex, and
 * handed to each request as a copy, so concurrent scrapes never see half
 * a page. Only GET and HEAD of /metrics and / are served; anything else
 * gets 404 or 405. Connections are limited in all and per client address,
 * and time out when idle, so slow or malformed clients cannot hold the
 * server. A port already served is refused ("address in use").
 */
#ifndef TL_SERVE_H
#define TL_SERVE_H

#include <stdint.h>

#include "base/util.h"

#define TL_SERVE_DEFAULT_LISTEN "127.0.0.1:9464"
#define TL_SERVE_MAX_CONNS	1000 /* connections at once */
#define TL_SERVE_PER_IP		64   /* of them from one address */
#define TL_SERVE_IDLE_S		5    /* an idle connection is closed */

/*
 * Parses "HOST:PORT" (IPv4 dotted quad, "localhost", or "[::1]:PORT" for
 * IPv6 loopback) into addr (a struct sockaddr_storage) and *addrlen. 0 or
 * -EINVAL.
 */
int tl_serve_parse_listen(const char *s, void *addr, unsigned *addrlen);

struct tl_server; /* opaque */

/*
 * Reads run_path (and slo_path, db_path when not NULL) and serves their
 * exposition on listen ("HOST:PORT") from libmicrohttpd's own thread.
 * Borrows the paths: they must outlive the server. Returns the server, or
 * NULL after printing why (bad address, unreadable run, address in use).
 * Block the signals the caller waits for before: the server's threads
 * inherit the mask.
 */
struct tl_server *tl_serve_start(const char *listen, const char *run_path,
				 const char *slo_path, const char *db_path);
/* Stops serving, closes the socket and frees s (NULL is fine). */
void tl_serve_stop(struct tl_server *s);

#endif
