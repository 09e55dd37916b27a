/*
 * cli.h - what every subcommand shares: the project root.
 *
 * The root is $TRAPLAB_ROOT, else the folder above the executable's
 * build/<flavour>/ (or beside it) that holds experiments/, else the
 * current folder. The subcommands themselves are in src/cmd/ (cmd.h).
 */
#ifndef TL_CLI_H
#define TL_CLI_H

/* The project root; valid for the whole process. */
const char *tl_cli_root(void);

#endif
