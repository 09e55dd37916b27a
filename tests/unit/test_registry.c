/*
 * test_registry.c - experiment.yaml: a good file, and errors that name
 * file:line:column and what was expected.
 */
#include "measure/registry.h"

#include "tl_test.h"

static int parse(const char *text, struct tl_experiment *e, struct tl_diag *d)
{
	return tl_registry_parse(e, "exp/experiment.yaml", text, strlen(text),
				 d);
}

TL_TEST(good_file)
{
	struct tl_experiment e;
	struct tl_diag d = TL_DIAG_INIT;
	const char *y = "name: alloc\n"
			"description: one allocation\n"
			"section: '2.1'\n"
			"max_ops: 1000\n"
			"params:\n"
			"  size: {default: [16, 64], quick: 64, help: bytes}\n"
			"  n: 3\n"
			"metrics: [ns_per_op, allocs_per_op]\n"
			"variants:\n"
			"  - name: c.glibc\n"
			"    lang: c\n"
			"    sources: c/alloc.c\n"
			"    lib: [arena]\n"
			"    env: {GOGC: '100'}\n"
			"  - {name: zig.gpa, lang: zig, sources: [zig/a.zig], "
			"mode: Debug, sim: false, reads: [n]}\n";

	TL_CHECK_INT(parse(y, &e, &d), 0);
	TL_CHECK_INT(d.msgs.n, 0);
	TL_CHECK_STR(e.name, "alloc");
	TL_CHECK_STR(e.dir, "exp");
	TL_CHECK_STR(e.section, "2.1");
	TL_CHECK_INT(e.max_ops, 1000);
	TL_CHECK_INT(e.nparams, 2);
	TL_CHECK_INT(e.params[0].defaults.n, 2);
	TL_CHECK_STR(e.params[0].quick.v[0], "64");
	TL_CHECK_STR(e.params[1].quick.v[0], "3");
	TL_CHECK_INT(e.nvariants, 2);
	TL_CHECK_INT(e.variants[0].lang, TL_LANG_C);
	TL_CHECK_STR(e.variants[0].sources.v[0], "c/alloc.c");
	TL_CHECK_STR(e.variants[0].env[0].val, "100");
	TL_CHECK_INT(e.variants[0].sim, 1);
	TL_CHECK_INT(e.variants[1].sim, 0);
	TL_CHECK_STR(e.variants[1].mode, "Debug");
	/* reads: a variant that declares none reads every param. */
	TL_CHECK(tl_variant_reads(&e.variants[0], "size"));
	TL_CHECK(tl_variant_reads(&e.variants[1], "n"));
	TL_CHECK(!tl_variant_reads(&e.variants[1], "size"));
	tl_experiment_release(&e);
	tl_diag_release(&d);
}

/* Parses y, expects failure and one message containing each of want. */
static void bad(const char *y, const char *want)
{
	struct tl_experiment e;
	struct tl_diag d = TL_DIAG_INIT;
	size_t i;
	int found = 0;

	if (parse(y, &e, &d) == 0 && d.msgs.n == 0)
		TL_FAIL("accepted:\n%s", y);
	for (i = 0; i < d.msgs.n; i++)
		found |= strstr(d.msgs.v[i], want) != NULL;
	if (!found) {
		for (i = 0; i < d.msgs.n; i++)
			fprintf(stderr, "  got: %s\n", d.msgs.v[i]);
		TL_FAIL("no message with '%s'", want);
	}
	tl_experiment_release(&e);
	tl_diag_release(&d);
}

#define HEAD "name: x\ndescription: d\n"

