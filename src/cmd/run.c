/*
 * run.c - `traplab run`: reads argv, runs the engine, and decides where the
 * results go (the file, latest.json beside it, the history).
 *
 *     $ traplab run alloc --quick
 *     alloc size=64  (262144 ops/sample)
 *       variant                status              ns/op  95% CI ...
 *       c.glibc                ok                13.2 ns  [13.1 ns, 13.4 ns]
 *     ...
 *     results: results/run-2026-12-06T02-15-07Z.json (41.3 s)
 */
#include "cmd/run.h"

#include "cmd/cmd.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cli.h"
#include "base/jsonx.h"
#include "base/os.h"
#include "base/proc.h"
#include "store/history.h"
#include "report/runtable.h"
#include "base/util.h"
#include "base/vec.h"

#include "base/banned.h"

/* Writes text to path atomically; a full disk is said once, not per case. */
static int write_text(const char *path, const char *s, size_t len)
{
	static int warned;
	int rc = tl_write_file_atomic(path, s, len);

	if (rc && !warned++)
		fprintf(stderr, "traplab: cannot write '%s': %s\n", path,
			strerror(-rc));
	return rc;
}

/*
 * Writes the results to path atomically. A complete run named by default
 * (promote) is also copied as latest.json in the same folder; an
 * incomplete one never is, and `-o FILE` writes only FILE.
 */
static int write_results(const json_t *root, const char *path, int promote)
{
	char *s = json_dumps(root, TL_JSON_DUMP_FLAGS);
	char *dir, *slash, *latest;
	int rc;

	if (!s)
		return -ENOMEM;
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		tl_mkdirs(dir);
	}
	rc = write_text(path, s, strlen(s));
	latest = xasprintf("%s/latest.json", slash ? dir : ".");
	if (!rc && promote && !json_object_get(root, "incomplete") &&
	    strcmp(latest, path) != 0)
		tl_write_file_atomic(latest, s, strlen(s));
	free(latest);
	free(dir);
	free(s);
	return rc;
}

/*
 * The file rewritten after every case. A finished case's object does not
 * change, so its text is kept and reused: a rewrite prints the new case
 * and the few fields around the cases, not the whole run again (which
 * made the rewrites quadratic: 0.3 s of a quick claims pass went to
 * printing the same numbers 25 times). The complete run at the end is
 * one json_dumps of the whole, as before.
 */
struct case_text {
	const json_t *cs;
	char *s;
};

struct partial {
	const char *path;
	struct case_text *v;
	size_t n, cap;
};

/* The text of case cs: kept from an earlier rewrite, else printed now. */
static const char *case_text(struct partial *pw, const json_t *cs)
{
	for (size_t i = pw->n; i-- > 0;)
		if (pw->v[i].cs == cs)
			return pw->v[i].s;
	TL_VEC_RESERVE(pw->v, pw->cap, pw->n + 1);
	pw->v[pw->n].cs = cs;
	pw->v[pw->n].s = json_dumps(cs, TL_JSON_DUMP_FLAGS);
	return pw->v[pw->n++].s;
}

/*
 * Appends object o as JSON with member key (an array) last, its items
 * written by each(b, item, pw): the other members through json_dumps of a
 * copy without key, whose closing brace the array's text then replaces.
 * 0, or -1 when something did not print.
 */
static int put_with_array(struct tl_buf *b, json_t *o, const char *key,
			  int (*each)(struct tl_buf *, json_t *,
				      struct partial *),
			  struct partial *pw)
{
	json_t *c = json_copy(o), *arr = json_object_get(o, key), *it;
	char *s;
	size_t n, i;
	int err = 0;

	if (!c)
		return -1;
	json_object_del(c, key);
	s = json_dumps(c, TL_JSON_DUMP_FLAGS);
	n = s ? strlen(s) : 0;
	while (n && s[n - 1] != '}')
		n--;
	if (!n) {
		free(s);
		json_decref(c);
		return -1;
	}
	tl_buf_append(b, s, n - 1);
	tl_buf_printf(b, "%s\n \"%s\": [", json_object_size(c) ? "," : "", key);
	json_array_foreach(arr, i, it)
	{
		if (i)
			tl_buf_puts(b, ",\n");
		err |= each(b, it, pw);
	}
	tl_buf_puts(b, "]\n}");
	free(s);
	json_decref(c);
	return err;
}

static int put_case(struct tl_buf *b, json_t *cs, struct partial *pw)
{
	const char *t = case_text(pw, cs);

	if (!t)
		return -1;
	tl_buf_puts(b, t);
	return 0;
}

static int put_exp(struct tl_buf *b, json_t *ej, struct partial *pw)
{
	return put_with_array(b, ej, "cases", put_case, pw);
}

/* After every case: its tables, and the file rewritten (incomplete). */
static void on_case(const json_t *results, const json_t *exp, const json_t *cs,
		    void *arg)
{
	struct partial *pw = arg;
	struct tl_buf b = TL_BUF_INIT;

	/* On disk before on screen: what was shown is never lost. */
	if (put_with_array(&b, (json_t *)results, "experiments", put_exp, pw) ==
	    0)
		write_text(pw->path, b.s, b.len);
	else
		write_results(results, pw->path, 0);
	tl_buf_release(&b);
	tl_runtable_print_case(exp, cs);
}

