/*
 * runsched.c - how a case is sampled: calibration, the interleaved rounds
 * of a loop experiment and the starts of a process experiment.
 *
 * Sizing: a sample must last at least max(1 ms, 1000 x the measured clock
 * resolution) for the fastest variant. A calibration pass runs each
 * variant with growing OPS until one batch is long enough, then every
 * variant of the case uses the same OPS (capped so the slowest variant's
 * sample stays under 10 x the target, and by the experiment's max_ops).
 *
 * Ordering: round r runs the variants rotated by r/2, reversed on odd
 * rounds: for two variants AB BA BA AB, a balanced Latin square, so a
 * linear drift and first-run effects hit every variant alike.
 */
#include "measure/run_int.h"
#include "measure/runner.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/proc.h"
#include "base/stats.h"

#include "base/banned.h"

/*
 * A probe's facts depend only on its binary, the variant it runs as, its
 * params and the toolchains it drives, so they are cached under a hash of
 * those: a compile probe that takes a minute (Zig ReleaseSafe) runs once
 * per toolchain version, not once per run. The variant's name counts:
 * the variants of one experiment and language share a binary, and
 * without it go.none's calibration (3 ns/op) sized go.loop_defer's
 * samples (520 ns/op), and back.
 */
static char *probe_cache_path(struct ctx *c, const struct vrun *vr,
			      const struct tl_strv *cparams, const char *kind)
{
	uint64_t h = TL_FNV_SEED;

	h = tl_fnv1a(h, vr->build->bin, strlen(vr->build->bin) + 1);
	h = tl_fnv1a(h, vr->v->name, strlen(vr->v->name) + 1);
	for (size_t i = 0; i < cparams->n; i++)
		h = tl_fnv1a(h, cparams->v[i], strlen(cparams->v[i]) + 1);
	for (size_t i = 0; i < vr->v->nparams; i++) {
		h = tl_fnv1a(h, vr->v->params[i].key,
			     strlen(vr->v->params[i].key) + 1);
		h = tl_fnv1a(h, vr->v->params[i].val,
			     strlen(vr->v->params[i].val) + 1);
	}
	for (int l = 0; l < TL_LANG_COUNT; l++) {
		const char *ver = c->env.tools.lang[l].version;

		h = tl_fnv1a(h, ver ? ver : "-", strlen(ver ? ver : "-") + 1);
	}
	if (!strcmp(kind, "calib"))
		h = tl_fnv1a(h, &c->target_ns, sizeof(c->target_ns));
	return xasprintf("%s/.cache/probes/%016llx.%s", c->o->root,
			 (unsigned long long)h, kind);
}

/* Loads cached probe facts ("NAME VALUE" lines); 1 when found. */
static int probe_cached(const char *path, struct vrun *vr)
{
	struct tl_proto p = TL_PROTO_INIT;
	char *text, err[64];
	size_t n;

	if (tl_read_file(path, &text, &n))
		return 0;
	if (tl_proto_parse(&p, text, n, err, sizeof(err)) == 0 &&
	    p.fact_names.n) {
		tl__run_add_facts(vr, &p);
		vr->nok++;
		vr->facts_only = 1;
		vr->probe_cached = 1;
	}
	tl_proto_release(&p);
	free(text);
	return vr->facts_only;
}

static void probe_store(const char *path, const struct tl_proto *p)
{
	struct tl_buf b = TL_BUF_INIT;
	char *dir = xstrdup(path);

	for (size_t i = 0; i < p->fact_names.n; i++)
		tl_buf_printf(&b, "fact %s %s\n", p->fact_names.v[i],
			      p->fact_values.v[i]);
	*strrchr(dir, '/') = '\0';
	if (tl_mkdirs(dir) == 0)
		tl_write_file_atomic(path, tl_buf_str(&b), b.len);
	free(dir);
	tl_buf_release(&b);
}

/*
 * The calibrated ns/op of a binary with these params, toolchains and
 * sample target, from an earlier run (0 when none). Keeping it means the
 * next run skips the calibration processes and, as important, uses the
 * same OPS per sample as the last: a sample size that moved with the
 * machine's load from run to run was a source of run-to-run spread.
 */
