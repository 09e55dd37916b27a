/*
 * progress.c - the progress line (progress.h).
 *
 * One mutex guards the text and the times; the ticker waits on a
 * condition variable with a one-second timeout so tl_progress_stop()
 * wakes it at once. Time is CLOCK_MONOTONIC (a clock step must not
 * print a line or hold one back).
 */
#include "base/progress.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/term.h"
#include "base/banned.h"

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	int depth, running, tty, shown, hidden;
	char text[240];
	size_t i, n;
	uint64_t step_ns, printed_ns, start_ns;
	uint64_t every_ns; /* TL_PROGRESS_EVERY_S, or the test's period */
} P = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static int atoi_ok(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	return *s && !*end && v >= 10 && v <= 60000;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Prints the line, its text cut with "..." so the line fits the terminal
 * (a wrapped line breaks the TTY's \r redraw and a CI log's 80 columns);
 * P.mu held.
 */
static void show(uint64_t now)
{
	char count[48] = "", tail[48];
	unsigned s = (unsigned)((now - P.step_ns) / 1000000000u);
	size_t width = tl_term_width(2), fixed, len;
	int cut;

	if (!P.text[0])
		return;
	if (P.n)
		snprintf(count, sizeof(count), "[%zu/%zu] ", P.i, P.n);
	if (P.tty)
		snprintf(tail, sizeof(tail), "  %us", s);
	else
		snprintf(tail, sizeof(tail), " (%us, %us in all)", s,
			 (unsigned)((now - P.start_ns) / 1000000000u));
	fixed = strlen(count) + strlen(tail) + (P.tty ? 1 : 9);
	len = strlen(P.text);
	cut = width != SIZE_MAX && width > fixed + 10 && fixed + len > width;
	if (cut)
		len = width - fixed - 3;
	fprintf(stderr, "%s%s%.*s%s%s%s",
		P.tty ? "\r\033[K" : "traplab: ", count, (int)len, P.text,
		cut ? "..." : "", tail, P.tty ? "" : "\n");
	P.printed_ns = now;
	P.shown = 1;
}

static void *ticker(void *arg)
{
	struct timespec until;
	uint64_t now;

	(void)arg;
	pthread_mutex_lock(&P.mu);
	while (P.running) {
		clock_gettime(CLOCK_REALTIME, &until);
		if (P.every_ns < 1000000000u) {
			until.tv_nsec += (long)P.every_ns;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
		} else {
			until.tv_sec += 1;
		}
		pthread_cond_timedwait(&P.cv, &P.mu, &until);
		if (!P.running)
			break;
		now = now_ns();
		if (P.tty ? !P.hidden : now - P.printed_ns >= P.every_ns)
			show(now);
	}
	pthread_mutex_unlock(&P.mu);
	return NULL;
}

void tl_progress_start(int tty)
{
	pthread_mutex_lock(&P.mu);
	if (P.depth++ == 0) {
		const char *ms = getenv("TRAPLAB_PROGRESS_EVERY_MS");

		P.every_ns =
			ms && atoi_ok(ms)
				? (uint64_t)strtoul(ms, NULL, 10) * 1000000u
				: TL_PROGRESS_EVERY_S * 1000000000ull;
		P.tty = tty;
		P.text[0] = '\0';
		P.start_ns = P.step_ns = P.printed_ns = now_ns();
		P.running = pthread_create(&P.th, NULL, ticker, NULL) == 0;
	}
	pthread_mutex_unlock(&P.mu);
}

void tl_progress_stop(void)
{
	int join = 0;

	pthread_mutex_lock(&P.mu);
	if (P.depth > 0 && --P.depth == 0) {
		join = P.running;
		P.running = 0;
		pthread_cond_signal(&P.cv);
		if (P.tty && P.shown)
			fputs("\r\033[K", stderr);
		P.shown = 0;
		P.text[0] = '\0';
	}
	pthread_mutex_unlock(&P.mu);
	if (join)
		pthread_join(P.th, NULL);
}

void tl_progress_set(size_t i, size_t n, const char *fmt, ...)
{
	va_list ap;
	uint64_t now = now_ns();

	pthread_mutex_lock(&P.mu);
	va_start(ap, fmt);
	vsnprintf(P.text, sizeof(P.text), fmt, ap);
	va_end(ap);
	P.i = i;
	P.n = n;
	P.step_ns = now;
	P.hidden = 0;
	if (P.depth && (P.tty || now - P.printed_ns >= P.every_ns))
		show(now);
	pthread_mutex_unlock(&P.mu);
}

void tl_progress_clear(void)
{
	pthread_mutex_lock(&P.mu);
	if (P.tty && P.shown)
		fputs("\r\033[K", stderr);
	P.shown = 0;
	P.hidden = 1; /* until the next step: other output follows */
	pthread_mutex_unlock(&P.mu);
}
