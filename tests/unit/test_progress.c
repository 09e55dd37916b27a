/*
 * test_progress.c - the progress line off a TTY: a line when a step
 * starts, then one every period while the step lasts, with i of n and
 * the elapsed time; nothing after stop.
 */
#include "base/progress.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tl_test.h"

TL_TEST(non_tty_repeats_a_long_step)
{
	char path[] = "/tmp/tl-progress-XXXXXX", buf[4096];
	int fd = mkstemp(path), saved = dup(2), lines = 0;
	ssize_t n;
	char *p;

	TL_CHECK(fd >= 0 && saved >= 0);
	setenv("TRAPLAB_PROGRESS_EVERY_MS", "200", 1);
	fflush(stderr);
	dup2(fd, 2);
	tl_progress_start(0);
	tl_progress_set(3, 14, "build tasks/zig.gpa");
	usleep(900 * 1000);
	tl_progress_stop();
	usleep(300 * 1000); /* nothing comes after stop */
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(path);
	TL_CHECK(n > 0);
	buf[n] = '\0';
	for (p = buf; (p = strstr(p, "traplab: [3/14] build tasks/zig.gpa ("));
	     p++)
		lines++;
	if (lines < 2 || lines > 6)
		TL_FAIL("%d lines in 0.9 s at 0.2 s, want 2-6:\n%s", lines,
			buf);
	TL_CHECK(strstr(buf, "in all)\n") != NULL);
	TL_CHECK(strchr(buf, '\r') == NULL);
}

TL_TEST(non_tty_quiet_for_quick_steps)
{
	char path[] = "/tmp/tl-progress-XXXXXX", buf[4096];
	int fd = mkstemp(path), saved = dup(2), i;
	ssize_t n;

	setenv("TRAPLAB_PROGRESS_EVERY_MS", "60000", 1);
	fflush(stderr);
	dup2(fd, 2);
	tl_progress_start(0);
	for (i = 0; i < 100; i++)
		tl_progress_set((size_t)i + 1, 100, "step %d", i);
	tl_progress_stop();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(path);
	TL_CHECK(n == 0); /* 100 quick steps: the log stays quiet */
}

TL_TEST(long_text_is_cut_to_the_width)
{
	char path[] = "/tmp/tl-progress-XXXXXX", buf[4096], *nl;
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	TL_CHECK(fd >= 0 && saved >= 0);
	setenv("TRAPLAB_PROGRESS_EVERY_MS", "100", 1);
	setenv("COLUMNS", "60", 1);
	fflush(stderr);
	dup2(fd, 2);
	tl_progress_start(0);
	tl_progress_set(1, 12,
			"hashmap keys=100000 simulating 2 variant(s) "
			"on 2 CPUs and then some more words");
	usleep(350 * 1000);
	tl_progress_stop();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	unsetenv("COLUMNS");
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(path);
	TL_CHECK(n > 0);
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	TL_CHECK(nl != NULL);
	if (nl - buf != 60)
		TL_FAIL("line of %d columns, want 60: %s", (int)(nl - buf),
			buf);
	TL_CHECK(strstr(buf, "... (0s, 0s in all)") != NULL);
}

TL_TEST_MAIN()