static double calib_cached(struct ctx *c, const struct vrun *vr,
			   const struct tl_strv *cparams)
{
	char *path = probe_cache_path(c, vr, cparams, "calib"), *text, *end;
	double est = 0;
	size_t n;

	if (tl_read_file(path, &text, &n) == 0) {
		est = strtod(text, &end);
		if (end == text || !(est > 0) || !isfinite(est))
			est = 0;
		free(text);
	}
	free(path);
	return est;
}

static void calib_store(struct ctx *c, const struct vrun *vr,
			const struct tl_strv *cparams, double est)
{
	char *path = probe_cache_path(c, vr, cparams, "calib");
	char *dir = xstrdup(path), num[40];

	snprintf(num, sizeof(num), "%.17g\n", est);
	*strrchr(dir, '/') = '\0';
	if (tl_mkdirs(dir) == 0)
		tl_write_file_atomic(path, num, strlen(num));
	free(dir);
	free(path);
}

/*
 * Calibration: grows OPS until one batch lasts a tenth of the target, and
 * returns the variant's ns per op estimate (0 when it failed); cached.
 */
static double calibrate(struct ctx *c, const struct tl_experiment *e,
			struct vrun *vr, const struct tl_strv *cparams)
{
	uint64_t ops = 1, cap = e->max_ops ? e->max_ops : UINT64_MAX;
	char *cache = probe_cache_path(c, vr, cparams, "facts");
	double est = calib_cached(c, vr, cparams);

	if (probe_cached(cache, vr) || est > 0) {
		free(cache);
		return est;
	}
	for (int iter = 0; iter < 8; iter++) {
		struct tl_strv argv = TL_STRV_INIT;
		struct tl_proto p = TL_PROTO_INIT;
		struct tl_proc_result pr;
		double best = -1;

		tl__run_loop_argv(&argv, vr, ops, 2, cparams);
		if (tl__run_process(c, vr, &argv, 1, &p, &pr,
				    tl__run_timeout(e, vr->v)) == 0) {
			for (size_t i = 0; i < p.nsamples; i++)
				if (best < 0 || (double)p.samples[i].ns < best)
					best = (double)p.samples[i].ns;
			if (best < 0 && p.fact_names.n) {
				/*
				 * A probe: it reports facts (what a compiler
				 * said, a size) and times nothing. One run is
				 * the measurement.
				 */
				tl__run_add_facts(vr, &p);
				for (size_t m = 0; m < p.nmetrics; m++)
					tl__run_wm_push(vr, p.metrics[m].name,
							p.metrics[m].value, 0);
				tl__run_keep_rusage(vr, &pr.ru);
				vr->nok++;
				vr->facts_only = 1;
				probe_store(cache, &p);
			} else if (best < 0) {
				tl__run_record_failure(
					vr, "bad_output",
					"printed no sample lines", NULL);
			}
		}
		tl_proto_release(&p);
		tl_proc_result_release(&pr);
		tl_strv_release(&argv);
		if (best < 0 || best >= c->target_ns / 10 || ops >= cap) {
			free(cache);
			if (best < 0)
				return 0;
			est = best > 0 ? best / (double)ops : 0.01;
			calib_store(c, vr, cparams, est);
			return est;
		}
		{
			double grow =
				best > 0 ? (c->target_ns / 5) / best : 1000;

			if (grow > 1000)
				grow = 1000;
			if (grow < 2)
				grow = 2;
			ops = (uint64_t)((double)ops * grow);
			if (ops > cap)
				ops = cap;
		}
	}
	free(cache);
	return 0;
}

/*
 * After a case: a variant whose measured ns/op is over 4x off the
 * calibrated estimate has its cached estimate replaced by the median
 * measured, so the next run sizes its samples from what the variant
 * costs at the OPS it runs. A calibration at a few hundred ops can miss
 * by far: go.loop_defer's deferred records cost 3 ns/op there and 520
 * ns/op at 350,000 ops, and the cached 3 ns made every later run spend
 * 170 ms a sample on it.
 */
