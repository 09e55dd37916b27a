/*
 * help.c - `traplab help claims` (help.h).
 *
 * Every list below is expanded from an X-macro table or read from an
 * accessor of the module that owns it; only the prose is written here.
 */
#include "cmd/help.h"

#include "analyze/claims.h"
#include "analyze/verdict.h"
#include "base/term.h"
#include "base/banned.h"

static void units(FILE *f)
{
	enum tl_dim d, dim;
	double factor;
	const char *u;
	size_t i;

	for (d = 0; d < TL_DIM_COUNT_; d++) {
		int any = 0;

		fprintf(f, "  %-9s", tl_dim_name(d));
		for (i = 0; (u = tl_metric_unit_at(i, &dim, &factor)); i++)
			if (dim == d)
				fprintf(f, "%s%s", any++ ? ", " : "", u);
		fprintf(f, "%s\n", any ? "" : "(a plain number)");
	}
}

static void verdict(FILE *f, enum tl_verdict_kind k)
{
	struct tl_buf b = TL_BUF_INIT;

	tl_term_wrap(&b, tl_verdict_meaning(k), 78, 16, 16);
	fprintf(f, "  %-13s %s", tl_verdict_name(k), tl_buf_str(&b) + 16);
	tl_buf_release(&b);
}

void tl_help_claims(FILE *f)
{
	int k;

	fputs("The claim language (claims/README.md has the long form)\n\n"
	      "A claim file is YAML: title, source, features, claims. Each "
	      "claim:\n"
	      "  - id: alloc-tcmalloc-25ns     # unique; shown in every "
	      "report\n"
	      "    section: \"2.1\"              # of the source\n"
	      "    claim: tcmalloc malloc(64) takes about 25 ns\n"
	      "    quantity: one malloc+free pair of 64 bytes\n"
	      "    measure: {experiment: alloc, variant: c.tcmalloc,\n"
	      "              metric: ns_per_op, params: {size: 64}}\n"
	      "    predicate: {approx: 25 ns, tol: 50%}\n"
	      "    needs: [pmu]                # optional\n"
	      "    expect: HOLDS               # optional: the CI gate "
	      "(--junit)\n\n"
	      "measure: one variant's metric, or ratio: [A, B] / diff: [A, "
	      "B] of two\nvariants (median A / median B, A - B), or a fact "
	      "instead of a metric;\nstat: median (default), p50, p90, p99, "
	      "p999.\n\npredicates (key, as shown in tables):\n",
	      f);
#define X(id, key, sym) fprintf(f, "  %-11s %s\n", key, sym);
	TL_PREDS(X)
#undef X
	fputs("approx takes tol (a quantity or a percentage of the value); "
	      "equivalent\ntakes margin and is decided by two one-sided "
	      "tests (TOST).\n\nquantities carry units that must fit the "
	      "metric's dimension:\n",
	      f);
	units(f);
	fputs("\nneeds (a claim this machine cannot test is UNTESTABLE, with "
	      "why):\n ",
	      f);
#define X(id, name) fprintf(f, " %s", name);
	TL_NEEDS(X)
#undef X
	fputs("\n\nverdicts:\n", f);
	for (k = 0; k < TL_VERDICT_COUNT_; k++)
		verdict(f, (enum tl_verdict_kind)k);
	fputs("\nfamily-wise correction (--adjust):", f);
#define X(id, name) fprintf(f, " %s", name);
	TL_ADJUSTS(X)
#undef X
	fputs(" (default holm)\n\nexamples:\n"
	      "  traplab claims --check              # parse and resolve "
	      "only\n"
	      "  traplab claims --quick              # run what the claims "
	      "need, judge\n"
	      "  traplab explain alloc-tcmalloc-25ns # one claim's "
	      "evidence\n",
	      f);
}
