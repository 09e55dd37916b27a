/*
 * memo.c - answers kept across runs (see memo.h).
 */
#include "base/memo.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/banned.h"

void tl_memo_open(struct tl_memo *m, const char *path)
{
	char *text, *line, *save = NULL;
	size_t len;

	memset(m, 0, sizeof(*m));
	m->path = xstrdup(path);
	if (tl_read_file(path, &text, &len))
		return;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');

		if (!tab || tab == line)
			continue;
		*tab = '\0';
		tl_strv_push(&m->keys, line);
		tl_strv_push(&m->answers, tab + 1);
	}
	free(text);
}

static size_t find(const struct tl_memo *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->keys.n; i++)
		if (!strcmp(m->keys.v[i], key))
			break;
	return i;
}

const char *tl_memo_get(const struct tl_memo *m, const char *key)
{
	size_t i = find(m, key);

	return i < m->keys.n ? m->answers.v[i] : NULL;
}

void tl_memo_put(struct tl_memo *m, const char *key, const char *answer)
{
	size_t i = find(m, key);

	if (!*key || strpbrk(key, "\t\n") || strpbrk(answer, "\t\n"))
		return;
	if (i < m->keys.n) {
		if (!strcmp(m->answers.v[i], answer))
			return;
		free(m->answers.v[i]);
		m->answers.v[i] = xstrdup(answer);
	} else {
		tl_strv_push(&m->keys, key);
		tl_strv_push(&m->answers, answer);
	}
	m->dirty = 1;
}

void tl_memo_close(struct tl_memo *m)
{
	if (m->dirty && m->path) {
		struct tl_buf b = TL_BUF_INIT;
		char *dir = xstrdup(m->path), *slash = strrchr(dir, '/');

		if (slash) {
			*slash = '\0';
			tl_mkdirs(dir);
		}
		for (size_t i = 0; i < m->keys.n; i++)
			tl_buf_printf(&b, "%s\t%s\n", m->keys.v[i],
				      m->answers.v[i]);
		(void)tl_write_file_atomic(m->path, b.s ? b.s : "", b.len);
		tl_buf_release(&b);
		free(dir);
	}
	tl_strv_release(&m->keys);
	tl_strv_release(&m->answers);
	free(m->path);
	memset(m, 0, sizeof(*m));
}

char *tl_memo_file_id(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return NULL;
	return xasprintf("%llu:%llu:%lld:%lld.%09ld:%lld.%09ld",
			 (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino, (long long)st.st_size,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
			 (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
}
