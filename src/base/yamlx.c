/*
 * yamlx.c - libyaml's document API with file:line:column diagnostics.
 *
 * libyaml marks are 0-based; every position we print is 1-based, as
 * editors count. A syntax error is reported at the parser's problem_mark.
 */
#include "base/yamlx.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/banned.h"

int tl_yaml_load(struct tl_yaml *y, const char *path, const char *text,
		 size_t len, struct tl_diag *d)
{
	yaml_parser_t p;
	char *buf = NULL;
	int err = 0;

	memset(y, 0, sizeof(*y));
	y->path = path;
	if (!text) {
		err = tl_read_file(path, &buf, &len);
		if (err) {
			tl_diag_add(d, path, 0, 0, "cannot read: %s",
				    strerror(-err));
			return err;
		}
		text = buf;
	}
	if (!yaml_parser_initialize(&p)) {
		free(buf);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &y->doc)) {
		tl_diag_add(d, path, (int)p.problem_mark.line + 1,
			    (int)p.problem_mark.column + 1,
			    "YAML syntax: %s%s%s",
			    p.problem ? p.problem : "malformed",
			    p.context ? " " : "", p.context ? p.context : "");
		err = -EINVAL;
	} else {
		y->loaded = 1;
	}
	yaml_parser_delete(&p);
	free(buf);
	return err;
}

void tl_yaml_release(struct tl_yaml *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	y->loaded = 0;
}

yaml_node_t *tl_yaml_root(struct tl_yaml *y)
{
	if (!y->loaded)
		return NULL;
	return yaml_document_get_root_node(&y->doc);
}

int tl_yaml_line(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

int tl_yaml_col(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.column + 1 : 0;
}

int tl_yaml_is_map(const yaml_node_t *n)
{
	return n && n->type == YAML_MAPPING_NODE;
}

int tl_yaml_is_seq(const yaml_node_t *n)
{
	return n && n->type == YAML_SEQUENCE_NODE;
}

int tl_yaml_is_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE;
}

const char *tl_yaml_str(const yaml_node_t *n)
{
	if (!tl_yaml_is_scalar(n))
		return NULL;
	return (const char *)n->data.scalar.value;
}

int tl_yaml_map_len(const yaml_node_t *n)
{
	if (!tl_yaml_is_map(n))
		return 0;
	return (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}

yaml_node_t *tl_yaml_map_key(struct tl_yaml *y, yaml_node_t *n, int i)
{
	return yaml_document_get_node(&y->doc,
				      n->data.mapping.pairs.start[i].key);
}

yaml_node_t *tl_yaml_map_val(struct tl_yaml *y, yaml_node_t *n, int i)
{
	return yaml_document_get_node(&y->doc,
				      n->data.mapping.pairs.start[i].value);
}

int tl_yaml_seq_len(const yaml_node_t *n)
{
	if (!tl_yaml_is_seq(n))
		return 0;
	return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}

yaml_node_t *tl_yaml_seq_at(struct tl_yaml *y, yaml_node_t *n, int i)
{
	return yaml_document_get_node(&y->doc, n->data.sequence.items.start[i]);
}

yaml_node_t *tl_yaml_get(struct tl_yaml *y, yaml_node_t *m, const char *key)
{
	int i, n = tl_yaml_map_len(m);

	for (i = 0; i < n; i++) {
		const char *k = tl_yaml_str(tl_yaml_map_key(y, m, i));

		if (k && strcmp(k, key) == 0)
			return tl_yaml_map_val(y, m, i);
	}
	return NULL;
}

void tl_yaml_error(struct tl_yaml *y, const yaml_node_t *n, struct tl_diag *d,
		   const char *fmt, ...)
{
	struct tl_buf b = TL_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	tl_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	tl_diag_add(d, y->path, tl_yaml_line(n), tl_yaml_col(n), "%s",
		    tl_buf_str(&b));
	tl_buf_release(&b);
}

static const char *type_name(const yaml_node_t *n)
{
	if (!n)
		return "nothing";
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_SCALAR_NODE:
		return "a scalar";
	default:
		return "an empty node";
	}
}

int tl_yaml_expect_map(struct tl_yaml *y, yaml_node_t *n, const char *what,
		       struct tl_diag *d)
{
	if (tl_yaml_is_map(n))
		return 0;
	tl_yaml_error(y, n, d, "%s: expected a mapping (key: value), found %s",
		      what, type_name(n));
	return -EINVAL;
}

