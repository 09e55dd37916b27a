/*
 * svcchaos.h - `traplab chaos` (src/cmd/svcchaos.c).
 */
#ifndef TL_CMD_SVCCHAOS_H
#define TL_CMD_SVCCHAOS_H

/*
 * traplab chaos --slo FILE --target PID|CMD --prometheus URL [...]
 * Exit 0 recovered, 1 not recovered, 2 error.
 */
int cmd_chaos(int argc, char **argv);

#endif
