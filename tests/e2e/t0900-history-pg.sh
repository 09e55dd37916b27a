#!/usr/bin/env bash
# t0900-history-pg.sh - the run history in a real PostgreSQL (Debian's
# postgresql, started on loopback in a temp folder): the same unit tests as
# SQLite (test_history with TL_HISTORY_TEST_URL), then the commands that go
# through history.h (history, trend, slo check, compare --baseline,
# metrics, history matrix) give the same output on PostgreSQL as on a
# SQLite file fed the same runs; two writers at once; $TRAPLAB_HISTORY;
# passwords masked in errors.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
D=$TL_ROOT/tests/data
BUILD=${TL_BUILD:-$TL_ROOT/build/default}

[ -x "$TRAPLAB" ] || skip "no traplab binary"
"$TRAPLAB" history --db postgres://tl@127.0.0.1:1/x >/dev/null 2>"$tmp/e"
grep -q "built without libpq" "$tmp/e" &&
	skip "traplab built without libpq (Makefile PKGS needs libpq)"

# A password never reaches a message.
"$TRAPLAB" history --db "postgres://tl:hunter2@127.0.0.1:1/x" 2>"$tmp/e" &&
	fail "connecting to a closed port succeeded"
grep -q "cannot connect to 'postgres://tl:\*\*\*@127.0.0.1:1/x'" "$tmp/e" ||
	{ cat "$tmp/e"; fail "no masked URL in the connection error"; }
grep -q hunter2 "$tmp/e" && fail "password printed"

pg_start
echo "PostgreSQL at $PG_URL"

# 1. The unit tests of the history, on PostgreSQL.
if [ -x "$BUILD/tests/test_history" ]; then
	TL_HISTORY_TEST_URL=$PG_URL "$BUILD/tests/test_history" ||
		fail "test_history on PostgreSQL"
	pg_sql "DROP TABLE metrics, runs, traplab_schema" ||
		fail "cannot empty the test database"
else
	echo "note: $BUILD/tests/test_history not built (make units); skipped"
fi

# 2. The same commands on both backends give the same output.
SQ=$tmp/h.sqlite
for db in "$SQ" "$PG_URL"; do
	tag=$([ "$db" = "$SQ" ] && echo sq || echo pg)
	"$TRAPLAB" history --db "$db" 2>"$tmp/e" && fail "$tag: empty history opened"
	grep -q "no history at" "$tmp/e" || { cat "$tmp/e"; fail "$tag: no ENOENT"; }
	for i in 1 2 3 4 5 6; do
		"$TRAPLAB" history --db "$db" add "$D/run-$i.json" >/dev/null ||
			fail "$tag: history add run-$i"
	done
	"$TRAPLAB" history --db "$db" add "$D/run-1.json" | grep -q "already stored run 1" ||
		fail "$tag: a run stored twice"
	"$TRAPLAB" history --history "$db" >"$tmp/$tag.list" || fail "$tag: list"
	"$TRAPLAB" slo check --db "$db" --slo "$D/slo-test.yaml" "$D/run-6.json" \
		>"$tmp/$tag.good" || { cat "$tmp/$tag.good"; fail "$tag: run-6 should pass"; }
	grep -q "5 earlier runs" "$tmp/$tag.good" || fail "$tag: window did not see history"
	"$TRAPLAB" history --db "$db" add "$D/run-slow.json" >/dev/null
	"$TRAPLAB" slo check --db "$db" --slo "$D/slo-test.yaml" "$D/run-slow.json" \
		>"$tmp/$tag.slow"
	rc=$?
	[ $rc = 1 ] || { cat "$tmp/$tag.slow"; fail "$tag: slowed run: slo check exit $rc, want 1"; }
	grep -q "arena under 3 ns.*FAIL.*VIOLATED" "$tmp/$tag.slow" ||
		fail "$tag: the slowed objective is not reported violated"
	"$TRAPLAB" compare --db "$db" --baseline 5 "@7" >"$tmp/$tag.base"
	rc=$?
	[ $rc = 1 ] || { cat "$tmp/$tag.base"; fail "$tag: baseline compare exit $rc, want 1"; }
	"$TRAPLAB" history --db "$db" trend alloc c.arena ns_per_op >"$tmp/$tag.trend" ||
		fail "$tag: trend"
	"$TRAPLAB" history --db "$db" trend alloc c.glibc ns_per_op --params size=64 \
		>>"$tmp/$tag.trend" || fail "$tag: trend --params"
	"$TRAPLAB" history --db "$db" matrix --last 3 --metric ns_per_op \
		>"$tmp/$tag.matrix" || fail "$tag: matrix"
	mkdir -p "$tmp/tf-$tag"
	"$TRAPLAB" metrics --slo "$D/slo-test.yaml" --db "$db" --textfile "$tmp/tf-$tag" \
		"$D/run-slow.json" || fail "$tag: metrics --textfile"
