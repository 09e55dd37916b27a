/*
 * cli.h - what every subcommand shares: the project root.
 *
 * The root is $TRAPLAB_ROOT, else the folder above the executable's
 * build/<flavour>/ (or beside it) that holds experiments/, else the
 * current folder. Subcommands are `int cmd_NAME(int argc, char **argv)`,
 * one row each in main.c's table; argv[0] is the subcommand's name.
 */
#ifndef TL_CLI_H
#define TL_CLI_H

/* The project root; valid for the whole process. */
const char *tl_cli_root(void);

/* `traplab list` and `traplab doctor`. */
int cmd_list(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
/* `traplab explain ID` (src/cmd/explain.c). */
int cmd_explain(int argc, char **argv);

#endif
