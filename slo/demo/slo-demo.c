/*
 * slo-demo.c - a small HTTP service to hold to an SLO: it answers GET /api
 * with knobs for added latency, error rate and CPU burn, and exposes its
 * request histogram in the OpenMetrics format on /metrics, so the
 * article's loop (Prometheus scrapes it, traplab checks it, chaos hurts
 * it, tune adjusts the thresholds) can run end to end on one machine.
 *
 *   slo-demo --listen 127.0.0.1:PORT [--latency-ms N] [--error-rate F]
 *            [--cpu-ms N] [--load RPS] [--max-seconds S]
 *
 *   GET /api        the service: sleeps latency-ms (+-10%), burns cpu-ms of
 *                   CPU, answers 500 with probability error-rate, else 200
 *   GET /metrics    http_request_duration_seconds{code} histogram (buckets
 *                   up to 2.5 s, one at 0.15 s: the article's 150 ms),
 *                   process_cpu_seconds_total, the knobs as gauges
 *   GET /knobs?latency_ms=N&error_rate=F&cpu_ms=N   changes the knobs
 *                   at run time (any subset), answers the current ones
 *
 * --load RPS drives the service itself at RPS requests a second over
 * loopback (--load-target HOST:PORT points it elsewhere, e.g. through a
 * delaying proxy), from 16 client threads, each paced open-loop so a slow
 * answer delays only its own thread. --max-seconds ends the process (a
 * test's safety net). Not part of traplab's harness: it includes nothing
 * from src/.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NBUCKETS 12
#define NLOADERS 16

static const double bucket_le[NBUCKETS] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, INFINITY};
static const char *const bucket_txt[NBUCKETS] = {
	"0.005", "0.01", "0.025", "0.05", "0.1", "0.15",
	"0.25",	 "0.5",	 "1.0",	  "2.5",  "5.0", "+Inf"};

/* One histogram per status code class we answer (200, 500). */
struct hist {
	atomic_ullong bucket[NBUCKETS]; /* cumulative at exposition */
	atomic_ullong count;
	atomic_ullong sum_us; /* microseconds */
};

static struct hist h200, h500;
/* Knobs: relaxed atomics; a request reads each once. */
static atomic_uint knob_latency_us, knob_cpu_us;
static atomic_uint knob_error_ppm; /* errors per million requests */
static atomic_int stop;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Where the CPU burn's work goes, so the compiler keeps it. */
static volatile unsigned long burn_sink;

static void burn_cpu(double s)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	do {
		for (int i = 0; i < 10000; i++)
			burn_sink += (unsigned long)i * 2654435761u;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) +
			 (double)(t.tv_nsec - t0.tv_nsec) / 1e9 <
		 s);
}

static void observe(struct hist *h, double s)
{
	int i;

	for (i = 0; i < NBUCKETS && s > bucket_le[i]; i++)
		;
	atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_us, (unsigned long long)(s * 1e6),
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
}

static void expose_hist(FILE *f, const char *code, struct hist *h)
{
	unsigned long long cum = 0;
	int i;

	for (i = 0; i < NBUCKETS; i++) {
		cum += atomic_load_explicit(&h->bucket[i],
					    memory_order_relaxed);
		fprintf(f,
			"http_request_duration_seconds_bucket{code=\"%s\","
			"le=\"%s\"} %llu\n",
			code, bucket_txt[i], cum);
	}
	/* _count equals the +Inf bucket: read once, print the same. */
	fprintf(f, "http_request_duration_seconds_count{code=\"%s\"} %llu\n",
		code, cum);
	fprintf(f, "http_request_duration_seconds_sum{code=\"%s\"} %.6f\n",
		code,
		(double)atomic_load_explicit(&h->sum_us, memory_order_relaxed) /
			1e6);
}

