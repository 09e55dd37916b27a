/*
 * util.c - allocation that cannot fail, buffers, string vectors,
 * diagnostics and whole-file I/O.
 */
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/vec.h"

#include "base/banned.h"

static void oom(size_t n)
{
	fprintf(stderr, "traplab: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct tl_buf b = TL_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	tl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!b.s)
		return xstrdup("");
	return b.s;
}

static void buf_grow(struct tl_buf *b, size_t extra)
{
	TL_VEC_RESERVE(b->s, b->cap, b->len + extra + 1);
}

void tl_buf_append(struct tl_buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void tl_buf_puts(struct tl_buf *b, const char *s)
{
	tl_buf_append(b, s, strlen(s));
}

void tl_buf_vprintf(struct tl_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void tl_buf_printf(struct tl_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tl_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *tl_buf_str(const struct tl_buf *b)
{
	return b->s ? b->s : "";
}

void tl_buf_release(struct tl_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void tl_buf_truncate(struct tl_buf *b, size_t len)
{
	if (!len) {
		tl_buf_release(b);
		return;
	}
	if (len < b->len)
		b->s[b->len = len] = '\0';
}

void tl_strv_push_owned(struct tl_strv *sv, char *s)
{
	TL_VEC_PUSH(sv->v, sv->n, sv->cap, s);
}

void tl_strv_push(struct tl_strv *sv, const char *s)
{
	tl_strv_push_owned(sv, xstrdup(s));
}

const char *const *tl_strv_cstr(struct tl_strv *sv)
{
	tl_strv_push_owned(sv, NULL);
	sv->n--;
	return (const char *const *)sv->v;
}

int tl_strv_has(const struct tl_strv *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return 1;
	return 0;
}

void tl_strv_release(struct tl_strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

void tl_diag_add(struct tl_diag *d, const char *file, int line, int col,
		 const char *fmt, ...)
{
	struct tl_buf b = TL_BUF_INIT;
	va_list ap;

	if (line > 0)
		tl_buf_printf(&b, "%s:%d:%d: ", file, line, col);
	else
		tl_buf_printf(&b, "%s: ", file);
	va_start(ap, fmt);
	tl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	tl_strv_push_owned(&d->msgs, b.s);
}

void tl_diag_release(struct tl_diag *d)
{
	tl_strv_release(&d->msgs);
}

int tl_read_file(const char *path, char **out, size_t *len)
{
	struct tl_buf b = TL_BUF_INIT;
	char chunk[65536];
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		tl_buf_append(&b, chunk, (size_t)n);
	}
	close(fd);
	if (err) {
		tl_buf_release(&b);
		return err;
	}
	if (!b.s)
		b.s = xstrdup("");
	*out = b.s;
	if (len)
		*len = b.len;
	return 0;
}

int tl_write_file_atomic(const char *path, const char *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd, err = 0;
	size_t off = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		goto out_free;
	}
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
out_free:
	free(tmp);
	return err;
}

int tl_mkdirs(const char *path)
{
	char *p = xstrdup(path), *s;
	int err = 0;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			err = -errno;
			break;
		}
		*s = '/';
	}
	if (!err && mkdir(p, 0755) < 0 && errno != EEXIST)
		err = -errno;
	free(p);
	return err;
}

int tl_rmtree(const char *path)
{
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int err = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? -errno : 0;
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char *sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = xasprintf("%s/%s", path, de->d_name);
		if (!err)
			err = tl_rmtree(sub);
		free(sub);
	}
	closedir(dir);
	if (!err && rmdir(path) < 0)
		err = -errno;
	return err;
}

int tl_strtod(const char *s, char **end, double *out)
{
	double v;

	errno = 0;
	v = strtod(s, end);
	if (*end == s)
		return -EINVAL;
	if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL))
		return -ERANGE;
	if (!isfinite(v))
		return -EINVAL;
	*out = v;
	return 0;
}

int tl_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}
