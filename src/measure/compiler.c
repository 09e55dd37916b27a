/*
 * compiler.c - driving a compiler: its CPU target flags, pkg-config flags,
 * and one run of it with the first error picked out (see compiler.h).
 */
#include "measure/compiler.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/proc.h"

#include "base/banned.h"

static const char *const target_names[] = {"default", "native", "baseline"};

int tl_target_parse(const char *s, enum tl_target *out)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, target_names[i]) == 0) {
			*out = (enum tl_target)i;
			return 0;
		}
	return -EINVAL;
}

const char *tl_target_name(enum tl_target t)
{
	return (unsigned)t < 3 ? target_names[t] : "?";
}

/* Splits s on blanks and appends the words to argv. */
void tl_compiler_push_words(struct tl_strv *argv, const char *s)
{
	const char *p = s;

	while (*p) {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		n = strcspn(p, " \t\n");
		if (n)
			tl_strv_push_owned(argv, xstrndup(p, n));
		p += n;
	}
}

int tl_compiler_pkgconfig(const struct tl_strv *mods, struct tl_strv *flags,
			  char **reason)
{
	for (size_t i = 0; i < mods->n; i++) {
		const char *argv[] = {"pkg-config", "--cflags", "--libs",
				      mods->v[i], NULL};
		char *line = NULL;

		if (tl_run_capture(argv, 20, &line) != 0) {
			*reason = xasprintf(
				"library '%s' not found by pkg-config (install "
				"its -dev package; scripts/deps.sh lists them)",
				mods->v[i]);
			free(line);
			return -ENOENT;
		}
		tl_compiler_push_words(flags, line);
		free(line);
	}
	return 0;
}

/*
 * The compiler's first "error" line, for the one-line reason; the whole
 * output stays in the log.
 */
static char *first_error(const char *log, const char *tool, const char *what)
{
	const char *p = strstr(log, "error");
	const char *bol, *eol;

	if (!p)
		return xasprintf("%s %s", tool, what);
	for (bol = p; bol > log && bol[-1] != '\n'; bol--)
		;
	eol = strchr(p, '\n');
	if (!eol)
		eol = p + strlen(p);
	if (eol - bol > 300)
		eol = bol + 300;
	return xasprintf("%s: %.*s", tool, (int)(eol - bol), bol);
}

int tl_compiler_run(const char *const *argv, const char *const *env,
		    const char *cwd, double timeout_s, char **log,
		    char **reason)
{
	struct tl_proc_spec spec = {0};
	struct tl_proc_result pr;
	const char *slash = strrchr(argv[0], '/');
	char what[256];
	int err, failed = 0;

	spec.argv = argv;
	spec.env = env;
	spec.cwd = cwd;
	spec.timeout_s = timeout_s;
	spec.pin_cpu = -1;
	spec.merge_stderr = 1;
	spec.max_out_bytes = 4 << 20;
	err = tl_proc_run(&spec, &pr);
	if (err)
		return err;
	if (pr.end != TL_PROC_EXITED || pr.exit_code != 0) {
		size_t n = pr.out_len;

		tl_proc_describe(&pr, what, sizeof(what));
		while (n && (pr.out[n - 1] == '\n' || pr.out[n - 1] == ' '))
			n--;
		/* The first lines carry the first error; keep 4 KiB. */
		*log = xstrndup(pr.out, n > 4096 ? 4096 : n);
		*reason = first_error(*log, slash ? slash + 1 : argv[0], what);
		failed = 1;
	}
	tl_proc_result_release(&pr);
	return failed;
}

static int cpu_has(const char *flag)
{
	char *info, *p;
	size_t n, fl = strlen(flag);
	int has = 0;

	if (tl_read_file("/proc/cpuinfo", &info, &n))
		return 0;
	for (p = info; (p = strstr(p, flag)); p += fl)
		if (p[-1] == ' ' && (p[fl] == ' ' || p[fl] == '\n')) {
			has = 1;
			break;
		}
	free(info);
	return has;
}

/*
 * Fills the target flags for lang and a description of the target. The
 * sim rule: Zig's default is the host CPU, which may have AVX-512; for
 * valgrind it is built for x86_64_v3 when the CPU has AVX2, else baseline.
 */
void tl_compiler_target_flags(enum tl_target t, int for_sim, enum tl_lang lang,
			      struct tl_strv *flags, struct tl_strv *env,
			      char **desc)
{
	switch (lang) {
	case TL_LANG_C:
	case TL_LANG_CPP:
		if (t == TL_TARGET_NATIVE && !for_sim) {
			tl_strv_push(flags, "-march=native");
			*desc = xstrdup("native (-march=native)");
		} else if (t == TL_TARGET_BASELINE) {
			tl_strv_push(flags, "-march=x86-64");
			*desc = xstrdup("baseline (-march=x86-64)");
		} else {
			*desc = xstrdup("x86-64 (compiler default)");
		}
		break;
	case TL_LANG_GO:
		if (t == TL_TARGET_NATIVE && cpu_has("avx2")) {
			tl_strv_push(env, "GOAMD64=v3");
			*desc = xstrdup(
				"GOAMD64=v3 (native: the host has AVX2)");
		} else {
			tl_strv_push(env, "GOAMD64=v1");
			*desc = xstrdup(t == TL_TARGET_DEFAULT
						? "GOAMD64=v1 (Go default)"
						: "GOAMD64=v1 (baseline)");
		}
		break;
	case TL_LANG_ZIG:
		if (t == TL_TARGET_BASELINE) {
			tl_strv_push(flags, "-mcpu=baseline");
			*desc = xstrdup("baseline (-mcpu=baseline)");
		} else if (for_sim) {
			const char *cpu =
				cpu_has("avx2") ? "x86_64_v3" : "baseline";

			tl_strv_push_owned(flags, xasprintf("-mcpu=%s", cpu));
			*desc = xasprintf("-mcpu=%s (for valgrind: no AVX-512)",
					  cpu);
		} else {
			tl_strv_push(flags, "-mcpu=native");
			*desc = xstrdup(t == TL_TARGET_NATIVE
						? "native (-mcpu=native)"
						: "native (Zig default: host "
						  "CPU)");
		}
		break;
	default:
		*desc = xstrdup("?");
	}
}

static int strv_equal(const struct tl_strv *a, const struct tl_strv *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return 0;
	return 1;
}

int tl_compiler_sim_flags_differ(enum tl_target t, enum tl_lang lang)
{
	struct tl_strv f[2] = {TL_STRV_INIT, TL_STRV_INIT},
		       e[2] = {TL_STRV_INIT, TL_STRV_INIT};
	char *desc[2];
	int differ;

	for (int sim = 0; sim < 2; sim++)
		tl_compiler_target_flags(t, sim, lang, &f[sim], &e[sim],
					 &desc[sim]);
	differ = !strv_equal(&f[0], &f[1]) || !strv_equal(&e[0], &e[1]);
	for (int sim = 0; sim < 2; sim++) {
		tl_strv_release(&f[sim]);
		tl_strv_release(&e[sim]);
		free(desc[sim]);
	}
	return differ;
}

int tl_compiler_has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}