static void recalibrate(struct ctx *c, const struct vrun *vrs, size_t nv,
			const struct tl_strv *cparams)
{
	for (size_t i = 0; i < nv; i++) {
		double med;

		if (vrs[i].est_nsop <= 0 || vrs[i].nsop.n < 3 ||
		    tl_stats_quantile(vrs[i].nsop.x, vrs[i].nsop.n, 0.5, &med))
			continue;
		if (med > 4 * vrs[i].est_nsop || med < vrs[i].est_nsop / 4)
			calib_store(c, &vrs[i], cparams, med);
	}
}

/* Round r's order of k variants: rotated by r/2, reversed on odd r. */
static size_t latin(int r, size_t k, size_t i)
{
	size_t rot = (size_t)(r / 2) % k;
	size_t pos = (r % 2) ? k - 1 - i : i;

	return (pos + rot) % k;
}

/*
 * The sequential schedule: a minimum of two rounds (the A/A split), after
 * which a variant runs while an open claim reads it: one short of the
 * values its first exact look needs (9 to 13, base/confseq.h) is open;
 * that look comes at the end of the fourth process at the earliest
 * (TL_CONFSEQ_LOOK_PROCS), when the design effect has three degrees of
 * freedom, and a claim far from its bound is decided there. The budget is a
 * multiple of the fixed rounds, 8x (quick) or 12x: an equivalence claim a hair
 * inside its margin needs that many to be decided (at 6x, defer-zig-free-time's
 * +-5% ended INCONCLUSIVE in 1 of 5 default passes, 150 samples a side; 60
 * rounds cost it about 2 s more), and since a verdict counts a process's (a
 * round's) values as one cluster, it is rounds, not values, that decide. Only
 * the variants a claim reads run past the first round, so a decided case spends
 * none of it. Without o->more both are the fixed rounds.
 */
static void seq_rounds(const struct ctx *c, int fixed, int *min, int *budget)
{
	*min = *budget = fixed;
	if (!c->o->more || c->o->rounds)
		return;
	*min = 2;
	*budget = fixed * (c->o->quick ? 2 : 3) * 4;
	if (*budget < *min)
		*budget = *min;
}

/*
 * The rounds a case may reach: its budget, or for a variant that an open
 * claim reads through a figure taken once per process (peak RSS, a
 * task count's RSS: one value a round), as many rounds as the first exact
 * look of the sequence needs (TL_RUN_SEQ_MIN_SAMPLES values), since no
 * interval exists before it. Only such variants run past the budget.
 */
static int past_budget(const struct ctx *c, int budget)
{
	if (!c->o->more || c->o->rounds || budget >= TL_RUN_SEQ_MIN_SAMPLES)
		return budget;
	return TL_RUN_SEQ_MIN_SAMPLES;
}

/* need[] at the first round: no claim on the case reads the variant. */
#define NEED_ONCE 8

/*
 * Before round r: whether the round runs. Asks the sequential rule which
 * variants the claims read (need, tl_run_need bits): at the first round a
 * variant none reads, such as a feature's probe, runs once and lean
 * (NEED_ONCE), and later rounds leave it out. Before the minimum every variant
 * a claim reads runs (a claim short of an interval is not open yet); from it on
 * only those an open claim reads, and *done when none is open.
 */
static int round_wants(struct ctx *c, struct vrun *vrs, size_t nv,
		       const struct tl_strv *cparams, int r, int min,
		       unsigned char *need, int *done)
{
	size_t open;

	if (!c->o->more)
		return 1;
	open = tl__run_more(c, vrs, nv, cparams, need);
	if (r == 0) {
		/*
		 * Every variant has a first round; one that no claim on this
		 * case reads (a feature's probe, a variant read only at other
		 * params or through counts) has it lean: its facts and
		 * once-a-process figures, no timed samples.
		 */
		for (size_t i = 0; i < nv; i++)
			need[i] = need[i] & TL_NEED_READ ? TL_NEED_MORE
							 : NEED_ONCE;
		return 1;
	}
	if (r < min)
		return 1;
	for (size_t i = 0; i < nv; i++)
		need[i] &= TL_NEED_MORE | TL_NEED_SHORT;
	if (!open)
		*done = 1;
	return !*done;
}