static char *metrics_text(size_t *len)
{
	struct rusage ru;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	getrusage(RUSAGE_SELF, &ru);
	fputs("# TYPE http_request_duration_seconds histogram\n"
	      "# UNIT http_request_duration_seconds seconds\n"
	      "# HELP http_request_duration_seconds Time to answer /api.\n",
	      f);
	expose_hist(f, "200", &h200);
	expose_hist(f, "500", &h500);
	fprintf(f,
		"# TYPE process_cpu_seconds counter\n"
		"# UNIT process_cpu_seconds seconds\n"
		"process_cpu_seconds_total %.6f\n",
		(double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
			(double)ru.ru_stime.tv_sec +
			(double)ru.ru_stime.tv_usec / 1e6);
	fprintf(f,
		"# TYPE slo_demo_knob_latency_seconds gauge\n"
		"slo_demo_knob_latency_seconds %.6f\n"
		"# TYPE slo_demo_knob_error_ratio gauge\n"
		"slo_demo_knob_error_ratio %.6f\n"
		"# TYPE slo_demo_knob_cpu_seconds gauge\n"
		"slo_demo_knob_cpu_seconds %.6f\n"
		"# EOF\n",
		atomic_load(&knob_latency_us) / 1e6,
		atomic_load(&knob_error_ppm) / 1e6,
		atomic_load(&knob_cpu_us) / 1e6);
	fclose(f);
	return buf;
}

static int reply(struct MHD_Connection *c, unsigned int status, char *body,
		 size_t len, const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		len, body, MHD_RESPMEM_MUST_FREE);
	int rc;

	MHD_add_response_header(r, "Content-Type", type);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static char *knobs_text(size_t *len)
{
	char *s = NULL;
	int n = asprintf(&s, "latency_ms=%.3f error_rate=%.6f cpu_ms=%.3f\n",
			 atomic_load(&knob_latency_us) / 1e3,
			 atomic_load(&knob_error_ppm) / 1e6,
			 atomic_load(&knob_cpu_us) / 1e3);

	*len = n > 0 ? (size_t)n : 0;
	return s;
}

/* Sets a knob from a query argument; 0, or -1 for a bad value. */
static int set_knob(struct MHD_Connection *c, const char *key,
		    atomic_uint *knob, double scale, double max)
{
	const char *v =
		MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
	char *end;
	double d;

	if (!v)
		return 0;
	d = strtod(v, &end);
	if (end == v || *end || !(d >= 0) || d > max)
		return -1;
	atomic_store(knob, (unsigned)llround(d * scale));
	return 0;
}

static unsigned rand_ppm(void)
{
	static _Thread_local unsigned long long s;

	if (!s)
		s = (unsigned long long)pthread_self() ^ 0x9e3779b97f4a7c15ULL;
	s = s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((s >> 33) % 1000000);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *data,
			      size_t *data_len, void **state)
{
	size_t len;
	char *body;

	(void)cls;
	(void)version;
	(void)data;
	(void)data_len;
	if (!*state) { /* the first call only sees the headers */
		*state = (void *)1;
		return MHD_YES;
	}
	if (strcmp(method, "GET") && strcmp(method, "POST"))
		return reply(c, 405, strdup("method\n"), 7, "text/plain");
	if (!strcmp(url, "/metrics")) {
		body = metrics_text(&len);
		return reply(c, 200, body, len,
			     "application/openmetrics-text; version=1.0.0; "
			     "charset=utf-8");
	}
	if (!strcmp(url, "/knobs")) {
		if (set_knob(c, "latency_ms", &knob_latency_us, 1e3, 60e3) ||
		    set_knob(c, "cpu_ms", &knob_cpu_us, 1e3, 10e3) ||
		    set_knob(c, "error_rate", &knob_error_ppm, 1e6, 1))
			return reply(c, 400, strdup("bad knob value\n"), 15,
				     "text/plain");
		body = knobs_text(&len);
		return reply(c, 200, body, len, "text/plain");
	}
	if (!strcmp(url, "/api")) {
		double t0 = now_s(), lat = atomic_load(&knob_latency_us) / 1e6;
		int fail = rand_ppm() < atomic_load(&knob_error_ppm);

		/* +-10% jitter, so quantiles are not one point. */
		sleep_s(lat * (0.9 + 0.2 * rand_ppm() / 1e6));
		burn_cpu(atomic_load(&knob_cpu_us) / 1e6);
		observe(fail ? &h500 : &h200, now_s() - t0);
		if (fail)
			return reply(c, 500, strdup("error\n"), 6,
				     "text/plain");
		return reply(c, 200, strdup("ok\n"), 3, "text/plain");
	}
	return reply(c, 404, strdup("not found\n"), 10, "text/plain");
}

/* The load generator. */

struct loader {
	struct sockaddr_in to;
	double period_s; /* per thread */
	double start_s;
};

static void one_request(const struct sockaddr_in *to)
{
	static const char req[] = "GET /api HTTP/1.0\r\nHost: demo\r\n\r\n";
	struct timeval tv = {10, 0};
	char buf[512];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (!connect(fd, (const struct sockaddr *)to, sizeof(*to)) &&
	    write(fd, req, sizeof(req) - 1) == (ssize_t)(sizeof(req) - 1))
		while (read(fd, buf, sizeof(buf)) > 0)
			;
	close(fd);
}

static void *load_main(void *arg)
{
	struct loader *l = arg;
	double next = l->start_s;

	while (!atomic_load(&stop)) {
		sleep_s(next - now_s());
		one_request(&l->to);
		next += l->period_s;
		/* Fallen far behind (a slow phase): do not burst after it. */
		if (next < now_s() - 1)
			next = now_s();
	}
	free(l);
	return NULL;
}

static int parse_addr(const char *s, struct sockaddr_in *a)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	long port;

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = 0;
	port = strtol(colon + 1, NULL, 10);
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons((unsigned short)port);
	return port > 0 && port < 65536 &&
			       inet_pton(AF_INET, host, &a->sin_addr) == 1
		       ? 0
		       : -1;
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop, 1);
}

