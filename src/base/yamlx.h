/*
 * yamlx.h - libyaml's document API with positions, for parsers that must
 * say file:line:column on every error.
 *
 * A document is loaded whole; nodes are addressed by pointer. Every lookup
 * that fails adds a diagnostic naming the node's position and what was
 * expected, so callers write the happy path and check d->msgs.n at the end.
 * Lines and columns are 1-based (libyaml's marks are 0-based).
 */
#ifndef TL_YAMLX_H
#define TL_YAMLX_H

#include <yaml.h>

#include "base/util.h"

struct tl_yaml {
	yaml_document_t doc;
	const char *path; /* borrowed, for diagnostics */
	int loaded;
};

/*
 * Limits that keep a hostile or broken file from taking minutes or
 * gigabytes: every file traplab reads is a few kilobytes.
 */
#define TL_YAML_MAX_BYTES (8 << 20)
#define TL_YAML_MAX_DEPTH 64
#define TL_YAML_MAX_ITEMS 10000
#define TL_YAML_MAX_NODES 200000

/*
 * Loads path (or, when text is not NULL, text of length len, named path
 * in diagnostics). Returns 0, or -EINVAL with a diagnostic (syntax error,
 * a duplicate key or a second document, with its position), -E2BIG or
 * -EFBIG past the limits above, or -errno when the file cannot be read.
 * On an error after the document was composed, y must still be released.
 */
int tl_yaml_load(struct tl_yaml *y, const char *path, const char *text,
		 size_t len, struct tl_diag *d);
void tl_yaml_release(struct tl_yaml *y);

/* The root node, or NULL for an empty document. */
yaml_node_t *tl_yaml_root(struct tl_yaml *y);

int tl_yaml_line(const yaml_node_t *n);
int tl_yaml_col(const yaml_node_t *n);

int tl_yaml_is_map(const yaml_node_t *n);
int tl_yaml_is_seq(const yaml_node_t *n);
int tl_yaml_is_scalar(const yaml_node_t *n);

/* The scalar's text (NUL-terminated, owned by the document), or NULL. */
const char *tl_yaml_str(const yaml_node_t *n);

/* The value of key in map m, or NULL when absent (no diagnostic). */
yaml_node_t *tl_yaml_get(struct tl_yaml *y, yaml_node_t *m, const char *key);

/* Iteration: number of items of a sequence / pairs of a map. */
int tl_yaml_seq_len(const yaml_node_t *n);
yaml_node_t *tl_yaml_seq_at(struct tl_yaml *y, yaml_node_t *n, int i);
int tl_yaml_map_len(const yaml_node_t *n);
yaml_node_t *tl_yaml_map_key(struct tl_yaml *y, yaml_node_t *n, int i);
yaml_node_t *tl_yaml_map_val(struct tl_yaml *y, yaml_node_t *n, int i);

/*
 * Typed accessors with diagnostics. `what` names the field for the message
 * ("variants[2].name"). Each returns 0 on success, -EINVAL after adding a
 * diagnostic at the node's position.
 */
int tl_yaml_expect_map(struct tl_yaml *y, yaml_node_t *n, const char *what,
		       struct tl_diag *d);
int tl_yaml_expect_seq(struct tl_yaml *y, yaml_node_t *n, const char *what,
		       struct tl_diag *d);
int tl_yaml_get_str(struct tl_yaml *y, yaml_node_t *n, const char *what,
		    const char **out, struct tl_diag *d);
int tl_yaml_get_double(struct tl_yaml *y, yaml_node_t *n, const char *what,
		       double *out, struct tl_diag *d);
int tl_yaml_get_int(struct tl_yaml *y, yaml_node_t *n, const char *what,
		    long long *out, struct tl_diag *d);
int tl_yaml_get_bool(struct tl_yaml *y, yaml_node_t *n, const char *what,
		     int *out, struct tl_diag *d);
/* A scalar or a sequence of scalars, appended to sv as strings. */
int tl_yaml_get_strv(struct tl_yaml *y, yaml_node_t *n, const char *what,
		     struct tl_strv *sv, struct tl_diag *d);

/*
 * Checks that every key of map m is in the NULL-terminated list allowed;
 * each unknown key is a diagnostic ("unknown key 'nmae' in variant;
 * expected one of: name, lang, ..."). Returns the number of unknown keys.
 */
int tl_yaml_check_keys(struct tl_yaml *y, yaml_node_t *m,
		       const char *const *allowed, const char *what,
		       struct tl_diag *d);

/* Adds a diagnostic at node n. */
void tl_yaml_error(struct tl_yaml *y, const yaml_node_t *n, struct tl_diag *d,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
