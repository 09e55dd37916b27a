/*
 * http.c - one HTTP request through libcurl's easy interface.
 *
 * libcurl rather than a hand-written client: user:password in the URL,
 * IPv6 literals, TLS with certificate checks, chunked replies, proxies
 * from the environment and a deadline over the whole request are its
 * job, and it tells a reply cut short (CURLE_PARTIAL_FILE) from a
 * complete one. Redirects are not followed: a Pushgateway or Prometheus
 * that answers 3xx is misconfigured, and a PUT must not be replayed
 * elsewhere. Only http and https are allowed, for redirects too.
 */
#include "base/http.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct sink {
	struct tl_buf *resp;
	size_t kept, max;
	int overflow;
};

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n;

	if (s->kept + len > s->max) {
		s->overflow = 1;
		return 0; /* libcurl stops with CURLE_WRITE_ERROR */
	}
	s->kept += len;
	if (s->resp)
		tl_buf_append(s->resp, p, len);
	return len;
}

static int map_curl(CURLcode c, const struct sink *s)
{
	switch (c) {
	case CURLE_OK:
		return 0;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return -EINVAL;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return -EHOSTUNREACH;
	case CURLE_COULDNT_CONNECT:
		return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_WEIRD_SERVER_REPLY:
		return -EPROTO;
	case CURLE_WRITE_ERROR:
		return s->overflow ? -EFBIG : -EIO;
	default:
		return -EIO;
	}
}

static void set_options(CURL *h, const struct tl_http_req *req,
			struct curl_slist *hdrs, struct sink *s, char *errbuf)
{
	long timeout = req->timeout_ms > 0 ? req->timeout_ms : 10000;
	long ct = req->connect_timeout_ms > 0
			  ? req->connect_timeout_ms
			  : (timeout < 5000 ? timeout : 5000);

	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ct);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "traplab");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	if (hdrs)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (req->body || req->len) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)req->len);
	}
	if (req->method && strcmp(req->method, "GET") &&
	    !(req->body && !strcmp(req->method, "POST")))
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
}

int tl_http_request(const struct tl_http_req *req, int *status,
		    struct tl_buf *resp, struct tl_buf *err)
{
	struct sink s = {resp, 0, req->max_resp ? req->max_resp : 1 << 20, 0};
	char errbuf[CURL_ERROR_SIZE] = "", *shown = tl_http_redact(req->url);
	struct curl_slist *hdrs = NULL;
	struct tl_buf ct = TL_BUF_INIT;
	const char *method = req->method ? req->method : "GET";
	long code = 0;
	CURLcode c;
	CURL *h;
	int rc;

	*status = 0;
	pthread_once(&curl_once, curl_init);
	h = curl_init_rc == CURLE_OK ? curl_easy_init() : NULL;
	if (!h) {
		tl_buf_printf(err, "%s %s: libcurl failed to start", method,
			      shown);
		rc = -EIO;
		goto out;
	}
	if (req->content_type) {
		tl_buf_printf(&ct, "Content-Type: %s", req->content_type);
		hdrs = curl_slist_append(hdrs, ct.s);
	}
	hdrs = curl_slist_append(hdrs, "Expect:"); /* no 100-continue wait */
	set_options(h, req, hdrs, &s, errbuf);
	c = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	*status = (int)code;
	rc = map_curl(c, &s);
	if (rc == -EFBIG)
		tl_buf_printf(err, "%s %s: reply longer than %zu bytes", method,
			      shown, s.max);
	else if (rc == -EPROTO && code)
		tl_buf_printf(err, "%s %s: HTTP %ld, reply cut short: %s",
			      method, shown, code,
			      *errbuf ? errbuf : curl_easy_strerror(c));
	else if (rc)
		tl_buf_printf(err, "%s %s: %s", method, shown,
			      *errbuf ? errbuf : curl_easy_strerror(c));
	else if (code < 200 || code > 299) {
		tl_buf_printf(err, "%s %s: HTTP %ld", method, shown, code);
		if (resp && resp->len)
			tl_buf_printf(err, ": %.300s", tl_buf_str(resp));
		rc = -EPROTO;
	}
	curl_easy_cleanup(h);
out:
	curl_slist_free_all(hdrs);
	tl_buf_release(&ct);
	free(shown);
	return rc;
}

static int unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

int tl_http_escape_segment(struct tl_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return -EINVAL;
	for (p = (const unsigned char *)s; *p; p++) {
		char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};

		if (unreserved(*p))
			tl_buf_append(out, p, 1);
		else
			tl_buf_append(out, e, 3);
	}
	return 0;
}

void tl_http_base64url(struct tl_buf *out, const void *p, size_t n)
{
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
		"vwxyz0123456789-_";
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		char q[4] = {a[b[i] >> 2], a[(b[i] & 3) << 4 | b[i + 1] >> 4],
			     a[(b[i + 1] & 15) << 2 | b[i + 2] >> 6],
			     a[b[i + 2] & 63]};

		tl_buf_append(out, q, 4);
	}
	if (n - i == 1) {
		char q[4] = {a[b[i] >> 2], a[(b[i] & 3) << 4], '=', '='};

		tl_buf_append(out, q, 4);
	} else if (n - i == 2) {
		char q[4] = {a[b[i] >> 2], a[(b[i] & 3) << 4 | b[i + 1] >> 4],
			     a[(b[i + 1] & 15) << 2], '='};

		tl_buf_append(out, q, 4);
	}
}

char *tl_http_redact(const char *url)
{
	const char *host = strstr(url, "://"), *at, *end;

	if (!host)
		return xstrdup(url);
	host += 3;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (!at)
		return xstrdup(url);
	return xasprintf("%.*s***%s", (int)(host - url), url, at);
}
