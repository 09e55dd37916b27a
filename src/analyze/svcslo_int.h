/*
 * svcslo_int.h - what the two service SLO readers share (svcslo.c reads
 * the article's shape and holds the helpers, openslo.c reads OpenSLO v1).
 * Internal to src/analyze/.
 */
#ifndef TL_SVCSLO_INT_H
#define TL_SVCSLO_INT_H

#include "analyze/svcslo.h"
#include "base/yamlx.h"

struct loader {
	struct tl_yaml *y;
	struct tl_diag *d;
	struct tl_svc_slo *slo;
	int errors;
	/* Conventions for the article's file (overridable). */
	const char *histogram, *selector, *failed, *cpu;
	double cores;
};

/* A diagnostic at n, counted as an error. */
void tl__svc_lerr(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Scalars and maps of m by key (NULL when absent or wrong, counted). */
const char *tl__svc_opt_str(struct loader *l, yaml_node_t *m, const char *key);
const char *tl__svc_req_str(struct loader *l, yaml_node_t *m, const char *key,
			    const char *what);
yaml_node_t *tl__svc_opt_map(struct loader *l, yaml_node_t *m, const char *key);
/* A share in (0, 1] at key: 0, -ENOENT when absent, -EINVAL (counted). */
int tl__svc_fraction(struct loader *l, yaml_node_t *m, const char *key,
		     double *out);
/* A new objective of kind at node at (owned by l->slo). */
struct tl_svc_objective *tl__svc_add_obj(struct loader *l, const char *name,
					 enum tl_svc_kind kind,
					 yaml_node_t *at);
/* The window duration scalar n into l->slo->window_s. */
void tl__svc_load_window(struct loader *l, yaml_node_t *n);
/* OpenSLO v1 kind: SLO with an inline indicator (openslo.c). */
void tl__svc_load_openslo(struct loader *l, yaml_node_t *root,
			  yaml_node_t *spec);

#endif
