/*
 * mdreport.c - verdicts as GitHub-flavoured Markdown.
 *
 * The table keeps one line per claim so it can be pasted whole; long
 * reasons and caveats go to numbered notes under it. Pipes and newlines
 * in text are escaped so a cell never breaks the table.
 */
#include "report/mdreport.h"

#include <stdio.h>
#include <string.h>

#include "analyze/evidence.h"
#include "report/verdictcols.h"

#include "base/banned.h"

void tl_md_cell(struct tl_buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			tl_buf_puts(b, "\\|");
		else if (*s == '\n' || *s == '\r')
			tl_buf_puts(b, " ");
		else
			tl_buf_append(b, s, 1);
	}
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

void tl_mdreport_machine(struct tl_buf *b, json_t *env)
{
	json_t *numa = json_object_get(env, "numa_nodes");

	if (!env) {
		tl_buf_puts(b, "unknown machine");
		return;
	}
	tl_buf_printf(b, "%s, %lld CPUs, Linux %s",
		      str(env, "cpu_model") ? str(env, "cpu_model") : "CPU ?",
		      json_integer_value(json_object_get(env, "cpus")),
		      str(env, "kernel") ? str(env, "kernel") : "?");
	if (json_is_true(json_object_get(env, "virtualised")))
		tl_buf_printf(b, ", virtualised (%s)",
			      str(env, "hypervisor") ? str(env, "hypervisor")
						     : "?");
	if (json_is_true(json_object_get(env, "pmu")))
		tl_buf_puts(b, ", PMU present");
	else
		tl_buf_printf(b, ", no PMU (%s)",
			      str(env, "pmu_reason") ? str(env, "pmu_reason")
						     : "reason unknown");
	if (json_is_integer(numa))
		tl_buf_printf(b, ", %lld NUMA node%s", json_integer_value(numa),
			      json_integer_value(numa) == 1 ? "" : "s");
	if (str(env, "valgrind"))
		tl_buf_printf(b, ", valgrind %s", str(env, "valgrind"));
}

void tl_mdreport_toolchains(struct tl_buf *b, json_t *env)
{
	size_t at = b->len;

	tl_evidence_toolchains(b, env);
	if (b->len == at)
		tl_buf_puts(b, "unknown");
}

void tl_mdreport_run(struct tl_buf *b, json_t *const *runs, size_t nruns)
{
	json_t *opts = nruns ? json_object_get(runs[0], "options") : NULL;

	tl_buf_printf(b, "%s, counters %s, started %s",
		      json_is_true(json_object_get(opts, "quick")) ? "quick"
								   : "full",
		      str(opts, "counters") ? str(opts, "counters") : "?",
		      nruns && str(runs[0], "started_utc")
			      ? str(runs[0], "started_utc")
			      : "?");
	if (nruns > 1)
		tl_buf_printf(b, " (%zu runs combined)", nruns);
}

/*
 * Column k of claim c as Markdown: the id in backticks, the claim with its
 * quantity, the verdict in bold with a numbered note (appended to notes)
 * when it has a reason or notes.
 */
static void md_col(struct tl_buf *out, enum tl_verdictcol k,
		   const struct tl_claim *c, const struct tl_verdict *v,
		   struct tl_buf *notes, size_t *nnotes)
{
	struct tl_buf t = TL_BUF_INIT;

	tl_verdictcols_cell(&t, k, c, v);
	if (k == TL_VCOL_ID) {
		tl_buf_puts(out, "`");
		tl_md_cell(out, tl_buf_str(&t));
		tl_buf_puts(out, "`");
	} else if (k == TL_VCOL_VERDICT) {
		tl_buf_printf(out, "**%s**", tl_buf_str(&t));
	} else {
		tl_md_cell(out, tl_buf_str(&t));
	}
	tl_buf_release(&t);
	if (k == TL_VCOL_CLAIM && c->quantity) {
		tl_buf_puts(out, "<br>*quantity:* ");
		tl_md_cell(out, c->quantity);
	}
	if (k == TL_VCOL_VERDICT && (v->reason || v->notes)) {
		++*nnotes;
		tl_buf_printf(out, " [%zu]", *nnotes);
		tl_buf_printf(notes, "%zu. `%s`: ", *nnotes, c->id);
		tl_md_cell(notes, v->reason);
		if (v->reason && v->notes)
			tl_buf_puts(notes, "; ");
		tl_md_cell(notes, v->notes);
		tl_buf_puts(notes, "\n");
	}
}

