/*
 * test_sim.c - the cachegrind command, the out-file parser (good files,
 * each kind of malformed file with its file:line:col), the counter mapping,
 * the language policy, and a real run of /bin/true under cachegrind twice
 * (the counts must be identical: that is the point of sim).
 */
#include "machine/sim.h"
#include "tl_test.h"

#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static const char good[] =
	"desc: I1 cache:         32768 B, 64 B, 8-way associative\n"
	"desc: D1 cache:         32768 B, 64 B, 8-way associative\n"
	"cmd: ./a.out 10 1\n"
	"events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw Bc Bcm Bi Bim\n"
	"fl=a.c\n"
	"fn=main\n"
	"3 10 1 1 4 1 0 2 0 0 3 1 0 0\n"
	"4 5 0 0 1 0 0 1 1 1 1 0 1 1\n"
	"fl=???\n"
	"fn=_start\n"
	"0 100 2 2 20 3 3 10 4 4 7 2 1 0\n"
	"summary: 115 3 3 25 4 3 13 5 5 11 3 2 1\n";

static int parse(const char *s, struct tl_sim_counts *c, char *err, size_t n)
{
	return tl_sim_parse_buf(s, strlen(s), "t.out", c, err, n);
}

TL_TEST(cmd_words)
{
	struct tl_sim_cmd cmd;
	char longname[5000];

	TL_CHECK_INT(tl_sim_cmd_init(&cmd, "/tmp/x/cg.out"), 0);
	TL_CHECK_STR(cmd.argv[0], "setarch");
	TL_CHECK_STR(cmd.argv[1], "-R");
	TL_CHECK_STR(cmd.argv[2], "valgrind");
	TL_CHECK_STR(cmd.argv[3], "--tool=cachegrind");
	TL_CHECK_STR(cmd.argv[4], "--cache-sim=yes");
	TL_CHECK_STR(cmd.argv[5], "--branch-sim=yes");
	TL_CHECK_STR(cmd.argv[6], "--I1=32768,8,64");
	TL_CHECK_STR(cmd.argv[7], "--D1=32768,8,64");
	TL_CHECK_STR(cmd.argv[8], "--LL=8388608,16,64");
	TL_CHECK_STR(cmd.argv[cmd.argc - 1],
		     "--cachegrind-out-file=/tmp/x/cg.out");
	TL_CHECK(cmd.argv[cmd.argc] == NULL);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	TL_CHECK_INT(tl_sim_cmd_init(&cmd, longname), -ENAMETOOLONG);
}

TL_TEST(parse_good)
{
	struct tl_sim_counts c;
	char err[256];

	TL_CHECK_INT(parse(good, &c, err, sizeof(err)), 0);
	TL_CHECK_STR(err, "");
	TL_CHECK_INT(c.have, (1u << TL_SIM__N) - 1);
	TL_CHECK_INT(c.v[TL_SIM_IR], 115);
	TL_CHECK_INT(c.v[TL_SIM_I1MR], 3);
	TL_CHECK_INT(c.v[TL_SIM_DR], 25);
	TL_CHECK_INT(c.v[TL_SIM_DW], 13);
	TL_CHECK_INT(c.v[TL_SIM_BC], 11);
	TL_CHECK_INT(c.v[TL_SIM_BIM], 1);
	TL_CHECK_STR(tl_sim_event_name(TL_SIM_DLMW), "DLmw");
	/* No final newline is accepted. */
	TL_CHECK_INT(tl_sim_parse_buf(good, strlen(good) - 1, "t", &c, err,
				      sizeof(err)),
		     0);
}

