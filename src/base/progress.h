/*
 * progress.h - the one progress line of a long command on stderr.
 *
 * On a TTY the line is rewritten in place and its elapsed time ticks, so
 * it never looks stale. Elsewhere (a CI log, a pipe) a line is printed
 * when a step starts, if the last line is 5 s old or more, and then at
 * least every 5 s while the step lasts, each saying what runs, i of n and
 * the time elapsed: a log never has a silent gap longer than 5 s, and a
 * fast run does not flood it.
 *
 * Thread-safe: builds running in parallel may set it; a ticker thread
 * (started by tl_progress_start) does the periodic printing.
 */
#ifndef TL_PROGRESS_H
#define TL_PROGRESS_H

#include <stddef.h>

/*
 * How often a non-TTY line is repeated during one step, in seconds
 * ($TRAPLAB_PROGRESS_EVERY_MS, 10 to 60000, overrides it for tests).
 */
#define TL_PROGRESS_EVERY_S 5

/*
 * Starts the ticker; tty says whether stderr is a terminal (the caller
 * knows, and tests force it). Calls nest: only the outermost start and
 * stop act.
 */
void tl_progress_start(int tty);

/* Stops the ticker and clears a TTY line. */
void tl_progress_stop(void);

/*
 * The current step: i of n (n == 0: no count) and what, printf-style.
 * Resets the step's elapsed time.
 */
void tl_progress_set(size_t i, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears a TTY line before other output (no-op elsewhere). */
void tl_progress_clear(void);

#endif
