/*
 * evict.h - drop a file from the page cache, for cold starts.
 *
 * Header-only, because the static launcher (src/launch/tl-launch.c, built
 * apart from libtl) evicts before each start of a batch, and traplab does
 * the same when it starts a workload itself.
 */
#ifndef TL_EVICT_H
#define TL_EVICT_H

#include <fcntl.h>
#include <unistd.h>

/* Writes back and drops path's cached pages; quiet when it cannot. */
static inline void tl_evict(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	fdatasync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

#endif