TL_TEST(parse_subset_and_short_rows)
{
	struct tl_sim_counts c;
	char err[256];
	uint64_t v;

	/* Events in another order, a row with trailing counts omitted. */
	TL_CHECK_INT(parse("events: Bc Ir\nfl=x\nfn=f\n1 4 9\n2 1\n"
			   "summary: 5 9\n",
			   &c, err, sizeof(err)),
		     0);
	TL_CHECK_INT(c.have, (1u << TL_SIM_IR) | (1u << TL_SIM_BC));
	TL_CHECK_INT(c.v[TL_SIM_IR], 9);
	TL_CHECK_INT(c.v[TL_SIM_BC], 5);
	TL_CHECK_INT(tl_sim_counter_value(&c, TL_COUNTER_INSTRUCTIONS, &v), 0);
	TL_CHECK_INT(v, 9);
	/* branches needs Bi too: absent, not a partial sum */
	TL_CHECK_INT(tl_sim_counter_value(&c, TL_COUNTER_BRANCHES, &v),
		     -ENOENT);
}

TL_TEST(counter_mapping)
{
	struct tl_sim_counts c;
	char err[256];
	uint64_t v = 0;

	TL_CHECK_INT(parse(good, &c, err, sizeof(err)), 0);
	TL_CHECK_INT(tl_sim_counter_value(&c, TL_COUNTER_BRANCHES, &v), 0);
	TL_CHECK_INT(v, 13);
	TL_CHECK_INT(tl_sim_counter_value(&c, TL_COUNTER_BRANCH_MISSES, &v), 0);
	TL_CHECK_INT(v, 4);
	TL_CHECK_INT(tl_sim_counter_value(&c, TL_COUNTER_LLC_MISSES, &v), 0);
	TL_CHECK_INT(v, 3 + 3 + 5);
	TL_CHECK_INT(tl_sim_counter_value(&c, TL_COUNTER_L1D_LOAD_MISSES, &v),
		     0);
	TL_CHECK_INT(v, 4);
	TL_CHECK_INT(tl_sim_counter_value(&c, TL_COUNTER_CYCLES, &v), -ENOENT);
	TL_CHECK_INT(tl_sim_counter_value(&c, TL_COUNTER_DTLB_LOAD_MISSES, &v),
		     -ENOENT);
	TL_CHECK_INT(tl_sim_counter_value(&c, TL_COUNTER_PAGE_FAULTS, &v),
		     -ENOENT);
}

/* Each malformed input and the start of the message it must give. */
static const struct {
	const char *in;
	const char *msg;
} bad[] = {
	{"", "t.out:0:1: no events: line"},
	{"events: Ir\nfl=a\nfn=f\n1 2\n", "t.out:4:4: no summary: line"},
	{"events: Ir Xx\n", "t.out:1:12: unknown event 'Xx'"},
	{"events: Ir Ir\n", "t.out:1:12: event 'Ir' named twice"},
	{"events:\n", "t.out:1:8: events: names no event"},
	{"events: Ir\nevents: Ir\n", "t.out:2:1: a second events:"},
	{"fl=a\n", "t.out:1:1: fl= before events:"},
	{"events: Ir\nfn=f\n", "t.out:2:1: fn= before any fl="},
	{"events: Ir\nfl=\n", "t.out:2:4: empty name"},
	{"events: Ir\nfl=a\n1 2\n", "t.out:3:1: cost line before fn="},
	{"events: Ir\nfl=a\nfn=f\n1 2 3\nsummary: 2\n",
	 "t.out:4:5: more counts than the 1 events"},
	{"events: Ir\nfl=a\nfn=f\n1 2x\n", "t.out:4:4: unexpected 'x'"},
	{"events: Ir\nfl=a\nfn=f\n1 -2\n", "t.out:4:3: expected a count"},
	{"events: Ir\nfl=a\nfn=f\n1 18446744073709551616\n",
	 "t.out:4:3: count does not fit 64 bits"},
	{"events: Ir\nfl=a\nfn=f\n1 18446744073709551615\n2 1\n",
	 "t.out:5:1: the Ir total overflows"},
	{"events: Ir Dr\nfl=a\nfn=f\n1 2 3\nsummary: 2\n",
	 "t.out:5:11: 1 counts for 2 events"},
	{"events: Ir\nfl=a\nfn=f\n1 2\nsummary: 3\n",
	 "t.out:5:1: summary Ir=3 but the cost lines add up to 2"},
	{"events: Ir\nsummary: 0\nfl=a\n",
	 "t.out:3:1: text after the summary line"},
	{"events: Ir\n\nsummary: 0\n", "t.out:2:1: empty line"},
	{"events: Ir\nbogus\n", "t.out:2:1: unexpected line"},
	{"events: Ir\ncmd: x\n", "t.out:2:1: a second cmd:, or after"},
	{"cmd: x\ndesc: y\n", "t.out:2:1: desc: after cmd:"},
	{"summary: 1\n", "t.out:1:1: summary: before events:"},
};

