/*
 * chaoscmd.h - `traplab chaos` (src/cmd/chaoscmd.c).
 */
#ifndef TL_CHAOSCMD_H
#define TL_CHAOSCMD_H

/*
 * traplab chaos --slo FILE --target PID|CMD --prometheus URL [...]
 * Exit 0 recovered, 1 not recovered, 2 error.
 */
int cmd_chaos(int argc, char **argv);

#endif
