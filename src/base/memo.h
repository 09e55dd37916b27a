/*
 * memo.h - answers to slow questions whose answer only changes with a
 * file, kept across runs in one small text file.
 *
 * Every traplab command asks its compilers for their versions (a dozen
 * processes, about 50 ms); the answer only changes when the binary does.
 * A memo maps a key (the question and the identity of what it depends on:
 * tl_memo_file_id) to a one-line answer. A missing or malformed memo file
 * is an empty memo; a memo that cannot be written is only slower next time.
 * One line per entry, "KEY<TAB>ANSWER"; keys and answers with a tab or a
 * newline are not kept.
 */
#ifndef TL_MEMO_H
#define TL_MEMO_H

#include "base/util.h"

struct tl_memo {
	char *path;
	struct tl_strv keys, answers;
	int dirty;
};

/* Loads the memo kept at path (whose folder is made when written). */
void tl_memo_open(struct tl_memo *m, const char *path);
/* The answer kept for key, or NULL. */
const char *tl_memo_get(const struct tl_memo *m, const char *key);
/* Keeps answer for key (replacing an older one). */
void tl_memo_put(struct tl_memo *m, const char *key, const char *answer);
/* Writes the memo when it changed (atomically), then frees it. */
void tl_memo_close(struct tl_memo *m);
/*
 * The identity of the file at path (device, inode, size, mtime and ctime
 * in ns) as a new string, or NULL when it cannot be read: a file replaced
 * or rewritten gets another.
 */
char *tl_memo_file_id(const char *path);

#endif