/* Whether a variant short of values (TL_NEED_SHORT) is among need[0..nv). */
static int any_short(const unsigned char *need, size_t nv)
{
	for (size_t i = 0; i < nv; i++)
		if (need[i] & TL_NEED_SHORT)
			return 1;
	return 0;
}

/*
 * What one process of a loop round brought (its tl__run_process outcome
 * in g): its samples past the warm-up (none when lean), its workload
 * metrics and facts, its rusage.
 */
static void take_loop(struct vrun *vr, struct tl__gated *g, int r, int warmup,
		      int nsamp, int lean)
{
	const struct tl_proto *p = &g->p;
	char why[160];

	if (g->ret != 0)
		return;
	if (p->nsamples < (size_t)nsamp) {
		snprintf(why, sizeof(why),
			 "printed %zu sample lines, expected %d", p->nsamples,
			 nsamp);
		tl__run_record_failure(vr, "bad_output", why, g->pr.err_tail);
		return;
	}
	for (size_t s = (size_t)warmup; !lean && s < p->nsamples; s++) {
		tl_dvec_push(&vr->nsop, (double)p->samples[s].ns /
						(double)p->samples[s].ops);
		tl_dvec_push(&vr->round_of, r);
	}
	for (size_t m = 0; m < p->nmetrics; m++)
		tl__run_wm_push(vr, p->metrics[m].name, p->metrics[m].value, r);
	tl__run_add_facts(vr, p);
	if (!lean)
		tl__run_keep_rusage(vr, &g->pr.ru);
	else /* a process's totals scale with it */
		tl_dvec_push(&vr->ru[RU_peak_rss_bytes],
			     (double)g->pr.ru.ru_maxrss * 1024.0);
	vr->nok++;
}

/*
 * Runs a round's n processes: one after another, or, for an experiment
 * whose set-up is parallel, all at once up to their gates and then one
 * at a time (tl__run_gated), which the case's JSON says.
 */
static void run_round(struct ctx *c, const struct tl_experiment *e,
		      const char *label, int r, int of, struct tl__gated *g,
		      size_t n)
{
	if (e->parallel_setup && n > 1) {
		tl__run_progress(c,
				 "%s %s round %d/%d: %zu processes set up "
				 "side by side",
				 e->name, label, r + 1, of, n);
		if (tl__run_gated(c, g, n) == 0) {
			c->parallel_rounds++;
			return;
		}
	}
	for (size_t k = 0; k < n; k++) {
		tl__run_progress(c, "%s %s round %d/%d %s", e->name, label,
				 r + 1, of, g[k].vr->v->name);
		g[k].ret = tl__run_process(c, g[k].vr, &g[k].argv, 1, &g[k].p,
					   &g[k].pr, g[k].timeout_s);
	}
}

