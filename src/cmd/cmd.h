/*
 * cmd.h - traplab's subcommands, one file each under src/cmd/ (as Git's
 * builtin/ and perf's builtin-*.c): the only code that reads argv, prints
 * usage and wires the layers together. Each is one row of main.c's
 * command table (`traplab run` is declared in cmd/run.h, the service side
 * of `traplab slo` in cmd/slosvc.h).
 *
 * Every command is `int cmd_NAME(int argc, char **argv)` with argv[0] the
 * subcommand's name; it returns the process exit status (0 success, 1 a
 * finding such as a regression or a violated SLO, 2 usage or an error) and
 * prints its own errors, once.
 */
#ifndef TL_CMD_H
#define TL_CMD_H

#include <getopt.h>

/*
 * `traplab claims [FILE] [--results RUN.json ...] [--quick] [--check]
 *  [--adjust holm|bonferroni|none] [--md FILE] [--html FILE] [--json FILE]`
 * Exit status: 0 all written, 1 unresolved claims or a run problem,
 * 2 usage or a malformed claim file.
 */
int cmd_claims(int argc, char **argv);

/*
 * traplab compare [--db FILE] [--alpha A] A B
 *   A and B are results JSON files or stored runs (@ID, from history).
 * traplab compare [--db FILE] --baseline N RUN
 *   RUN against the N runs stored before it on the same machine.
 * Exit 0 when nothing regressed, 1 on a regression, 2 on error.
 */
int cmd_compare(int argc, char **argv);

/*
 * traplab slo check [--slo FILE] [--db FILE | --no-history] [RUN.json]
 * Exit 0 when no objective is violated and every objective had data (or
 * allows none), 1 otherwise, 2 on error (an unknown experiment or variant
 * included).
 */
int cmd_slo(int argc, char **argv);

/*
 * traplab metrics [--textfile DIR] [RUN.json]: prints the exposition of
 * RUN.json (default results/latest.json), with the SLO status when an SLO
 * file is given (--slo FILE); --textfile writes DIR/traplab.prom atomically
 * for node_exporter's textfile collector instead. Exit 0, or 2 on error.
 */
int cmd_metrics(int argc, char **argv);

/*
 * traplab push [--job NAME] [--slo FILE] [--timeout S] URL [RUN.json]
 * Exit 0 when the Pushgateway accepted the run, 2 otherwise.
 */
int cmd_push(int argc, char **argv);

/*
 * traplab serve [--listen HOST:PORT] [--slo FILE] [--db FILE] [RUN.json]
 * Serves until SIGINT or SIGTERM. Exit 0 after a signal, 2 on error
 * (cannot bind, unreadable run at start-up).
 */
int cmd_serve(int argc, char **argv);

/*
 * traplab history [--db|--history URL] [--all] [--limit N]: lists stored
 *   runs.
 * traplab history add RUN.json...: stores runs (what `traplab run` does).
 * traplab history trend EXPERIMENT VARIANT METRIC [--params P]: the median
 *   over runs with Pettitt's change-point test.
 * traplab history matrix [--machine FP] [--last N] [--metric M]
 *   [--out DIR] [RUN.json...]: the figure matrix (figures x machine
 *   fingerprints, matrix.h) of the last N (default 5) plain runs of each
 *   machine in the history, or of the files given; --out writes each
 *   machine's pooled results JSON to DIR/FINGERPRINT.json.
 * Exit 0, or 2 on error.
 */
int cmd_history(int argc, char **argv);

/* `traplab list`: experiments, variants and toolchains. */
int cmd_list(int argc, char **argv);

/* `traplab explain ID`: one claim, its measure and its evidence. */
int cmd_explain(int argc, char **argv);

/* `traplab doctor`: what this machine can measure, and how well. */
int cmd_doctor(int argc, char **argv);

/*
 * A command's help is one string in one layout, the same for every
 * command and subcommand (tests/e2e/t1730-help.sh holds them to it):
 *
 *   usage: traplab CMD ...         one synopsis line or more
 *   <blank>
 *   What it does, in one or two lines.
 *   <blank>
 *   options:                       the command's own, aligned; --wide
 *     --name ARG   meaning         and --color are in `traplab --help`
 *   <blank>
 *   exit: 0 ..., 1 ..., 2 ...
 *   <blank>
 *   examples:                      two to four
 *     traplab CMD ...              # why, when it is not obvious
 *
 * every line within 80 columns. Commands pass it to tl_cmd_getopt() or
 * tl_cmd_wants_help() and never print it themselves.
 */

/* Prints help to stdout, whole: what --help, -h and `traplab help CMD` do. */
void tl_cmd_help(const char *help);

/*
 * A usage error: prints help's synopsis (its lines up to the first blank
 * one) to stderr, and where the rest is. Returns 2, the exit status.
 */
int tl_cmd_usage(const char *cmd, const char *help);

/*
 * When argv asks for help (-h or --help), prints it with tl_cmd_help()
 * and returns 1; else 0.
 */
int tl_cmd_wants_help(int argc, char **argv, const char *usage);

/* tl_cmd_getopt(): the command must return *status now. */
#define TL_CMD_EXIT (-2)

/*
 * getopt_long() over argv (options before and after the operands) with
 * the rules every command shares. Set optind = 1 before the first call,
 * or 0 when getopt_long() already ran with another optstring in this
 * process (glibc keeps a "+" ordering until optind is 0).
 * --help or -h: prints usage with tl_cmd_help(), *status 0. An unknown option
 * or a missing value: says so once on stderr, with the closest known option,
 * *status 2. Both return TL_CMD_EXIT; else what getopt_long() returns
 * (the option's val, -1 after the last option; operands from optind).
 */
int tl_cmd_getopt(int argc, char **argv, const struct option *lo,
		  const char *usage, int *status);

/*
 * tl_cmd_getopt() for a command that also has short options: shorts is
 * getopt's string of them ("r:qo:"), without h (-h is help).
 */
int tl_cmd_getopt_short(int argc, char **argv, const char *shorts,
			const struct option *lo, const char *usage,
			int *status);

/* Says once that cmd has no option arg, with the closest one of lo. */
void tl_cmd_unknown(const char *cmd, const char *arg, const struct option *lo);

#endif
