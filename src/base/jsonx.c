/*
 * jsonx.c - lenient numbers on top of jansson (see jsonx.h).
 *
 * One pass over the text, outside strings, finds number tokens that
 * strtod() or strtoll() cannot hold and overwrites each, in a copy, with
 * the JSON string "\t" padded with spaces: a token that overflows is at
 * least 5 bytes ("1e309"), the marker 4, so every other byte keeps its
 * line and column. A results file never holds a lone tab as a value, so
 * after parsing, members and elements equal to the marker are removed.
 */
#include "base/jsonx.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static const char marker[] = "\t";

static int num_char(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
	       c == 'e' || c == 'E';
}

/* 1 when the token [s, s+n) is a number jansson would refuse. */
static int out_of_range(const char *s, size_t n)
{
	char *tmp = xstrndup(s, n), *end;
	size_t i;
	int real = 0, bad;

	for (i = 0; i < n; i++)
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
			real = 1;
	errno = 0;
	if (real) {
		double v = strtod(tmp, &end);

		bad = errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL);
	} else {
		(void)strtoll(tmp, &end, 10);
		bad = errno == ERANGE;
	}
	free(tmp);
	return bad;
}

/* Removes every marker value below v. */
static void prune(json_t *v)
{
	const char *k;
	json_t *x;
	void *tmp;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach_safe(v, tmp, k, x)
		{
			if (json_is_string(x) &&
			    !strcmp(json_string_value(x), marker))
				json_object_del(v, k);
			else
				prune(x);
		}
	} else if (json_is_array(v)) {
		for (i = json_array_size(v); i-- > 0;) {
			x = json_array_get(v, i);
			if (json_is_string(x) &&
			    !strcmp(json_string_value(x), marker))
				json_array_remove(v, i);
			else
				prune(x);
		}
	}
}

json_t *tl_json_parse(const char *path, const char *text, size_t len,
		      struct tl_diag *dropped, json_error_t *je)
{
	char *copy = NULL;
	size_t i = 0, start;
	int line = 1, col = 1, in_str = 0, ndropped = 0;
	json_t *root;

	if (len > TL_JSON_MAX_BYTES) {
		memset(je, 0, sizeof(*je));
		snprintf(je->text, sizeof(je->text),
			 "larger than %d MiB; refusing to parse it",
			 TL_JSON_MAX_BYTES >> 20);
		return NULL;
	}
	while (i < len) {
		char c = text[i];

		if (in_str) {
			if (c == '\\' && i + 1 < len) {
				i += 2;
				col += 2;
				continue;
			}
			if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			start = i;
			while (i < len && num_char(text[i]))
				i++;
			if (i - start >= 4 &&
			    out_of_range(text + start, i - start)) {
				if (!copy) {
					copy = xmalloc(len + 1);
					memcpy(copy, text, len);
					copy[len] = '\0';
				}
				memset(copy + start, ' ', i - start);
				memcpy(copy + start, "\"\\t\"", 4);
				if (dropped)
					tl_diag_add(dropped, path, line, col,
						    "number %.*s%s does not "
						    "fit a double; value "
						    "dropped",
						    (int)(i - start > 40
								  ? 40
								  : i - start),
						    text + start,
						    i - start > 40 ? "..."
								   : "");
				ndropped++;
			}
			col += (int)(i - start);
			continue;
		}
		if (c == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
		i++;
	}
	root = json_loadb(copy ? copy : text, len, JSON_REJECT_DUPLICATES, je);
	free(copy);
	if (root && ndropped)
		prune(root);
	return root;
}

const char *tl_json_str(json_t *o, const char *key, const char *dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : dflt;
}