static int usage(void)
{
	fputs("usage: slo-demo --listen 127.0.0.1:PORT [--latency-ms N] "
	      "[--error-rate F]\n"
	      "                [--cpu-ms N] [--load RPS] [--load-target "
	      "HOST:PORT]\n"
	      "                [--max-seconds S]\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *listen = NULL, *target = NULL;
	double rps = 0, max_s = 0, t0;
	struct sockaddr_in addr, to;
	struct loader l;
	pthread_t th[NLOADERS];
	struct MHD_Daemon *d;
	int i, nth = 0;

	/* Every option takes a value: they come in pairs. */
	if (argc % 2 == 0)
		return usage();
	for (i = 1; i + 1 < argc; i += 2) {
		const char *a = argv[i], *v = argv[i + 1];

		if (!strcmp(a, "--listen"))
			listen = v;
		else if (!strcmp(a, "--latency-ms"))
			atomic_store(&knob_latency_us,
				     (unsigned)(atof(v) * 1e3));
		else if (!strcmp(a, "--cpu-ms"))
			atomic_store(&knob_cpu_us, (unsigned)(atof(v) * 1e3));
		else if (!strcmp(a, "--error-rate"))
			atomic_store(&knob_error_ppm,
				     (unsigned)(atof(v) * 1e6));
		else if (!strcmp(a, "--load"))
			rps = atof(v);
		else if (!strcmp(a, "--load-target"))
			target = v;
		else if (!strcmp(a, "--max-seconds"))
			max_s = atof(v);
		else
			return usage();
	}
	if (!listen || parse_addr(listen, &addr) ||
	    (target && parse_addr(target, &to)))
		return usage();
	if (!target)
		to = addr;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD |
			MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG,
		0, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&addr, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "slo-demo: cannot listen on %s\n", listen);
		return 1;
	}
	fprintf(stderr, "slo-demo: listening on %s\n", listen);
	t0 = now_s();
	if (rps > 0) {
		l.to = to;
		l.period_s = NLOADERS / rps;
		for (nth = 0; nth < NLOADERS; nth++) {
			struct loader *li = malloc(sizeof(*li));

			*li = l;
			li->start_s = t0 + nth / rps;
			pthread_create(&th[nth], NULL, load_main, li);
		}
	}
	while (!atomic_load(&stop) && (max_s <= 0 || now_s() - t0 < max_s))
		sleep_s(0.1);
	atomic_store(&stop, 1);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	MHD_stop_daemon(d);
	return 0;
}
