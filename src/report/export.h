/*
 * export.h - the formats CI systems read, shared by `claims` and
 * `slo check`: JUnit XML (one test case per claim or objective), CSV
 * (RFC 4180), GitHub Actions workflow commands (annotations) and a
 * Markdown job summary ($GITHUB_STEP_SUMMARY).
 *
 * A command turns its results into an array of struct tl_case (plus, for
 * CSV, a header and rows of cells) and the writers here do the quoting
 * and escaping, so that no command writes XML or CSV by hand.
 *
 * JUnit: the de-facto schema read by Jenkins, GitLab and the GitHub
 * test-report actions (testsuites > testsuite > testcase, with
 * <failure message type> or <skipped message>, counts as attributes).
 * GitHub: "::error file=F,line=L,title=T::message", with '%', CR and LF
 * escaped in the message and also ':' and ',' in properties, as the
 * workflow-command documentation says.
 */
#ifndef TL_EXPORT_H
#define TL_EXPORT_H

#include <stddef.h>

#include "base/util.h"

enum tl_case_outcome {
	TL_CASE_PASS,
	TL_CASE_FAIL,
	TL_CASE_SKIP /* could not be decided here (UNTESTABLE, NODATA) */
};

/* One gate item. Strings are borrowed; any may be NULL except id. */
struct tl_case {
	const char *classname; /* section or SLO file: groups the cases */
	const char *id;	       /* claim id, objective name */
	const char *title;     /* one line for people */
	const char *status;    /* HOLDS, REFUTED, pass, fail ... */
	enum tl_case_outcome outcome;
	const char *message; /* why it failed or was skipped, one line */
	const char *detail;  /* measured vs claimed, longer text */
	const char *file;    /* where it is declared, for annotations */
	int line;
};

/*
 * JUnit XML for n cases in one suite named suite into out. A well-formed
 * UTF-8 document; control characters other than tab/newline are dropped
 * (XML 1.0 cannot carry them).
 */
void tl_export_junit(struct tl_buf *out, const char *suite,
		     const struct tl_case *c, size_t n);

/* One CSV record of n cells (NULL cells are empty), CRLF-terminated. */
void tl_export_csv_row(struct tl_buf *out, const char *const *cells, size_t n);

/*
 * GitHub Actions annotations: one "::error" line per failed case and one
 * "::warning" per skipped one (passes are silent).
 */
void tl_export_github_annotations(struct tl_buf *out, const struct tl_case *c,
				  size_t n);

/*
 * A Markdown job summary: heading, one-line counts, and a table of the
 * cases that failed or were skipped, then the passes (all listed).
 */
void tl_export_github_summary(struct tl_buf *out, const char *heading,
			      const struct tl_case *c, size_t n);

/*
 * Writes annotations to stdout and appends the summary to the file named
 * by $GITHUB_STEP_SUMMARY when it is set and not empty. 0 or -errno
 * (the summary file could not be opened; reason in err).
 */
int tl_export_github(const char *heading, const struct tl_case *c, size_t n,
		     struct tl_buf *err);

#endif
