/*
 * history_pg.h - the history's PostgreSQL backend (libpq), one
 * implementation of struct tl__history_ops (schema.h).
 *
 * Nothing here is for callers outside history.c and its tests.
 */
#ifndef TL_HISTORY_PG_H
#define TL_HISTORY_PG_H

#include <stddef.h>

#include "base/util.h"
#include "store/schema.h"

/*
 * Connects to the PostgreSQL database at url (a libpq connection URI,
 * postgres:// or postgresql://) and migrates it. create == 0 and no
 * traplab tables: -ENOENT. -EIO when the server cannot be reached or a
 * statement fails, -EPROTO when the schema is newer than this traplab,
 * -ENOTSUP when traplab was built without libpq. On success *ops and *db
 * are set; the caller closes with (*ops)->close(*db).
 */
int tl__history_pg_open(const char *url, int create,
			const struct tl__history_ops **ops, void **db,
			struct tl_buf *err);

/*
 * url with any password replaced by "***" (in user:password@ and in a
 * password= parameter), for messages. Owned by the caller.
 */
char *tl__history_redact(const char *url);

#endif
