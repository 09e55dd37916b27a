/*
 * export.c - JUnit XML, CSV, GitHub annotations and job summary from one
 * list of gate cases (export.h).
 *
 * Every writer escapes for its own format here and nowhere else: XML
 * entities (and control characters dropped), CSV quotes doubled inside
 * quoted cells, workflow-command data with %25 %0D %0A (and %3A %2C in
 * properties), Markdown pipes and newlines in table cells.
 *
 * Sample (JUnit):
 *   <testsuites tests="31" failures="2" skipped="9">
 *    <testsuite name="claims/zig-go-traps.yaml" tests="31" ...>
 *     <testcase classname="2.1" name="alloc-arena-25ns: ..."/>
 */
#include "report/export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/mdreport.h"

#include "base/banned.h"

static void xml_text(struct tl_buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			tl_buf_puts(b, "&lt;");
		else if (c == '>')
			tl_buf_puts(b, "&gt;");
		else if (c == '&')
			tl_buf_puts(b, "&amp;");
		else if (c == '"')
			tl_buf_puts(b, "&quot;");
		else if (c == '\n' || c == '\t')
			tl_buf_append(b, s, 1);
		else if (c >= 0x20 && c != 0x7f)
			tl_buf_append(b, s, 1);
	}
}

static void count(const struct tl_case *c, size_t n, size_t *fail, size_t *skip)
{
	size_t i;

	*fail = *skip = 0;
	for (i = 0; i < n; i++) {
		*fail += c[i].outcome == TL_CASE_FAIL;
		*skip += c[i].outcome == TL_CASE_SKIP;
	}
}

static void junit_case(struct tl_buf *out, const struct tl_case *c)
{
	tl_buf_puts(out, "    <testcase classname=\"");
	xml_text(out, c->classname ? c->classname : "traplab");
	tl_buf_puts(out, "\" name=\"");
	xml_text(out, c->id);
	if (c->title) {
		tl_buf_puts(out, ": ");
		xml_text(out, c->title);
	}
	tl_buf_puts(out, "\"");
	if (c->file) {
		tl_buf_puts(out, " file=\"");
		xml_text(out, c->file);
		tl_buf_printf(out, "\" line=\"%d\"", c->line);
	}
	if (c->outcome == TL_CASE_PASS && !c->detail) {
		tl_buf_puts(out, "/>\n");
		return;
	}
	tl_buf_puts(out, ">\n");
	if (c->outcome != TL_CASE_PASS) {
		tl_buf_puts(out, c->outcome == TL_CASE_FAIL
					 ? "      <failure type=\""
					 : "      <skipped type=\"");
		xml_text(out, c->status);
		tl_buf_puts(out, "\" message=\"");
		xml_text(out, c->message ? c->message : c->status);
		tl_buf_puts(out, "\">");
		xml_text(out, c->detail);
		tl_buf_puts(out, c->outcome == TL_CASE_FAIL ? "</failure>\n"
							    : "</skipped>\n");
	}
	if (c->detail) {
		tl_buf_puts(out, "      <system-out>");
		xml_text(out, c->status);
		tl_buf_puts(out, ": ");
		xml_text(out, c->detail);
		tl_buf_puts(out, "</system-out>\n");
	}
	tl_buf_puts(out, "    </testcase>\n");
}

void tl_export_junit(struct tl_buf *out, const char *suite,
		     const struct tl_case *c, size_t n)
{
	size_t fail, skip, i;

	count(c, n, &fail, &skip);
	tl_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	tl_buf_printf(out,
		      "<testsuites name=\"traplab\" tests=\"%zu\" "
		      "failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
		      n, fail, skip);
	tl_buf_puts(out, "  <testsuite name=\"");
	xml_text(out, suite);
	tl_buf_printf(out,
		      "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		      "skipped=\"%zu\">\n",
		      n, fail, skip);
	for (i = 0; i < n; i++)
		junit_case(out, &c[i]);
	tl_buf_puts(out, "  </testsuite>\n</testsuites>\n");
}

void tl_export_csv_row(struct tl_buf *out, const char *const *cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *s = cells[i] ? cells[i] : "";

		if (i)
			tl_buf_puts(out, ",");
		if (!s[strcspn(s, ",\"\r\n")]) {
			tl_buf_puts(out, s);
			continue;
		}
		tl_buf_puts(out, "\"");
		for (; *s; s++) {
			if (*s == '"')
				tl_buf_puts(out, "\"\"");
			else
				tl_buf_append(out, s, 1);
		}
		tl_buf_puts(out, "\"");
	}
	tl_buf_puts(out, "\r\n");
}

