/*
 * run.h - `traplab run`, and the run-and-keep step `traplab claims` shares
 * with it.
 */
#ifndef TL_CMD_RUN_H
#define TL_CMD_RUN_H

#include <stddef.h>

#include "measure/runner.h"

/*
 * Runs the experiments named (all when n == 0) with opts (its on_case is
 * replaced), prints each case's tables and the noise floor on stdout, and
 * writes the results to out_path after every case and at the end, with a
 * copy as latest.json beside it; then stores the run in history_db (a
 * SQLite file or a postgres:// URL) unless it is NULL. Errors are
 * reported on stderr. Returns tl_run_experiments's status, or 1 when the
 * history refused the run.
 */
int tl_run_and_store(const struct tl_run_opts *opts, const char *const *names,
		     size_t n, const char *out_path, const char *history_db);

/* The `traplab run` subcommand. */
int cmd_run(int argc, char **argv);

#endif
