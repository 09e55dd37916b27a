/*
 * push.c - an HTTP/1.1 PUT of the exposition to a Pushgateway.
 *
 * A hand-written request over a socket rather than libcurl: one request,
 * Content-Length known, Connection: close, so the whole client is a
 * connect, a write loop and a status-line parse.
 *
 * Sample session:
 *   $ traplab push http://127.0.0.1:9091 results/latest.json
 *   traplab: pushed 96 lines to http://127.0.0.1:9091/metrics/job/traplab/
 *   machine/9c1e5d0b7a3f4e21 (HTTP 200)
 */
#include "report/push.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "store/history.h"
#include "report/metrics.h"
#include "analyze/slo.h"
#include "base/banned.h"

static int connect_to(const char *host, const char *port, int *fd_out)
{
	struct addrinfo hints = {0}, *res, *ai;
	struct timeval tv = {10, 0};
	int fd = -1, rc;

	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc)
		return -EHOSTUNREACH;
	rc = -ECONNREFUSED;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			rc = -errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			rc = 0;
			break;
		}
		rc = -errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	*fd_out = fd;
	return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int tl_push_http(const char *method, const char *url, const char *body,
		 size_t len, int *status, struct tl_buf *err)
{
	struct tl_buf req = TL_BUF_INIT, resp = TL_BUF_INIT;
	const char *hp, *slash, *colon;
	char *host, *port, buf[4096];
	int fd, rc;
	ssize_t r;

	*status = 0;
	if (strncmp(url, "http://", 7)) {
		tl_buf_printf(err, "'%s': only http:// URLs are supported",
			      url);
		return -EINVAL;
	}
	hp = url + 7;
	slash = strchr(hp, '/');
	if (!slash)
		slash = hp + strlen(hp);
	colon = memchr(hp, ':', slash - hp);
	host = xstrndup(hp, (colon ? colon : slash) - hp);
	port = colon ? xstrndup(colon + 1, slash - colon - 1) : xstrdup("80");
	if (!*host) {
		tl_buf_printf(err, "'%s': no host", url);
		rc = -EINVAL;
		goto out;
	}
	rc = connect_to(host, port, &fd);
	if (rc) {
		tl_buf_printf(err, "cannot connect to %s:%s: %s", host, port,
			      strerror(-rc));
		goto out;
	}
	tl_buf_printf(&req,
		      "%s %s HTTP/1.1\r\nHost: %.*s\r\n"
		      "Content-Type: text/plain; version=0.0.4; "
		      "charset=utf-8\r\n"
		      "Content-Length: %zu\r\nConnection: close\r\n"
		      "User-Agent: traplab\r\n\r\n",
		      method, *slash ? slash : "/", (int)(slash - hp), hp, len);
	rc = write_all(fd, req.s, req.len);
	if (!rc)
		rc = write_all(fd, body, len);
	while (!rc && resp.len < 65536) {
		r = recv(fd, buf, sizeof(buf), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			rc = -errno;
		if (r <= 0)
			break;
		tl_buf_append(&resp, buf, (size_t)r);
	}
	close(fd);
	if (rc) {
		tl_buf_printf(err, "%s %s: %s", method, url, strerror(-rc));
		goto out;
	}
	if (sscanf(tl_buf_str(&resp), "HTTP/%*d.%*d %d", status) != 1) {
		tl_buf_printf(err, "%s %s: no HTTP status in the reply", method,
			      url);
		rc = -EPROTO;
	} else if (*status < 200 || *status > 299) {
		const char *b = strstr(tl_buf_str(&resp), "\r\n\r\n");

		tl_buf_printf(err, "%s %s: HTTP %d: %.300s", method, url,
			      *status, b ? b + 4 : "");
		rc = -EPROTO;
	}
out:
	free(host);
	free(port);
	tl_buf_release(&req);
	tl_buf_release(&resp);
	return rc;
}

int cmd_push(int argc, char **argv)
{
	const char *url = NULL, *path = "results/latest.json", *job = "traplab";
	const char *slo_path = NULL, *db = TL_HISTORY_DEFAULT_DB, *fp;
	struct tl_buf err = TL_BUF_INIT, body = TL_BUF_INIT;
	struct tl_expo *e = NULL;
	json_t *run = NULL;
	char *target = NULL;
	int i, rc = 2, status, npos = 0;
	size_t lines = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--job") && i + 1 < argc)
			job = argv[++i];
		else if (!strcmp(argv[i], "--slo") && i + 1 < argc)
			slo_path = argv[++i];
		else if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (argv[i][0] != '-' && npos == 0 && ++npos)
			url = argv[i];
		else if (argv[i][0] != '-' && npos == 1 && ++npos)
			path = argv[i];
		else
			url = NULL, i = argc;
	}
	if (!url) {
		fprintf(stderr, "usage: traplab push [--job NAME] [--slo FILE] "
				"URL [RUN.json]\n");
		return 2;
	}
	if (tl_metrics_load(path, &run, &err))
		goto out;
	e = tl_expo_new();
	if (tl_metrics_expose_run(e, run) ||
	    (slo_path && tl_slo_expose_file(e, slo_path, run, db, &err))) {
		if (!err.len)
			tl_buf_printf(&err, "'%s': cannot expose the run",
				      path);
		goto out;
	}
	tl_expo_write(e, &body);
	fp = json_string_value(
		json_object_get(json_object_get(run, "env"), "fingerprint"));
	target = xasprintf("%s%smetrics/job/%s/machine/%s", url,
			   url[strlen(url) - 1] == '/' ? "" : "/", job,
			   fp ? fp : "unknown");
	if (tl_push_http("PUT", target, body.s, body.len, &status, &err))
		goto out;
	for (i = 0; i < (int)body.len; i++)
		lines += body.s[i] == '\n';
	fprintf(stderr, "traplab: pushed %zu lines to %s (HTTP %d)\n", lines,
		target, status);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "traplab: %s\n", tl_buf_str(&err));
	free(target);
	tl_expo_free(e);
	json_decref(run);
	tl_buf_release(&body);
	tl_buf_release(&err);
	return rc;
}