static void partial_release(struct partial *pw)
{
	for (size_t i = 0; i < pw->n; i++)
		free(pw->v[i].s);
	free(pw->v);
}

/*
 * SIGTERM/SIGINT: end the workloads now (their process groups), let the
 * engine wind down and the partial results be written; a second signal
 * ends traplab at once.
 */
static void on_signal(int signo)
{
	if (tl_proc_interrupted()) {
		signal(signo, SIG_DFL);
		raise(signo);
		return;
	}
	tl_proc_interrupt(signo);
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int tl_run_and_store(const struct tl_run_opts *opts, const char *const *names,
		     size_t n, const char *out_path, int promote,
		     const char *history_db)
{
	struct tl_run_opts o = *opts;
	struct partial pw = {.path = out_path};
	json_t *results = NULL;
	int ret, herr, sig, werr;

	catch_signals();
	o.on_case = on_case;
	o.on_case_arg = &pw;
	ret = tl_run_experiments(&o, names, n, &results);
	partial_release(&pw);
	/*
	 * One reading of the signal decides both what the file says and the
	 * exit status: a signal after the last case, before this line, marks
	 * the results interrupted like one during a case (the exit says so,
	 * and the file must agree); one after it is let pass (the run is
	 * complete and written as such).
	 */
	sig = tl_proc_interrupted();
	if (!results)
		return sig ? 128 + sig : ret;
	if (sig && !json_object_get(results, "incomplete"))
		json_object_set_new(results, "incomplete",
				    json_pack("{s:s,s:s+}", "reason",
					      "interrupted after the last case",
					      "signal", "SIG",
					      sigabbrev_np(sig)));
	tl_runtable_print_noise(results);
	/* A full disk: the old file is kept whole; say so in the exit. */
	werr = write_results(results, out_path, promote);
	if (!werr)
		printf("\nresults: %s (%.1f s)\n", out_path,
		       json_number_value(
			       json_object_get(results, "elapsed_s")));
	json_decref(results);
	if (werr && !sig)
		return 1;
	if (sig) {
		fprintf(stderr,
			"traplab: interrupted by SIG%s: the partial results in "
			"'%s' are marked incomplete (not promoted, not "
			"stored)\n",
			sigabbrev_np(sig), out_path);
		return 128 + sig;
	}
	if (!history_db)
		return ret;
	herr = tl_history_store(history_db, out_path);
	/* The URL may hold a password: say only what kind failed. */
	if (herr) {
		fprintf(stderr,
			"traplab: cannot store the run in the %s history: "
			"%s (the results file is kept)\n",
			tl_history_is_postgres(history_db) ? "PostgreSQL"
							   : "SQLite",
			strerror(-herr));
		ret = 1;
	}
	return ret;
}

static const char run_help[] =
	"usage: traplab run [EXPERIMENT...] [options]\n"
	"\n"
	"Builds, runs and measures experiments (all when none is named), "
	"prints a\n"
	"table per case and writes a results JSON.\n"
	"\n"
	"options:\n"
	"  -q, --quick            the params' quick values, 3 rounds\n"
	"  -p, --param K=V1,V2    override a param's values (repeatable;\n"
	"                         EXP/K=V1,V2 for one experiment only)\n"
	"  -V, --variant PATTERN  only variants matching (fnmatch; NAME or\n"
	"                         EXP/NAME; repeatable)\n"
	"  -c, --counters MODE    off (default), auto, pmu, sim, sw\n"
	"  -t, --target T         default, native or baseline CPU target\n"
	"      --pin CPU          pin every workload to one CPU\n"
	"  -r, --rounds N         interleaved rounds (default 5, quick 3)\n"
	"  -s, --samples N        samples per process after warm-up\n"
	"      --warmup N         samples discarded per process (default 1)\n"
	"      --seed N           bootstrap seed (default fixed)\n"
	"  -o, --out FILE         results file (default\n"
	"                         results/run-YYYYmmdd-HHMMSS.json)\n"
	"      --history FILE|URL store the run: a SQLite file or "
	"postgres://...\n"
	"                         (default $TRAPLAB_HISTORY, else\n"
	"                         results/history.sqlite)\n"
	"      --no-history       do not store the run\n"
	"      --interfere KIND   run under interference (cpu, cache, membw,\n"
	"                         malloc-fail)\n"
	"      --toolchain L=V    build and run LANG's variants with that "
	"release\n"
	"                         (go=1.27.3, zig=0.13.0; repeatable; list\n"
	"                         --toolchains)\n"
	"  -v, --verbose          one progress line per step\n"
	"\n"
	"exit: 0 the run completed (failed variants are recorded in the "
	"results),\n"
	"1 an experiment is unknown or the run could not be stored, 2 usage.\n"
	"\n"
	"examples:\n"
	"  traplab run alloc --quick                # one experiment, small "
	"params\n"
	"  traplab run alloc -V 'c.*' --param size=64,4096\n"
	"  traplab run --counters sim -o run.json   # all, counts from a "
	"simulator\n";

/* Parses a non-negative integer option; -1 on error (after a message). */
static long long opt_int(const char *name, const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || end == s || v < 0) {
		fprintf(stderr, "traplab: --%s wants a number >= 0, not '%s'\n",
			name, s);
		return -1;
	}
	return v;
}

