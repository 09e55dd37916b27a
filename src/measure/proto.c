/*
 * proto.c - strict parser of the workload protocol (see proto.h).
 */
#include "measure/proto.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"

#include "base/banned.h"

static int is_name(const char *s, size_t n)
{
	if (!n || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* Parses an unsigned decimal of exactly n chars. */
static int parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (!n || n > 20)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Splits off the next space-separated word of line[0..n) at *pos. */
static int word(const char *line, size_t n, size_t *pos, const char **w,
		size_t *wl)
{
	size_t i = *pos;

	while (i < n && line[i] == ' ')
		i++;
	if (i >= n)
		return 0;
	*w = line + i;
	while (i < n && line[i] != ' ')
		i++;
	*wl = (size_t)(line + i - *w);
	*pos = i;
	return 1;
}

static void show(char *dst, size_t dn, const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 5 < dn && i < 60; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f) {
			dst[k++] = (char)c;
		} else {
			snprintf(dst + k, dn - k, "\\x%02x", c);
			k += 4;
		}
	}
	if (i < n && k + 4 < dn) {
		memcpy(dst + k, "...", 3);
		k += 3;
	}
	dst[k] = '\0';
}

static int parse_line(struct tl_proto *p, const char *line, size_t n, char *why,
		      size_t whyn)
{
	const char *kw, *a, *b;
	size_t kl, al, bl, pos = 0;

	if (!word(line, n, &pos, &kw, &kl))
		return 0; /* blank */
	if (kl == 6 && memcmp(kw, "sample", 6) == 0) {
		struct tl_proto_sample s;

		if (!word(line, n, &pos, &a, &al) ||
		    !word(line, n, &pos, &b, &bl) ||
		    word(line, n, &pos, &kw, &kl)) {
			snprintf(why, whyn, "expected 'sample NS OPS'");
			return -EINVAL;
		}
		if (parse_u64(a, al, &s.ns) || parse_u64(b, bl, &s.ops) ||
		    s.ops == 0) {
			snprintf(
				why, whyn,
				"sample: NS and OPS must be unsigned integers, "
				"OPS > 0");
			return -EINVAL;
		}
		TL_VEC_PUSH(p->samples, p->nsamples, p->cap_samples, s);
		return 0;
	}
	if (kl == 6 && memcmp(kw, "metric", 6) == 0) {
		char num[64], *end;
		double v;

		if (!word(line, n, &pos, &a, &al) ||
		    !word(line, n, &pos, &b, &bl) ||
		    word(line, n, &pos, &kw, &kl)) {
			snprintf(why, whyn, "expected 'metric NAME VALUE'");
			return -EINVAL;
		}
		if (!is_name(a, al)) {
			snprintf(why, whyn,
				 "metric: NAME must be [a-z0-9_]{1,64}");
			return -EINVAL;
		}
		if (bl >= sizeof(num)) {
			snprintf(why, whyn, "metric: VALUE too long");
			return -EINVAL;
		}
		memcpy(num, b, bl);
		num[bl] = '\0';
		if (tl_strtod(num, &end, &v) || *end) {
			snprintf(why, whyn,
				 "metric: VALUE must be a finite number");
			return -EINVAL;
		}
		TL_VEC_RESERVE(p->metrics, p->cap_metrics, p->nmetrics + 1);
		p->metrics[p->nmetrics].name = xstrndup(a, al);
		p->metrics[p->nmetrics].value = v;
		p->nmetrics++;
		return 0;
	}
	if (kl == 4 && memcmp(kw, "fact", 4) == 0) {
		size_t vstart;

		if (!word(line, n, &pos, &a, &al) || !is_name(a, al)) {
			snprintf(why, whyn,
				 "expected 'fact NAME VALUE' with NAME "
				 "[a-z0-9_]{1,64}");
			return -EINVAL;
		}
		vstart = pos;
		while (vstart < n && line[vstart] == ' ')
			vstart++;
		if (vstart >= n) {
			snprintf(why, whyn, "fact: VALUE missing");
			return -EINVAL;
		}
		for (size_t i = vstart; i < n; i++)
			if ((unsigned char)line[i] < 0x20 && line[i] != '\t') {
				snprintf(why, whyn,
					 "fact: control character in VALUE");
				return -EINVAL;
			}
		tl_strv_push_owned(&p->fact_names, xstrndup(a, al));
		tl_strv_push_owned(&p->fact_values,
				   xstrndup(line + vstart, n - vstart));
		return 0;
	}
	snprintf(why, whyn, "not a protocol line (sample, metric or fact)");
	return -EINVAL;
}

int tl_proto_parse(struct tl_proto *p, const char *buf, size_t len, char *err,
		   size_t errn)
{
	size_t off = 0, lineno = 0;

	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t raw = nl ? (size_t)(nl - (buf + off)) : len - off;
		size_t n = raw;
		char why[128], shown[128];

		lineno++;
		if (n && buf[off + n - 1] == '\r')
			n--;
		if (memchr(buf + off, '\0', n)) {
			snprintf(err, errn, "line %zu: NUL byte in output",
				 lineno);
			return -EINVAL;
		}
		if (parse_line(p, buf + off, n, why, sizeof(why))) {
			show(shown, sizeof(shown), buf + off, n);
			snprintf(err, errn, "line %zu: %s: '%s'", lineno, why,
				 shown);
			return -EINVAL;
		}
		off += raw + (nl ? 1 : 0);
	}
	return 0;
}

void tl_proto_release(struct tl_proto *p)
{
	for (size_t i = 0; i < p->nmetrics; i++)
		free(p->metrics[i].name);
	free(p->metrics);
	free(p->samples);
	tl_strv_release(&p->fact_names);
	tl_strv_release(&p->fact_values);
	memset(p, 0, sizeof(*p));
}