void tl_mdreport_render(struct tl_buf *out, const struct tl_claimset *cs,
			const struct tl_verdict *v, json_t *const *runs,
			size_t nruns, const struct tl_verdict_opts *o, size_t m)
{
	json_t *env = nruns ? json_object_get(runs[0], "env") : NULL;
	size_t counts[TL_VERDICT_COUNT_], i, nnotes = 0;
	struct tl_buf notes = TL_BUF_INIT;
	enum tl_verdictcol k;

	tl_verdict_count(v, cs->nclaims, counts);
	tl_buf_printf(out, "# Verdicts: %s\n\n", cs->title);
	if (cs->source)
		tl_buf_printf(out, "Claims from `%s`, file `%s`.\n\n",
			      cs->source, cs->path);
	tl_buf_puts(out, "- Machine: ");
	tl_mdreport_machine(out, env);
	tl_buf_puts(out, "\n- Toolchains: ");
	tl_mdreport_toolchains(out, env);
	tl_buf_puts(out, "\n- Run: ");
	tl_mdreport_run(out, runs, nruns);
	tl_buf_puts(out, "\n");
	tl_buf_printf(out,
		      "- Method: intervals of medians from the raw samples "
		      "by %s; %zu numeric claims widened together (%s, "
		      "family-wise alpha %.2g); equivalence by TOST; facts "
		      "compared as strings\n\n",
		      tl_verdict_interval_name(o), m, tl_adjust_name(o->adjust),
		      o->alpha);
	tl_buf_printf(out,
		      "**%zu claims: %zu hold, %zu refuted, %zu inconclusive, "
		      "%zu untestable.**\n\n",
		      cs->nclaims, counts[TL_VERDICT_HOLDS],
		      counts[TL_VERDICT_REFUTED],
		      counts[TL_VERDICT_INCONCLUSIVE],
		      counts[TL_VERDICT_UNTESTABLE]);
	if (cs->nfile > cs->nclaims)
		tl_buf_printf(out,
			      "Only %zu of the file's %zu claims were judged "
			      "(--only); the family-wise correction counts "
			      "these only.\n\n",
			      cs->nclaims, cs->nfile);
	for (k = 0; k < TL_VCOL_COUNT_; k++)
		tl_buf_printf(out, "| %s ", tl_verdictcols[k].doc_head);
	tl_buf_puts(out, "|\n");
	for (k = 0; k < TL_VCOL_COUNT_; k++)
		tl_buf_puts(out, "|---");
	tl_buf_puts(out, "|\n");
	for (i = 0; i < cs->nclaims; i++) {
		for (k = 0; k < TL_VCOL_COUNT_; k++) {
			tl_buf_puts(out, k ? " | " : "| ");
			md_col(out, k, &cs->claims[i], &v[i], &notes, &nnotes);
		}
		tl_buf_puts(out, " |\n");
	}
	if (nnotes) {
		tl_buf_puts(out, "\nNotes:\n\n");
		tl_buf_puts(out, tl_buf_str(&notes));
	}
	tl_buf_puts(out, "\nHOLDS: the whole CI lies inside the claimed range; "
			 "REFUTED: wholly outside; INCONCLUSIVE: it straddles "
			 "a bound; UNTESTABLE: this machine or run cannot "
			 "measure it (reason given).\n");
	tl_buf_release(&notes);
}