TL_TEST(parse_errors_name_file_line_col)
{
	struct tl_sim_counts c;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i].in, &c, err, sizeof(err));

		if (rc != -EINVAL ||
		    strncmp(err, bad[i].msg, strlen(bad[i].msg)) != 0)
			TL_FAIL("case %zu: rc %d, '%s', want '%s'", i, rc, err,
				bad[i].msg);
		TL_CHECK_INT(c.have, 0);
	}
}

TL_TEST(parse_nul_byte)
{
	static const char s[] = "events: Ir\nfl=a\0b\n";
	struct tl_sim_counts c;
	char err[256];

	TL_CHECK_INT(tl_sim_parse_buf(s, sizeof(s) - 1, "t.out", &c, err,
				      sizeof(err)),
		     -EINVAL);
	TL_CHECK_STR(err, "t.out:2:1: NUL byte in the file");
	/* A tiny error buffer is truncated, never overrun. */
	TL_CHECK_INT(tl_sim_parse_buf(s, sizeof(s) - 1, "t.out", &c, err, 5),
		     -EINVAL);
	TL_CHECK_STR(err, "t.ou");
}

TL_TEST(parse_file_missing)
{
	struct tl_sim_counts c;
	char err[256];

	TL_CHECK_INT(
		tl_sim_parse_file("/nonexistent/cg.out", &c, err, sizeof(err)),
		-ENOENT);
	TL_CHECK(strstr(err, "/nonexistent/cg.out") != NULL);
}

TL_TEST(policy)
{
	struct tl_sim_policy p;

	tl_sim_policy("c", &p);
	TL_CHECK_INT(p.trust, TL_SIM_EXACT);
	TL_CHECK(p.env[0] == NULL);
	TL_CHECK_INT(p.runs_per_point, 1);
	tl_sim_policy("zig", &p);
	TL_CHECK_INT(p.trust, TL_SIM_EXACT);
	tl_sim_policy("go", &p);
	TL_CHECK_INT(p.trust, TL_SIM_FLAGGED);
	TL_CHECK_STR(p.env[0], "GOGC=off");
	TL_CHECK_STR(p.env[1], "GOMAXPROCS=1");
	TL_CHECK_STR(p.env[2], "GODEBUG=asyncpreemptoff=1");
	TL_CHECK(p.region_only);
	TL_CHECK(p.runs_per_point >= 2);
	TL_CHECK(p.max_rel_spread > 0);
	TL_CHECK(p.reason[0] != '\0');
	/* Go's floor: 16 events, or 4e-6 a instruction over a long region
	 * (hashmap's 34M instructions an op: 31 misses were noise). */
	TL_CHECK(tl_sim_miss_floor(&p, 2000) == 16);
	TL_CHECK(tl_sim_miss_floor(&p, 34e6) > 31);
	TL_CHECK(tl_sim_miss_floor(&p, 34e6) < 1e-4 * 34e6);
	tl_sim_policy("c", &p);
	TL_CHECK(tl_sim_miss_floor(&p, 34e6) == 0);
}