void tl__run_loop_case(struct ctx *c, const struct tl_experiment *e,
		       struct vrun *vrs, size_t nv,
		       const struct tl_strv *cparams, const char *label,
		       uint64_t *ops_out, int *rounds_out, int *spr_out)
{
	const struct tl_run_opts *o = c->o;
	int rounds = o->rounds	 ? o->rounds
		     : e->rounds ? e->rounds
				 : (o->quick ? 3 : 5);
	/*
	 * Sequential: 5 per process, so the fourth round, where the first
	 * exact look of values in processes falls (base/confseq.h), brings
	 * 20, past the 9 to 13 values it needs.
	 */
	int samples = o->samples   ? o->samples
		      : e->samples ? e->samples
		      : o->more	   ? 5
				   : (o->quick ? 3 : 5);
	int warmup = o->warmup >= 0   ? o->warmup
		     : e->warmup >= 0 ? e->warmup
				      : 1;
	double fastest = 0;
	uint64_t ops = 1, cap = e->max_ops ? e->max_ops : UINT64_MAX;
	unsigned char *need = xmalloc(nv + 1);
	int r, min, budget, hard, done = 0;
	size_t i;

	for (i = 0; i < nv; i++) {
		if (!vrs[i].build || vrs[i].build->status != TL_BUILD_OK)
			continue;
		tl__run_progress(c, "%s %s calibrating %s", e->name, label,
				 vrs[i].v->name);
		vrs[i].est_nsop = calibrate(c, e, &vrs[i], cparams);
		if (vrs[i].est_nsop <= 0)
			continue;
		if (fastest == 0 || vrs[i].est_nsop < fastest)
			fastest = vrs[i].est_nsop;
	}
	if (fastest > 0) {
		double want = ceil(c->target_ns / fastest);

		ops = want > (double)cap ? cap : (uint64_t)want;
	}
	/*
	 * One OPS for all, except a variant so slow that a shared sample
	 * would last over 10x the target: it gets the largest OPS that fits
	 * (recorded on the variant), rather than shrinking every other
	 * variant's samples below the clock's useful range. At 10x its
	 * samples still last ten times what the clock needs, and a
	 * variant 200 times slower than the fastest (a defer record
	 * allocated in a loop) no longer spends 170 ms a sample (100x did:
	 * go.loop_defer alone took 14 s of a default pass).
	 */
	for (i = 0; i < nv; i++) {
		double limit = floor(10 * c->target_ns / vrs[i].est_nsop);

		vrs[i].ops = ops;
		if (vrs[i].est_nsop > 0 && (double)ops > limit)
			vrs[i].ops = limit < 1 ? 1 : (uint64_t)limit;
	}
	seq_rounds(c, rounds, &min, &budget);
	hard = past_budget(c, budget);
	*ops_out = ops;
	*spr_out = samples;
	c->case_budget = budget;
	memset(need, 1, nv);

	for (r = 0; r < hard; r++) {
		struct tl__gated *g = xcalloc(nv, sizeof(*g));
		int *lean = xcalloc(nv, sizeof(*lean));
		size_t ng = 0;

		if (!round_wants(c, vrs, nv, cparams, r, min, need, &done) ||
		    (r >= budget && !any_short(need, nv))) {
			free(g);
			free(lean);
			break;
		}
		for (size_t k = 0; k < nv; k++) {
			struct vrun *vr = &vrs[latin(r, nv, k)];
			unsigned char nd = need[vr - vrs];

			if (vr->est_nsop <= 0 || !nd ||
			    (r >= budget && !(nd & TL_NEED_SHORT)))
				continue;
			/*
			 * A round that serves only a figure taken once per
			 * process (past the budget, or short of values with
			 * the timing samples in hand) is lean: one batch, and
			 * its timing is not a sample (a shorter process is
			 * another condition).
			 */
			lean[ng] = r >= budget || nd == NEED_ONCE ||
				   (r >= min && nd == TL_NEED_SHORT &&
				    vr->nsop.n >= TL_RUN_SEQ_MIN_SAMPLES);
			g[ng].vr = vr;
			g[ng].timeout_s = tl__run_timeout(e, vr->v);
			tl__run_loop_argv(&g[ng].argv, vr, vr->ops,
					  lean[ng] ? 1 : warmup + samples,
					  cparams);
			ng++;
		}
		run_round(c, e, label, r, r < budget ? budget : hard, g, ng);
		for (size_t k = 0; k < ng; k++) {
			take_loop(g[k].vr, &g[k], r, warmup,
				  lean[k] ? 1 : warmup + samples, lean[k]);
			tl_proto_release(&g[k].p);
			tl_proc_result_release(&g[k].pr);
			tl_strv_release(&g[k].argv);
		}
		free(g);
		free(lean);
	}
	*rounds_out = r;
	free(need);
	recalibrate(c, vrs, nv, cparams);
}

/*
 * Drops a file's pages from the page cache, so the next start reads it
 * from disk (a cold start). Needs no privilege; dirty pages are written
 * first, since DONTNEED leaves those. tl-launch has a copy (-e: a
 * batch's cold starts), since it includes nothing of src/.
 */
