/*
 * history_sqlite.h - the history's SQLite backend, one implementation of
 * struct tl__history_ops (schema.h). For history.c only.
 */
#ifndef TL_HISTORY_SQLITE_H
#define TL_HISTORY_SQLITE_H

#include "base/util.h"
#include "store/schema.h"

/*
 * Opens (mode TL_HISTORY_CREATE: creating the file and its folder) and
 * migrates the SQLite history at db_path; TL_HISTORY_READ_ONLY opens it
 * without writing and refuses an old schema (-EPROTO) rather than
 * migrating. On success *ops and *db are set; the caller closes with
 * (*ops)->close(*db). -ENOENT (no file, create unset), -EIO, -EPROTO.
 */
int tl__history_sqlite_open(const char *db_path, int mode,
			    const struct tl__history_ops **ops, void **db,
			    struct tl_buf *err);

#endif
