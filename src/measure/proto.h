/*
 * proto.h - the workload protocol's stdout, parsed strictly.
 *
 *     sample NS OPS        one timed batch
 *     metric NAME VALUE    a workload-level number
 *     fact NAME VALUE      a static finding (VALUE: the rest of the line)
 *
 * Anything else is an error naming the line: a workload that prints
 * garbage must be caught, not half-read. NAME is [a-z0-9_]+; NS and OPS
 * are unsigned decimal integers, OPS > 0; VALUE of a metric is a finite
 * decimal number. Blank lines are allowed. Lines end with '\n' (a last
 * line without one is accepted).
 */
#ifndef TL_PROTO_H
#define TL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

struct tl_proto_sample {
	uint64_t ns, ops;
};

struct tl_proto_metric {
	char *name;
	double value;
};

struct tl_proto {
	struct tl_proto_sample *samples;
	size_t nsamples, cap_samples;
	struct tl_proto_metric *metrics;
	size_t nmetrics, cap_metrics;
	struct tl_strv fact_names, fact_values;
};

#define TL_PROTO_INIT                                                          \
	{                                                                      \
		0                                                              \
	}

/*
 * Parses buf[0..len) into p (which must be initialised). On the first bad
 * line returns -EINVAL and writes "line N: ..." into err[0..errn). Lines
 * parsed before it stay in p. 0 on success.
 */
int tl_proto_parse(struct tl_proto *p, const char *buf, size_t len, char *err,
		   size_t errn);

void tl_proto_release(struct tl_proto *p);

#endif
