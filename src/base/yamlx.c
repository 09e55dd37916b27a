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
#include <sys/stat.h>

#include "base/vec.h"

#include "base/banned.h"

/*
 * One pass over the events, before the document is composed: the limits
 * are checked here so that a 100k-deep or 100k-wide file is refused after
 * reading its first few thousand events, and a second document is caught
 * at its own start.
 */
struct scan_frame {
	int items;
	int is_map;
};

static int scan_events(const char *path, const char *text, size_t len,
		       struct tl_diag *d)
{
	struct scan_frame stack[TL_YAML_MAX_DEPTH + 1];
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, docs = 0, err = 0, done = 0;
	long nodes = 0;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done && !err) {
		if (!yaml_parser_parse(&p, &ev))
			break; /* the composer reports the syntax error */
		int line = (int)ev.start_mark.line + 1;
		int col = (int)ev.start_mark.column + 1;

		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				tl_diag_add(d, path, line, col,
					    "a second YAML document; the file "
					    "must hold exactly one YAML "
					    "document");
				err = -EINVAL;
			}
			break;
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++nodes > TL_YAML_MAX_NODES) {
				tl_diag_add(d, path, line, col,
					    "more than %d nodes in the file",
					    TL_YAML_MAX_NODES);
				err = -E2BIG;
				break;
			}
			if (depth > 0 &&
			    ++stack[depth - 1].items >
				    TL_YAML_MAX_ITEMS *
					    (stack[depth - 1].is_map ? 2 : 1)) {
				tl_diag_add(d, path, line, col,
					    "more than %d items in one %s",
					    TL_YAML_MAX_ITEMS,
					    stack[depth - 1].is_map ? "mapping"
								    : "list");
				err = -E2BIG;
				break;
			}
			if (ev.type != YAML_SEQUENCE_START_EVENT &&
			    ev.type != YAML_MAPPING_START_EVENT)
				break;
			if (depth == TL_YAML_MAX_DEPTH) {
				tl_diag_add(d, path, line, col,
					    "nested deeper than %d levels",
					    TL_YAML_MAX_DEPTH);
				err = -E2BIG;
				break;
			}
			stack[depth].items = 0;
			stack[depth].is_map =
				ev.type == YAML_MAPPING_START_EVENT;
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return err;
}

struct key_ref {
	const char *s;
	size_t len;
	yaml_node_t *node;
};

static int cmp_key(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->s, y->s, n);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	/* Equal keys keep document order, so the later one is reported. */
	return x->node < y->node ? -1 : x->node > y->node;
}

/*
 * Duplicate keys: YAML 1.2 says a mapping's keys are unique, and libyaml
 * leaves it to the application. Sorting each mapping's scalar keys keeps
 * the check O(n log n) for the widest mapping allowed.
 */
static int check_duplicates(struct tl_yaml *y, struct tl_diag *d)
{
	yaml_node_t *n;
	struct key_ref *keys = NULL;
	size_t cap = 0;
	int err = 0;

	for (n = y->doc.nodes.start; n < y->doc.nodes.top; n++) {
		int i, len = tl_yaml_map_len(n), k = 0;

		if (len < 2)
			continue;
		TL_VEC_RESERVE(keys, cap, (size_t)len);
		for (i = 0; i < len; i++) {
			yaml_node_t *kn = tl_yaml_map_key(y, n, i);

			if (!tl_yaml_is_scalar(kn))
				continue;
			keys[k].s = (const char *)kn->data.scalar.value;
			keys[k].len = kn->data.scalar.length;
			keys[k].node = kn;
			k++;
		}
		qsort(keys, (size_t)k, sizeof(*keys), cmp_key);
		for (i = 1; i < k; i++) {
			if (keys[i].len != keys[i - 1].len ||
			    memcmp(keys[i].s, keys[i - 1].s, keys[i].len))
				continue;
			tl_yaml_error(
				y, keys[i].node, d,
				"duplicate key '%.*s' (first at line %d)",
				(int)(keys[i].len > 80 ? 80 : keys[i].len),
				keys[i].s, tl_yaml_line(keys[i - 1].node));
			err = -EINVAL;
		}
	}
	free(keys);
	return err;
}

int tl_yaml_load(struct tl_yaml *y, const char *path, const char *text,
		 size_t len, struct tl_diag *d)
{
	yaml_parser_t p;
	struct stat st;
	char *buf = NULL;
	int err = 0;

	memset(y, 0, sizeof(*y));
	y->path = path;
	if (!text) {
		/* Refuse a huge file before reading it into memory. */
		if (stat(path, &st) == 0 && st.st_size > TL_YAML_MAX_BYTES)
			len = (size_t)st.st_size;
		else if ((err = tl_read_file(path, &buf, &len)) != 0) {
			tl_diag_add(d, path, 0, 0, "cannot read: %s",
				    strerror(-err));
			return err;
		}
		text = buf;
	}
	if (len > TL_YAML_MAX_BYTES) {
		tl_diag_add(d, path, 0, 0,
			    "larger than %d MiB; refusing to parse it",
			    TL_YAML_MAX_BYTES >> 20);
		free(buf);
		return -EFBIG;
	}
	err = scan_events(path, text, len, d);
	if (err) {
		free(buf);
		return err;
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
		err = check_duplicates(y, d);
		if (err) /* callers release only what loaded */
			tl_yaml_release(y);
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
	if (tl_strtod(s, &end, &v) || *end) {
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
