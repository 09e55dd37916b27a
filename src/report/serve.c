/*
 * serve.c - /metrics over HTTP with libmicrohttpd.
 *
 * libmicrohttpd runs its own polling thread; the access handler only
 * copies the cached page under a mutex. The page is rebuilt when an input
 * changed (stat mtimes), so a `traplab run` that writes a new latest.json
 * is picked up at the next scrape without a restart. A run that cannot be
 * read at scrape time keeps the last good page and adds
 * traplab_serve_source_ok 0, rather than failing the scrape.
 *
 * Sample session:
 *   $ traplab serve --listen 127.0.0.1:9464 &
 *   traplab: serving results/latest.json on http://127.0.0.1:9464/metrics
 *   $ curl -s 127.0.0.1:9464/metrics | grep op_duration_seconds | head -1
 */
#include "report/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "measure/results.h"
#include "report/expo.h"
#include "base/banned.h"

/* What identifies a version of a file: a rewrite changes one of these. */
struct file_id {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct tl_server {
	struct MHD_Daemon *d;
	int lfd; /* the listening socket, ours */
	const char *run_path, *slo_path, *db_path;
	pthread_mutex_t lock;
	struct tl_buf page;		      /* guarded by lock */
	struct file_id id_run, id_slo, id_db; /* at the last attempt */
	int have_page, tried, source_ok;
	unsigned long long scrapes, reload_errors;
};

int tl_serve_parse_listen(const char *s, void *addr, unsigned *addrlen)
{
	struct sockaddr_storage *ss = addr;
	const char *colon;
	char host[64];
	char *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	colon = strrchr(s, ':');
	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -EINVAL;
	port = strtol(colon + 1, &end, 10);
	if (end == colon + 1 || *end || port < 0 || port > 65535)
		return -EINVAL;
	memcpy(host, s, colon - s);
	host[colon - s] = 0;
	if (host[0] == '[') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		size_t n = strlen(host);

		if (n < 3 || host[n - 1] != ']')
			return -EINVAL;
		host[n - 1] = 0;
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return -EINVAL;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*addrlen = sizeof(*a6);
		return 0;
	}
	{
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

		if (!strcmp(host, "localhost"))
			memcpy(host, "127.0.0.1", 10);
		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			return -EINVAL;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*addrlen = sizeof(*a4);
	}
	return 0;
}

static struct file_id file_id(const char *path)
{
	struct file_id id;
	struct stat st;

	memset(&id, 0, sizeof(id));
	if (!path || stat(path, &st))
		return id;
	id.dev = st.st_dev;
	id.ino = st.st_ino;
	id.size = st.st_size;
	id.mtime = st.st_mtim;
	return id;
}

static int id_eq(const struct file_id *a, const struct file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/*
 * Rebuilds s->page when an input changed since the last attempt, good or
 * bad: an unreadable file is read once per version, not once per scrape,
 * and the last good page is served meanwhile. Called with s->lock held.
 */
static void refresh(struct tl_server *s)
{
	struct file_id r = file_id(s->run_path), l = file_id(s->slo_path);
	struct file_id d = file_id(s->db_path);
	struct tl_buf err = TL_BUF_INIT, page = TL_BUF_INIT;
	struct tl_expo *e;
	json_t *run = NULL;

	if (s->tried && id_eq(&r, &s->id_run) && id_eq(&l, &s->id_slo) &&
	    id_eq(&d, &s->id_db))
		return;
	s->tried = 1;
	s->id_run = r;
	s->id_slo = l;
	s->id_db = d;
	e = tl_expo_new();
	if (tl_results_load(s->run_path, &run, &err) || tl_expo_run(e, run) ||
	    (s->slo_path &&
	     tl_expo_slo_file(e, s->slo_path, run, s->db_path, &err))) {
		fprintf(stderr, "traplab: serve: %s\n",
			err.len ? tl_buf_str(&err) : "cannot expose the run");
		s->source_ok = 0;
		s->reload_errors++;
	} else {
		tl_expo_write(e, &page);
		tl_buf_release(&s->page);
		s->page = page;
		page = (struct tl_buf)TL_BUF_INIT;
		s->have_page = 1;
		s->source_ok = 1;
	}
	tl_buf_release(&page);
	tl_buf_release(&err);
	tl_expo_free(e);
	json_decref(run);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
			     const char *type, const char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)body,
					    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_len, void **con_cls)
{
	static const char text[] = "text/plain; charset=utf-8";
	struct tl_server *s = cls;
	struct tl_buf out = TL_BUF_INIT;
	enum MHD_Result ret;

	(void)version, (void)upload, (void)con_cls;
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		/* Bodies are not read; the connection is closed after. */
		*upload_len = 0;
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, text,
			     "method not allowed\n", 19);
	}
	if (!strcmp(url, "/")) {
		static const char home[] = "traplab: see /metrics\n";

		return reply(c, MHD_HTTP_OK, text, home, sizeof(home) - 1);
	}
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, text, "not found\n", 10);
	pthread_mutex_lock(&s->lock);
	refresh(s);
	tl_buf_append(&out, s->page.s ? s->page.s : "", s->page.len);
	s->scrapes++;
	tl_buf_printf(&out,
		      "# HELP traplab_serve_source_ok 1 when the run file was "
		      "read at the last change, else 0 (the page is then the "
		      "last good one)\n"
		      "# TYPE traplab_serve_source_ok gauge\n"
		      "traplab_serve_source_ok %d\n"
		      "# HELP traplab_serve_scrapes_total Scrapes of /metrics "
		      "since start\n"
		      "# TYPE traplab_serve_scrapes_total counter\n"
		      "traplab_serve_scrapes_total %llu\n"
		      "# HELP traplab_serve_reload_errors_total Versions of "
		      "the inputs that could not be read or exposed\n"
		      "# TYPE traplab_serve_reload_errors_total counter\n"
		      "traplab_serve_reload_errors_total %llu\n",
		      s->source_ok, s->scrapes, s->reload_errors);
	pthread_mutex_unlock(&s->lock);
	ret = reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
		    tl_buf_str(&out), out.len);
	tl_buf_release(&out);
	return ret;
}

