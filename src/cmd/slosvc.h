/*
 * slosvc.h - the service side of `traplab slo`: rules, check
 * --prometheus, tune (src/cmd/slosvc.c).
 */
#ifndef TL_SLOSVC_H
#define TL_SLOSVC_H

/*
 * Runs `traplab slo SUB ...` for a service SLO; argv[0] is "slo" and
 * argv[1] the subcommand (rules, check, tune). Returns the exit code:
 * 0 fine, 1 violated, 2 error (usage, file, Prometheus unreachable).
 */
int tl_cmd_slo_service(int argc, char **argv);

/* Whether argv asks for the service side (a subcommand or an option). */
int tl_cmd_slo_is_service(int argc, char **argv);

/*
 * `traplab slo`: the service side when tl_cmd_slo_is_service(), else the
 * run-based check (cmd_slo).
 */
int cmd_slo_entry(int argc, char **argv);

/* `traplab slo check --help`: both forms of check (in slo.c). */
extern const char tl__cmd_slo_check_help[];

#endif