int tl_yaml_expect_seq(struct tl_yaml *y, yaml_node_t *n, const char *what,
		       struct tl_diag *d)
{
	if (tl_yaml_is_seq(n))
		return 0;
	tl_yaml_error(y, n, d, "%s: expected a list, found %s", what,
		      type_name(n));
	return -EINVAL;
}

int tl_yaml_get_str(struct tl_yaml *y, yaml_node_t *n, const char *what,
		    const char **out, struct tl_diag *d)
{
	if (!tl_yaml_is_scalar(n)) {
		tl_yaml_error(y, n, d, "%s: expected a string, found %s", what,
			      type_name(n));
		return -EINVAL;
	}
	*out = tl_yaml_str(n);
	return 0;
}

int tl_yaml_get_double(struct tl_yaml *y, yaml_node_t *n, const char *what,
		       double *out, struct tl_diag *d)
{
	const char *s;
	char *end;
	double v;

	if (tl_yaml_get_str(y, n, what, &s, d))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v)) {
		tl_yaml_error(y, n, d, "%s: expected a number, found '%s'",
			      what, s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int tl_yaml_get_int(struct tl_yaml *y, yaml_node_t *n, const char *what,
		    long long *out, struct tl_diag *d)
{
	const char *s;
	char *end;
	long long v;

	if (tl_yaml_get_str(y, n, what, &s, d))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end) {
		tl_yaml_error(y, n, d, "%s: expected an integer, found '%s'",
			      what, s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int tl_yaml_get_bool(struct tl_yaml *y, yaml_node_t *n, const char *what,
		     int *out, struct tl_diag *d)
{
	const char *s;

	if (tl_yaml_get_str(y, n, what, &s, d))
		return -EINVAL;
	if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") ||
	    !strcmp(s, "1")) {
		*out = 1;
		return 0;
	}
	if (!strcasecmp(s, "false") || !strcasecmp(s, "no") ||
	    !strcmp(s, "0")) {
		*out = 0;
		return 0;
	}
	tl_yaml_error(y, n, d, "%s: expected true or false, found '%s'", what,
		      s);
	return -EINVAL;
}

int tl_yaml_get_strv(struct tl_yaml *y, yaml_node_t *n, const char *what,
		     struct tl_strv *sv, struct tl_diag *d)
{
	int i, len, err = 0;

	if (tl_yaml_is_scalar(n)) {
		tl_strv_push(sv, tl_yaml_str(n));
		return 0;
	}
	if (!tl_yaml_is_seq(n)) {
		tl_yaml_error(y, n, d,
			      "%s: expected a string or a list of strings, "
			      "found %s",
			      what, type_name(n));
		return -EINVAL;
	}
	len = tl_yaml_seq_len(n);
	for (i = 0; i < len; i++) {
		yaml_node_t *it = tl_yaml_seq_at(y, n, i);

		if (!tl_yaml_is_scalar(it)) {
			tl_yaml_error(y, it, d,
				      "%s[%d]: expected a string, found %s",
				      what, i, type_name(it));
			err = -EINVAL;
			continue;
		}
		tl_strv_push(sv, tl_yaml_str(it));
	}
	return err;
}

int tl_yaml_check_keys(struct tl_yaml *y, yaml_node_t *m,
		       const char *const *allowed, const char *what,
		       struct tl_diag *d)
{
	int i, j, n = tl_yaml_map_len(m), bad = 0;

	for (i = 0; i < n; i++) {
		yaml_node_t *kn = tl_yaml_map_key(y, m, i);
		const char *k = tl_yaml_str(kn);
		int ok = 0;

		for (j = 0; k && allowed[j]; j++)
			if (strcmp(k, allowed[j]) == 0)
				ok = 1;
		if (ok)
			continue;
		{
			struct tl_buf b = TL_BUF_INIT;

			for (j = 0; allowed[j]; j++)
				tl_buf_printf(&b, "%s%s", j ? ", " : "",
					      allowed[j]);
			tl_yaml_error(y, kn, d,
				      "unknown key '%s' in %s; expected one "
				      "of: %s",
				      k ? k : "(not a string)", what,
				      tl_buf_str(&b));
			tl_buf_release(&b);
		}
		bad++;
	}
	return bad;
}
