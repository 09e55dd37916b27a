/*
 * util.h - allocation that cannot fail, growable buffers, string vectors
 * and diagnostics.
 *
 * Harness allocations never return NULL: xmalloc() and friends abort with a
 * message on out-of-memory, so OOM is never an error code in src/.
 */
#ifndef TL_UTIL_H
#define TL_UTIL_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A new string formatted like printf. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define FREE_AND_NULL(p)                                                       \
	do {                                                                   \
		free(p);                                                       \
		(p) = NULL;                                                    \
	} while (0)

#define TL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A growable byte buffer, always NUL-terminated. Init with TL_BUF_INIT. */
struct tl_buf {
	char *s;
	size_t len, cap;
};
#define TL_BUF_INIT                                                            \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

void tl_buf_append(struct tl_buf *b, const void *p, size_t n);
void tl_buf_puts(struct tl_buf *b, const char *s);
void tl_buf_printf(struct tl_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tl_buf_vprintf(struct tl_buf *b, const char *fmt, va_list ap);
/* The contents ("" when empty); owned by b. */
const char *tl_buf_str(const struct tl_buf *b);
void tl_buf_release(struct tl_buf *b);
/*
 * Cuts b back to its first len bytes (len <= b->len); cut to nothing, b
 * holds no memory, as if it had never been written: a callee that takes
 * back what it wrote leaves its caller's buffer as it found it.
 */
void tl_buf_truncate(struct tl_buf *b, size_t len);

/* A growable vector of owned strings. Init with TL_STRV_INIT. */
struct tl_strv {
	char **v;
	size_t n, cap;
};
#define TL_STRV_INIT                                                           \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

/* Appends a copy of s. */
void tl_strv_push(struct tl_strv *sv, const char *s);
/* Appends s, taking ownership. */
void tl_strv_push_owned(struct tl_strv *sv, char *s);
int tl_strv_has(const struct tl_strv *sv, const char *s);
/*
 * The strings as a NULL-terminated array (for execve, getopt-style
 * lists), owned by sv; the NULL is not counted in sv->n. Valid until the
 * next push.
 */
const char *const *tl_strv_cstr(struct tl_strv *sv);
void tl_strv_release(struct tl_strv *sv);

/* qsort() order of an array of char * by strcmp(). */
int tl_cmp_str(const void *a, const void *b);

/*
 * Diagnostics: "file:line:col: message" lines collected by parsers so that
 * one bad file is reported whole and the rest of the run goes on.
 */
struct tl_diag {
	struct tl_strv msgs;
};
#define TL_DIAG_INIT                                                           \
	{                                                                      \
		TL_STRV_INIT                                                   \
	}

void tl_diag_add(struct tl_diag *d, const char *file, int line, int col,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void tl_diag_release(struct tl_diag *d);

/* Reads a whole file; 0 or -errno. *out is owned, NUL-terminated. */
int tl_read_file(const char *path, char **out, size_t *len);
/* Writes atomically (temp file + rename); 0 or -errno. */
int tl_write_file_atomic(const char *path, const char *data, size_t len);
/* mkdir -p; 0 or -errno. */
int tl_mkdirs(const char *path);
/* Removes a tree; 0 or -errno. */
int tl_rmtree(const char *path);

/*
 * strtod() for figures: a finite number, subnormals included (strtod sets
 * ERANGE for 4.9e-324 although the value is exact). Returns 0 with *out
 * and *end set, -EINVAL when s holds no number or an infinity or NaN,
 * -ERANGE when it overflows a double.
 */
int tl_strtod(const char *s, char **end, double *out);

#endif