static void evict(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	fdatasync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

/*
 * A round's starts of one process-kind variant, back to back from one
 * launcher (tl__run_starts): the first warmup are discarded. Returns 0
 * when done (whatever failed is recorded), 1 when batches cannot be had
 * here and the caller starts them one by one.
 */
static int start_batch(struct ctx *c, const struct tl_experiment *e,
		       struct vrun *vr, int r, int warmup, int starts, int cold)
{
	struct tl_strv argv = TL_STRV_INIT;
	struct tl_proc_result pr = {0};
	int ret;

	tl_strv_push(&argv, vr->build->bin);
	for (size_t a = 0; a < vr->v->args.n; a++)
		tl_strv_push(&argv, vr->v->args.v[a]);
	ret = tl__run_starts(c, vr, &argv, warmup + starts, cold, &pr,
			     tl__run_timeout(e, vr->v));
	for (size_t s = (size_t)warmup; ret == 0 && s < pr.nstarts; s++) {
		const struct tl_proc_start *st = &pr.starts[s];

		if (!WIFEXITED(st->status) || WEXITSTATUS(st->status))
			continue;
		tl_dvec_push(&vr->wall, (double)st->wall_ns);
		tl_dvec_push(&vr->round_of, r);
		tl__run_keep_rusage(vr, &st->ru);
		vr->nok++;
	}
	tl_proc_result_release(&pr);
	tl_strv_release(&argv);
	return ret == 1;
}

void tl__run_process_case(struct ctx *c, const struct tl_experiment *e,
			  struct vrun *vrs, size_t nv,
			  const struct tl_strv *cparams, const char *label,
			  int cold, int *rounds_out, int *spr_out)
{
	const struct tl_run_opts *o = c->o;
	int rounds = o->rounds	 ? o->rounds
		     : e->rounds ? e->rounds
				 : (o->quick ? 3 : 5);
	int starts = o->samples	  ? o->samples
		     : e->samples ? e->samples
				  : (o->quick ? 5 : 10);
	int warmup = o->warmup >= 0   ? o->warmup
		     : e->warmup >= 0 ? e->warmup
				      : 1;

	unsigned char *need = xmalloc(nv + 1);
	int r, min, budget, done = 0;

	seq_rounds(c, rounds, &min, &budget);
	*spr_out = starts;
	c->case_budget = budget;
	memset(need, 1, nv);
	for (r = 0; r < budget; r++) {
		if (!round_wants(c, vrs, nv, cparams, r, min, need, &done))
			break;
		for (size_t k = 0; k < nv; k++) {
			struct vrun *vr = &vrs[latin(r, nv, k)];

			if (!vr->build || vr->build->status != TL_BUILD_OK ||
			    !need[vr - vrs])
				continue;
			if (vr->nfail > 2 && vr->nok == 0)
				continue; /* it does not start; stop trying */
			tl__run_progress(c, "%s %s round %d/%d %s", e->name,
					 label, r + 1, budget, vr->v->name);
			if (!start_batch(c, e, vr, r, warmup, starts, cold))
				continue;
			for (int s = 0; s < warmup + starts; s++) {
				struct tl_strv argv = TL_STRV_INIT;
				struct tl_proc_result pr = {0};

				if (cold)
					evict(vr->build->bin);
				tl_strv_push(&argv, vr->build->bin);
				for (size_t a = 0; a < vr->v->args.n; a++)
					tl_strv_push(&argv, vr->v->args.v[a]);
				if (tl__run_process(
					    c, vr, &argv, 0, NULL, &pr,
					    tl__run_timeout(e, vr->v)) == 0 &&
				    s >= warmup) {
					tl_dvec_push(&vr->wall,
						     (double)pr.wall_ns);
					tl_dvec_push(&vr->round_of, r);
					tl__run_keep_rusage(vr, &pr.ru);
					vr->nok++;
				}
				tl_proc_result_release(&pr);
				tl_strv_release(&argv);
			}
		}
	}
	*rounds_out = r;
	free(need);
}