static int on_path(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

static int run_sim(const char *out, const char *prog)
{
	struct tl_sim_cmd cmd;
	const char *argv[TL_SIM_ARGV_MAX + 2];
	int i, status;
	pid_t pid;

	if (tl_sim_cmd_init(&cmd, out))
		return -1;
	for (i = 0; i < cmd.argc; i++)
		argv[i] = cmd.argv[i];
	argv[i++] = "-q";
	argv[i++] = prog;
	argv[i] = NULL;
	pid = fork();
	if (pid == 0) {
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TL_TEST(real_cachegrind_is_deterministic)
{
	char dir[] = "/tmp/tl_simXXXXXX", f1[64], f2[64], err[512];
	struct tl_sim_counts a, b;
	int i;

	if (!on_path("valgrind") || !on_path("setarch"))
		TL_SKIP("valgrind or setarch not installed");
	TL_CHECK(mkdtemp(dir) != NULL);
	snprintf(f1, sizeof(f1), "%s/cg.1", dir);
	snprintf(f2, sizeof(f2), "%s/cg.2", dir);
	TL_CHECK_INT(run_sim(f1, "/bin/true"), 0);
	TL_CHECK_INT(run_sim(f2, "/bin/true"), 0);
	TL_CHECK_INT(tl_sim_parse_file(f1, &a, err, sizeof(err)), 0);
	TL_CHECK_INT(tl_sim_parse_file(f2, &b, err, sizeof(err)), 0);
	unlink(f1);
	unlink(f2);
	rmdir(dir);
	TL_CHECK_INT(a.have, (1u << TL_SIM__N) - 1);
	TL_CHECK(a.v[TL_SIM_IR] > 1000);
	fprintf(stderr, "    /bin/true: Ir=%llu Dr=%llu Bc=%llu\n",
		(unsigned long long)a.v[TL_SIM_IR],
		(unsigned long long)a.v[TL_SIM_DR],
		(unsigned long long)a.v[TL_SIM_BC]);
	for (i = 0; i < TL_SIM__N; i++)
		TL_CHECK_INT(a.v[i], b.v[i]);
}

TL_TEST(callgrind_totals)
{
	static const char cg[] =
		"# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\n"
		"positions: line\nevents: Ir Dr Bc\nsummary: 10 4 2\n\n"
		"fl=(1) a.c\nfn=(1) main\n3 10 4 2\ncalls=1 4\n* 7 1 1\n\n"
		"totals: 10 4 2\n";
	struct tl_sim_counts c;
	char err[256];
	const char *cut = strstr(cg, "totals:");

	TL_CHECK_INT(tl_sim_parse_callgrind_buf(cg, strlen(cg), "cg.out", &c,
						err, sizeof(err)),
		     0);
	TL_CHECK_INT(c.v[TL_SIM_IR], 10);
	TL_CHECK_INT(c.v[TL_SIM_DR], 4);
	TL_CHECK_INT(c.v[TL_SIM_BC], 2);
	TL_CHECK_INT(c.have,
		     (1u << TL_SIM_IR) | (1u << TL_SIM_DR) | (1u << TL_SIM_BC));
	/* Cut short: no totals line. */
	TL_CHECK_INT(tl_sim_parse_callgrind_buf(cg, (size_t)(cut - cg),
						"cg.out", &c, err, sizeof(err)),
		     -EINVAL);
	TL_CHECK(strstr(err, "no totals") != NULL);
	/* Summary and totals disagree. */
	{
		char mis[sizeof(cg)];

		memcpy(mis, cg, sizeof(cg));
		*strstr(mis, "totals: 10") = '\0';
		strcat(mis, "totals: 11 4 2\n");
		TL_CHECK_INT(tl_sim_parse_callgrind_buf(mis, strlen(mis),
							"cg.out", &c, err,
							sizeof(err)),
			     -EINVAL);
		TL_CHECK(strstr(err, "summary Ir=10 but totals 11") != NULL);
	}
}

/* The Go compiler the tests may use, or NULL. */
static const char *find_go(void)
{
	const char *g = getenv("TL_GO");

	if (g && *g)
		return g;
	if (on_path("go"))
		return "go";
	if (access("/usr/local/go/bin/go", X_OK) == 0)
		return "/usr/local/go/bin/go";
	return NULL;
}

/* Runs bin under the Go policy's simulator command into out. */
static int run_go_sim(const char *out, const char *bin)
{
	struct tl_sim_policy pol;
	struct tl_sim_cmd cmd;
	const char *argv[TL_SIM_ARGV_MAX + 8];
	int i, status;
	pid_t pid;

	tl_sim_policy("go", &pol);
	if (tl_sim_cmd_init_for(&cmd, &pol, out))
		return -1;
	for (i = 0; i < cmd.argc; i++)
		argv[i] = cmd.argv[i];
	argv[i++] = "-q";
	argv[i++] = bin;
	argv[i++] = "go.sentinel";
	argv[i++] = "2000";
	argv[i++] = "1";
	argv[i++] = "error_rate=0.1";
	argv[i] = NULL;
	pid = fork();
	if (pid == 0) {
		for (int k = 0; pol.env[k]; k++)
			putenv((char *)pol.env[k]);
		if (!freopen("/dev/null", "w", stdout))
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Issue 15: the same Go variant under the simulator twice gives the same
 * counts. The counts the code decides (instructions, data reads and
 * writes, branches) must be identical; cache and predictor misses are
 * printed (sysmon's thread shares the simulated caches).
 */
TL_TEST(real_go_region_is_deterministic)
{
	static const enum tl_sim_event same[] = {
		TL_SIM_IR, TL_SIM_DR, TL_SIM_DW, TL_SIM_BC, TL_SIM_BI};
	const char *go = find_go(), *root = getenv("TL_ROOT");
	char dir[] = "/tmp/tl_gosimXXXXXX", f[2][96], err[512], *cmd;
	struct tl_sim_counts c[2];

	if (!on_path("valgrind") || !on_path("setarch"))
		TL_SKIP("valgrind or setarch not installed");
	if (!go)
		TL_SKIP("no go toolchain");
	if (!root)
		root = ".";
	TL_CHECK(mkdtemp(dir) != NULL);
	cmd = xasprintf(
		"cd %s && cp %s/workload/tlw.go %s/workload/tlw_amd64.go "
		"%s/workload/tlw_amd64.s %s/workload/tlw_noasm.go "
		"%s/experiments/errors/go/errors.go . && printf 'module "
		"tlwork\\n\\ngo 1.22\\n' >go.mod && GOFLAGS=-mod=mod "
		"GOPROXY=off GOTOOLCHAIN=local GOCACHE=%s/.cache/go-build "
		"%s build -trimpath -o w . >&2",
		dir, root, root, root, root, root, root, go);
	if (system(cmd) != 0) {
		free(cmd);
		TL_FAIL("go build of experiments/errors/go failed");
	}
	free(cmd);
	for (int r = 0; r < 2; r++) {
		char bin[64];

		snprintf(f[r], sizeof(f[r]), "%s/cg.%d", dir, r);
		snprintf(bin, sizeof(bin), "%s/w", dir);
		TL_CHECK_INT(run_go_sim(f[r], bin), 0);
		TL_CHECK_INT(tl_sim_parse_file(f[r], &c[r], err, sizeof(err)),
			     0);
	}
	cmd = xasprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	fprintf(stderr,
		"    go.sentinel x2000: Ir=%llu/%llu D1mr=%llu/%llu "
		"Bcm=%llu/%llu\n",
		(unsigned long long)c[0].v[TL_SIM_IR],
		(unsigned long long)c[1].v[TL_SIM_IR],
		(unsigned long long)c[0].v[TL_SIM_D1MR],
		(unsigned long long)c[1].v[TL_SIM_D1MR],
		(unsigned long long)c[0].v[TL_SIM_BCM],
		(unsigned long long)c[1].v[TL_SIM_BCM]);
	/* Only the region: 2000 parses, not the runtime's start-up. */
	TL_CHECK(c[0].v[TL_SIM_IR] > 2000 * 20);
	TL_CHECK(c[0].v[TL_SIM_IR] < 2000 * 2000);
	for (size_t k = 0; k < sizeof(same) / sizeof(same[0]); k++)
		TL_CHECK_INT(c[0].v[same[k]], c[1].v[same[k]]);
}

TL_TEST_MAIN()
