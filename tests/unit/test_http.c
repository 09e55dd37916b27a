/*
 * test_http.c - the libcurl client against a loopback server of canned
 * replies: a reply cut short, an error status, a server that never
 * answers (the deadline), user:password from the URL; and the path
 * escaping of Pushgateway grouping keys.
 */
#include "base/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "report/push.h"
#include "tl_test.h"

struct canned {
	int lfd;
	const char *reply; /* NULL: read the request, never answer */
	char request[4096];
};

static void *serve_once(void *arg)
{
	struct canned *c = arg;
	int fd = accept(c->lfd, NULL, NULL);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = recv(fd, c->request, sizeof(c->request) - 1, 0);
	c->request[n > 0 ? n : 0] = '\0';
	if (c->reply)
		send(fd, c->reply, strlen(c->reply), MSG_NOSIGNAL);
	else
		usleep(1500 * 1000);
	close(fd);
	return NULL;
}

/* Listens on 127.0.0.1 at a port the kernel picks; returns it. */
static int listen_any(struct canned *c)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->lfd < 0 || bind(c->lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(c->lfd, 1) ||
	    getsockname(c->lfd, (struct sockaddr *)&a, &len))
		return -1;
	return ntohs(a.sin_port);
}

static int put(const char *reply, const char *userinfo, long timeout_ms,
	       int *status, struct tl_buf *err, char *request)
{
	struct canned c = {.reply = reply};
	struct tl_buf resp = TL_BUF_INIT;
	struct tl_http_req req = {.method = "PUT",
				  .content_type = "text/plain",
				  .body = "x 1\n",
				  .len = 4,
				  .timeout_ms = timeout_ms};
	pthread_t t;
	char url[128];
	int port = listen_any(&c), rc;

	if (port < 0)
		return -999;
	snprintf(url, sizeof(url), "http://%s127.0.0.1:%d/metrics/job/x",
		 userinfo, port);
	req.url = url;
	pthread_create(&t, NULL, serve_once, &c);
	rc = tl_http_request(&req, status, &resp, err);
	pthread_join(t, NULL);
	close(c.lfd);
	if (request)
		memcpy(request, c.request, sizeof(c.request));
	tl_buf_release(&resp);
	return rc;
}

TL_TEST(complete_200_is_success_and_credentials_come_from_the_url)
{
	struct tl_buf err = TL_BUF_INIT;
	char request[4096];
	int status, rc;

	rc = put("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		 "me:s3cr%40t@", 5000, &status, &err, request);
	TL_CHECK_INT(rc, 0);
	TL_CHECK_INT(status, 200);
	TL_CHECK(strstr(request, "PUT /metrics/job/x HTTP/1.1") != NULL);
	/* base64("me:s3cr@t") */
	TL_CHECK(strstr(request, "Authorization: Basic bWU6czNjckB0") != NULL);
	TL_CHECK(strstr(request, "Content-Type: text/plain") != NULL);
	tl_buf_release(&err);
}

TL_TEST(truncated_200_is_a_failure)
{
	struct tl_buf err = TL_BUF_INIT;
	int status, rc;

	rc = put("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", "",
		 5000, &status, &err, NULL);
	TL_CHECK_INT(rc, -EPROTO);
	TL_CHECK(strstr(tl_buf_str(&err), "cut short") != NULL);
	tl_buf_release(&err);
}

TL_TEST(error_status_is_a_failure_with_the_body)
{
	struct tl_buf err = TL_BUF_INIT;
	int status, rc;

	rc = put("HTTP/1.1 400 Bad Request\r\nContent-Length: 9\r\n\r\nbad "
		 "label",
		 "u:pw@", 5000, &status, &err, NULL);
	TL_CHECK_INT(rc, -EPROTO);
	TL_CHECK_INT(status, 400);
	TL_CHECK(strstr(tl_buf_str(&err), "HTTP 400: bad label") != NULL);
	TL_CHECK(strstr(tl_buf_str(&err), "pw") == NULL);
	tl_buf_release(&err);
}

TL_TEST(silent_server_hits_the_deadline)
{
	struct tl_buf err = TL_BUF_INIT;
	int status, rc;

	rc = put(NULL, "", 300, &status, &err, NULL);
	TL_CHECK_INT(rc, -ETIMEDOUT);
	TL_CHECK_INT(status, 0);
	tl_buf_release(&err);
}

TL_TEST(other_schemes_are_refused)
{
	struct tl_buf err = TL_BUF_INIT;
	struct tl_http_req req = {.url = "file:///etc/passwd"};
	int status;

	TL_CHECK_INT(tl_http_request(&req, &status, NULL, &err), -EINVAL);
	tl_buf_release(&err);
}

TL_TEST(escape_and_base64url)
{
	struct tl_buf b = TL_BUF_INIT;

	TL_CHECK_INT(tl_http_escape_segment(&b, "a b/c?%~_.-Z9"), 0);
	TL_CHECK_STR(tl_buf_str(&b), "a%20b%2Fc%3F%25~_.-Z9");
	tl_buf_release(&b);
	TL_CHECK_INT(tl_http_escape_segment(&b, "x\r\nHost: evil"), -EINVAL);
	TL_CHECK_STR(tl_buf_str(&b), "");
	tl_http_base64url(&b, "/var/tmp", 8);
	TL_CHECK_STR(tl_buf_str(&b), "L3Zhci90bXA=");
	tl_buf_release(&b);
	tl_http_base64url(&b, "\xfb\xff", 2);
	TL_CHECK_STR(tl_buf_str(&b), "-_8=");
	tl_buf_release(&b);
}

TL_TEST(redact_hides_userinfo)
{
	char *r = tl_http_redact("https://u:p@h:9/x@y");

	TL_CHECK_STR(r, "https://***@h:9/x@y");
	free(r);
	r = tl_http_redact("http://h/a@b");
	TL_CHECK_STR(r, "http://h/a@b");
	free(r);
}

TL_TEST(push_target_escapes_the_grouping_key)
{
	struct tl_buf err = TL_BUF_INIT;
	char *t;

	TL_CHECK_INT(
		tl_push_target("http://g:9091/", "ci job", "ab12", &t, &err),
		0);
	TL_CHECK_STR(t, "http://g:9091/metrics/job/ci%20job/machine/ab12");
	free(t);
	TL_CHECK_INT(tl_push_target("http://g/p", "a/b", "", &t, &err), 0);
	TL_CHECK_STR(t, "http://g/p/metrics/job@base64/YS9i/machine@base64/=");
	free(t);
	TL_CHECK_INT(tl_push_target("http://g", "x\nX-Evil: 1", "m", &t, &err),
		     -EINVAL);
	TL_CHECK(t == NULL);
	TL_CHECK(strstr(tl_buf_str(&err), "control character") != NULL);
	tl_buf_release(&err);
}

TL_TEST_MAIN()