/* Workflow-command escaping; prop adds ':' and ','. */
static void gh_escape(struct tl_buf *b, const char *s, int prop)
{
	for (; s && *s; s++) {
		if (*s == '%')
			tl_buf_puts(b, "%25");
		else if (*s == '\r')
			tl_buf_puts(b, "%0D");
		else if (*s == '\n')
			tl_buf_puts(b, "%0A");
		else if (prop && *s == ':')
			tl_buf_puts(b, "%3A");
		else if (prop && *s == ',')
			tl_buf_puts(b, "%2C");
		else
			tl_buf_append(b, s, 1);
	}
}

void tl_export_github_annotations(struct tl_buf *out, const struct tl_case *c,
				  size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct tl_buf t = TL_BUF_INIT;

		if (c[i].outcome == TL_CASE_PASS)
			continue;
		tl_buf_puts(out, c[i].outcome == TL_CASE_FAIL ? "::error "
							      : "::warning ");
		if (c[i].file) {
			tl_buf_puts(out, "file=");
			gh_escape(out, c[i].file, 1);
			tl_buf_printf(out, ",line=%d,", c[i].line);
		}
		tl_buf_printf(&t, "%s %s", c[i].id,
			      c[i].status ? c[i].status : "");
		tl_buf_puts(out, "title=");
		gh_escape(out, tl_buf_str(&t), 1);
		tl_buf_puts(out, "::");
		gh_escape(out, c[i].message ? c[i].message : c[i].status, 0);
		if (c[i].detail) {
			tl_buf_puts(out, " (");
			gh_escape(out, c[i].detail, 0);
			tl_buf_puts(out, ")");
		}
		tl_buf_puts(out, "\n");
		tl_buf_release(&t);
	}
}

static void summary_rows(struct tl_buf *out, const struct tl_case *c, size_t n,
			 enum tl_case_outcome want)
{
	static const char *const mark[] = {"pass", "**FAIL**", "skip"};
	size_t i;

	for (i = 0; i < n; i++) {
		if (c[i].outcome != want)
			continue;
		tl_buf_printf(out, "| %s | `", mark[want]);
		tl_md_cell(out, c[i].id);
		tl_buf_puts(out, "` | ");
		tl_md_cell(out, c[i].status);
		tl_buf_puts(out, " | ");
		tl_md_cell(out, c[i].detail ? c[i].detail : c[i].message);
		tl_buf_puts(out, " |\n");
	}
}

void tl_export_github_summary(struct tl_buf *out, const char *heading,
			      const struct tl_case *c, size_t n)
{
	size_t fail, skip;

	count(c, n, &fail, &skip);
	tl_buf_printf(out, "### %s\n\n", heading);
	tl_buf_printf(out,
		      "%s %zu checked: %zu passed, %zu failed, %zu "
		      "not decided here\n\n",
		      fail ? ":x:" : ":white_check_mark:", n, n - fail - skip,
		      fail, skip);
	tl_buf_puts(out, "| | id | result | measured |\n|---|---|---|---|\n");
	summary_rows(out, c, n, TL_CASE_FAIL);
	summary_rows(out, c, n, TL_CASE_SKIP);
	summary_rows(out, c, n, TL_CASE_PASS);
	tl_buf_puts(out, "\n");
}

int tl_export_github(const char *heading, const struct tl_case *c, size_t n,
		     struct tl_buf *err)
{
	const char *path = getenv("GITHUB_STEP_SUMMARY");
	struct tl_buf b = TL_BUF_INIT;
	FILE *f;
	int rc = 0;

	tl_export_github_annotations(&b, c, n);
	fputs(tl_buf_str(&b), stdout);
	fflush(stdout);
	if (!path || !*path)
		goto out;
	b.len = 0;
	tl_export_github_summary(&b, heading, c, n);
	f = fopen(path, "a");
	if (!f || fwrite(b.s, 1, b.len, f) != b.len) {
		rc = -errno;
		tl_buf_printf(err, "cannot append to '%s': %s", path,
			      strerror(errno));
	}
	if (f && fclose(f) && !rc) {
		rc = -errno;
		tl_buf_printf(err, "cannot append to '%s': %s", path,
			      strerror(errno));
	}
out:
	tl_buf_release(&b);
	return rc;
}