done
cat "$tmp/pg.list" "$tmp/pg.trend" "$tmp/pg.matrix"
grep -c 9c1e5d0b7a3f4e21 "$tmp/pg.list" | grep -qx 6 || fail "pg: history does not list 6 runs"
# Only stored_utc-free columns are printed, so the outputs match exactly.
for f in list good slow base trend matrix; do
	diff -u "$tmp/sq.$f" "$tmp/pg.$f" || fail "'$f' differs between SQLite and PostgreSQL"
done
diff -u "$tmp/tf-sq/traplab.prom" "$tmp/tf-pg/traplab.prom" ||
	fail "metrics differ between SQLite and PostgreSQL"
grep -q "M1  9c1e5d0b7a3f4e21  3 runs" "$tmp/pg.matrix" ||
	fail "matrix did not pool the last 3 runs (the slowed one is plain too)"

# 3. $TRAPLAB_HISTORY picks the history when no --db is given.
TRAPLAB_HISTORY=$PG_URL "$TRAPLAB" history >"$tmp/env.list" || fail "TRAPLAB_HISTORY"
"$TRAPLAB" history --db "$PG_URL" >"$tmp/pg.list2"
grep -q "^ *7  " "$tmp/env.list" && diff -q "$tmp/pg.list2" "$tmp/env.list" >/dev/null ||
	fail "TRAPLAB_HISTORY not used"

# 4. Two writers at once: a second machine's runs (a copy of real runs with
# another env block) and a re-add of stored ones; every run lands once.
for i in 1 2 3; do
	jq '.env.fingerprint = "51d0e8a2c7f3b914" | .env.cpu_model = "Intel Xeon Gold 6338"
	    | .env.cpus = 64 | .env.numa_nodes = 2 | .env.pmu = true
	    | .env.virtualised = false | .env.hypervisor = null
	    | .env.hostname = "metal-1"' "$D/run-$i.json" >"$tmp/metal-$i.json"
done
"$TRAPLAB" history --db "$PG_URL" add "$tmp"/metal-*.json >"$tmp/w1" 2>&1 &
p1=$!
"$TRAPLAB" history --db "$PG_URL" add "$tmp"/metal-*.json "$D"/run-*.json >"$tmp/w2" 2>&1 &
p2=$!
wait $p1 || { cat "$tmp/w1"; fail "writer 1"; }
wait $p2 || { cat "$tmp/w2"; fail "writer 2"; }
[ "$(pg_sql "SELECT count(*) FROM runs")" = 10 ] || fail "not 10 runs after two writers"
[ "$(pg_sql "SELECT count(*) FROM runs r WHERE nmetrics <> (SELECT count(*) FROM metrics m WHERE m.run_id = r.id)")" = 0 ] ||
	fail "a run with missing metric rows"
[ "$(pg_sql "SELECT version FROM traplab_schema")" = 2 ] || fail "schema version"
"$TRAPLAB" history --db "$PG_URL" matrix --metric ns_per_op >"$tmp/m2" || fail "matrix of 2 machines"
cat "$tmp/m2"
grep -q "M2  51d0e8a2c7f3b914  3 runs  Intel Xeon Gold 6338, 64 CPUs, 2 NUMA nodes, PMU, bare metal" "$tmp/m2" ||
	fail "second machine missing from the matrix"
echo ok