TL_TEST(errors_have_positions)
{
	bad("name: [unclosed\n", "exp/experiment.yaml:2:1: YAML syntax");
	bad(HEAD "variants:\n  - name: c.a\n    lang: c\n    sources: a.c\n"
		 "    cflgas: [-O3]\n",
	    "exp/experiment.yaml:7:5: unknown key 'cflgas' in variant");
	bad(HEAD "variants:\n  - {name: c.a, lang: rust, sources: a.c}\n",
	    ":4:23: variant 'c.a': unknown lang 'rust'");
	bad(HEAD "variants:\n  - {name: go.a, lang: c, sources: a.c}\n",
	    "name must start with its language, 'c.'");
	bad(HEAD "variants:\n  - {name: c.a, lang: c}\n", "missing 'sources'");
	bad(HEAD "variants:\n  - {name: c.a, lang: c, sources: ../x.c}\n",
	    "must be inside the experiment folder");
	bad(HEAD "variants:\n  - {name: c.a, lang: c, sources: a.c}\n"
		 "  - {name: c.a, lang: c, sources: a.c}\n",
	    "variant 'c.a' is defined twice (first at line 4)");
	bad(HEAD "kind: batch\nvariants: []\n",
	    ":3:7: kind 'batch': expected loop or process");
	bad(HEAD "max_ops: 0\nvariants: [{name: c.a, lang: c, sources: a}]\n",
	    "max_ops must be >= 1");
	bad(HEAD "params:\n  size: {quick: 1}\nvariants: "
		 "[{name: c.a, lang: c, sources: a}]\n",
	    "param 'size': missing 'default'");
	bad(HEAD "variants:\n  - {name: zig.a, lang: zig, sources: a.zig, "
		 "mode: Fast}\n",
	    "mode 'Fast'; expected Debug");
	bad("description: d\nvariants: [{name: c.a, lang: c, sources: a}]\n",
	    "missing 'name'");
	bad(HEAD "variants: {a: 1}\n", ":3:11: variants: expected a list");
	bad(HEAD "params:\n  n: 3\nvariants:\n  - {name: c.a, lang: c, "
		 "sources: a, reads: [size]}\n",
	    ":6:46: variant 'c.a' reads 'size', which is not a param");
	bad("", "empty file");
}

TL_TEST(duplicate_keys_and_documents_are_refused)
{
	bad(HEAD "name: y\nvariants: [{name: c.a, lang: c, sources: a}]\n",
	    ":3:1: duplicate key 'name' (first at line 1)");
	bad(HEAD "variants: [{name: c.a, lang: c, sources: a}]\n---\n"
		 "name: z\n",
	    ":4:1: a second YAML document");
}

TL_TEST(timeout_out_of_range_is_refused)
{
	bad(HEAD "timeout_s: 0\nvariants: [{name: c.a, lang: c, sources: a}]\n",
	    ":3:12: timeout_s: expected seconds in (0, 86400], found '0'");
	bad(HEAD "timeout_s: -5\nvariants: [{name: c.a, lang: c, sources: "
		 "a}]\n",
	    "timeout_s: expected seconds");
	bad(HEAD "timeout_s: 1e300\nvariants: [{name: c.a, lang: c, sources: "
		 "a}]\n",
	    "found '1e300'");
	bad(HEAD "variants: [{name: c.a, lang: c, sources: a, timeout_s: "
		 "-1}]\n",
	    ":3:56: timeout_s: expected seconds");
}

TL_TEST(parallel_setup_needs_c_workloads)
{
	bad(HEAD "parallel_setup: yes please\nvariants: [{name: c.a, lang: c, "
		 "sources: a}]\n",
	    ":3:17: parallel_setup");
	bad(HEAD "parallel_setup: true\nvariants: [{name: c.a, lang: c, "
		 "sources: a}, {name: go.b, lang: go, sources: b}]\n",
	    "variant 'go.b': parallel_setup needs C workloads");
}

TL_TEST(generate_stays_inside_the_experiment)
{
	struct tl_experiment e;
	struct tl_diag d = TL_DIAG_INIT;

	TL_CHECK_INT(parse(HEAD "variants: [{name: go.r, lang: go, sources: "
				"a.go, generate: {b.go: gen.sh 2 8}}]\n",
			   &e, &d),
		     0);
	TL_CHECK_INT(e.variants[0].ngen, 1);
	TL_CHECK_STR(e.variants[0].gen[0].key, "b.go");
	TL_CHECK_STR(e.variants[0].gen[0].val, "gen.sh 2 8");
	tl_experiment_release(&e);
	tl_diag_release(&d);
	bad(HEAD "variants: [{name: go.r, lang: go, sources: a.go, "
		 "generate: {b.go: ../gen.sh}}]\n",
	    "a script of the experiment folder");
	bad(HEAD "variants: [{name: go.r, lang: go, sources: a.go, "
		 "generate: {d/b.go: gen.sh}}]\n",
	    "wants a file name");
}

TL_TEST(registry_loads_the_project)
{
	struct tl_registry r;
	struct tl_diag d = TL_DIAG_INIT;
	const char *root = getenv("TL_ROOT");

	if (!root)
		TL_SKIP("TL_ROOT is not set (tests/run.sh sets it)");
	TL_CHECK(tl_registry_load(&r, root, &d) >= 0);
	for (size_t i = 0; i < d.msgs.n; i++)
		fprintf(stderr, "  %s\n", d.msgs.v[i]);
	TL_CHECK_INT(d.msgs.n, 0);
	TL_CHECK(tl_registry_find(&r, "alloc") != NULL);
	tl_registry_release(&r);
	tl_diag_release(&d);
}

TL_TEST_MAIN()