/*
 * The listening socket, made here rather than by libmicrohttpd, whose
 * MHD_OPTION_LISTENING_ADDRESS_REUSE sets SO_REUSEPORT as well: with it a
 * second server binds the same port and the kernel shares the traffic.
 * SO_REUSEADDR alone lets a restart bind past TIME_WAIT connections and
 * still refuses a port someone listens on. Returns the fd or -errno.
 */
static int open_listener(const struct sockaddr_storage *addr, unsigned addrlen)
{
	int fd, one = 1, err;

	fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (const struct sockaddr *)addr, addrlen) ||
	    listen(fd, SOMAXCONN)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/*
 * Enough descriptors for TL_SERVE_MAX_CONNS connections: the soft limit
 * is often 1024, the hard one higher.
 */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < TL_SERVE_MAX_CONNS + 64) {
		rl.rlim_cur = rl.rlim_max < TL_SERVE_MAX_CONNS + 64
				      ? rl.rlim_max
				      : TL_SERVE_MAX_CONNS + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

struct tl_server *tl_serve_start(const char *listen, const char *run_path,
				 const char *slo_path, const char *db_path)
{
	struct sockaddr_storage addr;
	struct tl_server *s;
	unsigned addrlen = 0;
	int flags;

	if (tl_serve_parse_listen(listen, &addr, &addrlen)) {
		fprintf(stderr,
			"traplab: bad --listen '%s' (expected "
			"HOST:PORT, e.g. 127.0.0.1:9464)\n",
			listen);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->run_path = run_path;
	s->slo_path = slo_path;
	s->db_path = db_path;
	s->lfd = -1;
	pthread_mutex_init(&s->lock, NULL);
	refresh(s);
	if (!s->have_page)
		goto err_free;
	s->lfd = open_listener(&addr, addrlen);
	if (s->lfd < 0) {
		fprintf(stderr, "traplab: cannot listen on %s: %s\n", listen,
			s->lfd == -EADDRINUSE ? "address in use"
					      : strerror(-s->lfd));
		goto err_free;
	}
	raise_fd_limit();
	/*
	 * epoll: no FD_SETSIZE ceiling. Slow or idle clients are bounded per
	 * address and closed after TL_SERVE_IDLE_S of silence, so they cannot
	 * take every slot from the scrapers.
	 */
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
		MHD_USE_ERROR_LOG;
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->d = MHD_start_daemon(
		flags, 0, NULL, NULL, handle, s, MHD_OPTION_LISTEN_SOCKET,
		s->lfd, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)TL_SERVE_MAX_CONNS,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)TL_SERVE_PER_IP,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)TL_SERVE_IDLE_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
		MHD_OPTION_END);
	if (!s->d) {
		fprintf(stderr, "traplab: cannot serve on %s\n", listen);
		goto err_close;
	}
	return s;

err_close:
	close(s->lfd);
err_free:
	tl_buf_release(&s->page);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return NULL;
}

void tl_serve_stop(struct tl_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	close(s->lfd);
	tl_buf_release(&s->page);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
