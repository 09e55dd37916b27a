/*
 * run.h - `traplab run`, and the run-and-keep step `traplab claims` shares
 * with it.
 */
#ifndef TL_RUN_H
#define TL_RUN_H

#include <stddef.h>

#include "measure/runner.h"

/*
 * Runs the experiments named (all when n == 0) with opts (its on_case is
 * replaced), prints each case's tables and the noise floor on stdout, and
 * writes the results to out_path after every case (marked incomplete) and
 * at the end, with a copy as latest.json beside it when promote is set and
 * the run is complete; then stores a complete run in history_db (a SQLite
 * file or a postgres:// URL) unless it is NULL. SIGTERM, SIGINT and
 * SIGHUP end the workloads and the run: the partial results are written
 * marked incomplete, and 128 + the signal is returned. Errors are reported
 * on stderr. Returns tl_run_experiments's status, or 1 when the history
 * refused the run.
 */
int tl_run_and_store(const struct tl_run_opts *opts, const char *const *names,
		     size_t n, const char *out_path, int promote,
		     const char *history_db);

/* The `traplab run` subcommand. */
int cmd_run(int argc, char **argv);

#endif