int cmd_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{"quick", no_argument, NULL, 'q'},
		{"param", required_argument, NULL, 'p'},
		{"variant", required_argument, NULL, 'V'},
		{"counters", required_argument, NULL, 'c'},
		{"target", required_argument, NULL, 't'},
		{"pin", required_argument, NULL, 1},
		{"rounds", required_argument, NULL, 'r'},
		{"samples", required_argument, NULL, 's'},
		{"warmup", required_argument, NULL, 2},
		{"seed", required_argument, NULL, 3},
		{"out", required_argument, NULL, 'o'},
		{"history", required_argument, NULL, 4},
		{"no-history", no_argument, NULL, 5},
		{"interfere", required_argument, NULL, 6},
		{"toolchain", required_argument, NULL, 7},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct tl_strv params = TL_STRV_INIT, variants = TL_STRV_INIT;
	struct tl_strv tools = TL_STRV_INIT;
	struct tl_run_opts o;
	char *out = NULL, *hist = NULL;
	int no_hist = 0, named, ch, ret;
	long long v;

	tl_run_opts_init(&o, tl_cli_root());
	optind = 1;
	while ((ch = tl_cmd_getopt_short(argc, argv, "qp:V:c:t:r:s:o:v", lo,
					 run_help, &ret)) != -1) {
		switch (ch) {
		case TL_CMD_EXIT:
			goto out;
		case 'q':
			o.quick = 1;
			break;
		case 'p':
			if (!strchr(optarg, '=')) {
				fprintf(stderr,
					"traplab: --param wants KEY=V1,V2, not "
					"'%s'\n",
					optarg);
				goto usage;
			}
			tl_strv_push(&params, optarg);
			break;
		case 'V':
			tl_strv_push(&variants, optarg);
			break;
		case 'c':
			if (tl_counters_mode_parse(optarg, &o.counters)) {
				fprintf(stderr,
					"traplab: --counters is off, auto, "
					"pmu, "
					"sim or sw, not '%s'\n",
					optarg);
				goto usage;
			}
			break;
		case 't':
			if (tl_target_parse(optarg, &o.target)) {
				fprintf(stderr,
					"traplab: --target is default, native "
					"or baseline, not '%s'\n",
					optarg);
				goto usage;
			}
			break;
		case 1:
			if ((v = opt_int("pin", optarg)) < 0)
				goto usage;
			o.pin_cpu = (int)v;
			break;
		case 'r':
			if ((v = opt_int("rounds", optarg)) < 0)
				goto usage;
			o.rounds = (int)v;
			break;
		case 's':
			if ((v = opt_int("samples", optarg)) < 0)
				goto usage;
			o.samples = (int)v;
			break;
		case 2:
			if ((v = opt_int("warmup", optarg)) < 0)
				goto usage;
			o.warmup = (int)v;
			break;
		case 3:
			if ((v = opt_int("seed", optarg)) < 0)
				goto usage;
			o.seed = (uint64_t)v;
			break;
		case 'o':
			free(out);
			out = xstrdup(optarg);
			break;
		case 4:
			free(hist);
			hist = xstrdup(optarg);
			break;
		case 5:
			no_hist = 1;
			break;
		case 6:
			o.interfere = optarg;
			break;
		case 7:
			tl_strv_push(&tools, optarg);
			break;
		case 'v':
			o.verbose = 1;
			break;
		}
	}
	o.params = tl_strv_cstr(&params);
	o.variants = tl_strv_cstr(&variants);
	o.toolchains = tl_strv_cstr(&tools);
	named = out != NULL;
	if (!out) {
		char stamp[32];

		tl_os_utc_iso(stamp, sizeof(stamp));
		for (char *p = stamp; *p; p++)
			if (*p == ':')
				*p = '-';
		out = xasprintf("%s/results/run-%s.json", tl_cli_root(), stamp);
	}
	if (!hist && !no_hist)
		hist = getenv("TRAPLAB_HISTORY") && *getenv("TRAPLAB_HISTORY")
			       ? xstrdup(getenv("TRAPLAB_HISTORY"))
			       : xasprintf("%s/results/history.sqlite",
					   tl_cli_root());
	ret = tl_run_and_store(&o, (const char *const *)argv + optind,
			       (size_t)(argc - optind), out, !named,
			       no_hist ? NULL : hist);
	goto out;
usage:
	ret = tl_cmd_usage("run", run_help);
out:
	free(out);
	free(hist);
	tl_strv_release(&params);
	tl_strv_release(&variants);
	tl_strv_release(&tools);
	return ret;
}
