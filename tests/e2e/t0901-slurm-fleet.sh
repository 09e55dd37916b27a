#!/usr/bin/env bash
# t0901-slurm-fleet.sh - a fleet run on a real one-node Slurm cluster
# (Debian's slurmctld, slurmd and munge, started here on localhost with
# their own ports, key and state in a temp folder, all stopped at the end):
# scripts/fleet/submit.sh submits scripts/fleet/traplab-array.sbatch as a
# 2-task job array; both tasks run `traplab run calib --quick` and store
# into a real PostgreSQL; both runs must arrive and pool into one machine
# of the matrix. A second machine is then made by editing the env block of
# a copy of one real results file (there is one machine here), and the
# matrix must show two machines that are never pooled together.
# Skips (77) with the reason when Slurm cannot start here.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"

[ -x "$TRAPLAB" ] || skip "no traplab binary"
"$TRAPLAB" history --db postgres://tl@127.0.0.1:1/x >/dev/null 2>"$tmp/e"
grep -q "built without libpq" "$tmp/e" &&
	skip "traplab built without libpq (Makefile PKGS needs libpq)"
for b in slurmctld slurmd munged; do
	[ -x "/usr/sbin/$b" ] ||
		skip "$b missing (apt-get install slurmctld slurmd slurm-client munge)"
done
for b in sbatch squeue sinfo scontrol munge; do
	command -v $b >/dev/null ||
		skip "$b missing (apt-get install slurm-client munge)"
done
[ "$(id -u)" = 0 ] || skip "slurmd must run as root to start jobs"
id munge >/dev/null 2>&1 || skip "no munge user (Debian's munge package creates it)"

pg_start
S=$tmp/slurm
mkdir -p "$S/state" "$S/spool" "$S/log" "$S/munge" "$tmp/fleet"
chmod 755 "$S" "$S/munge" "$tmp/fleet"
pids=()
stop_all() {
	[ -n "${SLURM_CONF:-}" ] && scancel --quiet --user=root >/dev/null 2>&1
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.5
		done
		kill -9 "$p" 2>/dev/null
	done
	[ -f "$S/munge/pid" ] && kill "$(cat "$S/munge/pid")" 2>/dev/null
	pg_stop
	rm -rf "$tmp"
}
trap stop_all EXIT

# munge: a fresh key, our own socket.
head -c 1024 /dev/urandom >"$S/munge/key"
chown munge "$S/munge" "$S/munge/key"
chmod 400 "$S/munge/key"
runuser -u munge -- /usr/sbin/munged --socket="$S/munge/sock" \
	--key-file="$S/munge/key" --pid-file="$S/munge/pid" \
	--log-file="$S/munge/log" --seed-file="$S/munge/seed" ||
	skip "munged did not start: $(tail -n1 "$S/munge/log" 2>/dev/null)"

host=$(hostname -s)
port=$((20000 + RANDOM % 12000))
cat >"$S/slurm.conf" <<EOF
ClusterName=tltest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$S/munge/sock
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=tl Nodes=$host Default=YES MaxTime=10 State=UP
EOF
export SLURM_CONF=$S/slurm.conf
/usr/sbin/slurmctld -D -f "$SLURM_CONF" >"$S/log/slurmctld.out" 2>&1 &
pids+=($!)
/usr/sbin/slurmd -D -f "$SLURM_CONF" -N "$host" >"$S/log/slurmd.out" 2>&1 &
pids+=($!)
up=
for _ in $(seq 60); do
	case $(sinfo -h -o %T -p tl 2>/dev/null) in idle*) up=1; break ;; esac
	sleep 0.5
done
if [ -z "$up" ]; then
	tail -n 5 "$S"/log/*
	skip "Slurm did not start here (node state: $(sinfo -h -o %T 2>&1 | head -n1))"
fi
echo "Slurm up: $(sinfo -h -o '%P %a %D %T %N')"

# The fleet: 2 array tasks on partition tl, into PostgreSQL.
export TRAPLAB TRAPLAB_ROOT=${TRAPLAB_ROOT:-$TL_ROOT} TRAPLAB_HISTORY=$PG_URL
export TRAPLAB_ARGS="calib --quick -V c.empty -V c.add_chain"
export TRAPLAB_OUT=$tmp/fleet TRAPLAB_REPEATS=2
export TRAPLAB_SBATCH_ARGS="--time=5 --output=$S/task-%A_%a.out --chdir=$tmp/fleet"
"$TL_ROOT/scripts/fleet/submit.sh" tl >"$S/submitted" || fail "submit.sh"
cat "$S/submitted"
job=$(awk '{print $2}' "$S/submitted")
[ -n "$job" ] || fail "no job id"
for _ in $(seq 180); do
	[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
	sleep 0.5
done
[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && [ -n "$(scontrol show job "$job" 2>/dev/null)" ] ||
	fail "job $job did not finish in 90 s: $(squeue -h -j "$job")"
for f in "$S"/task-*.out; do
	echo "== $f"
	tail -n 12 "$f"
done
scontrol -o show job "$job" |
	sed -E 's/.*ArrayTaskId=([0-9]+).*JobState=([A-Z_]+).*ExitCode=([0-9:]+).*/task \1 \2 exit \3/' |
	tee "$S/states"
[ "$(grep -c 'COMPLETED exit 0:0' "$S/states")" = 2 ] ||
	fail "both array tasks must complete with exit 0"

# Both runs arrived in PostgreSQL, from this machine, and pool.
ls "$tmp"/fleet/*.json >/dev/null 2>&1 || fail "no results files"
[ "$(ls "$tmp"/fleet/"$job"-*.json | wc -l)" = 2 ] || fail "want 2 results files"
[ "$(pg_sql "SELECT count(*) FROM runs")" = 2 ] || fail "want 2 runs in PostgreSQL"
fp=$(jq -r .env.fingerprint "$(ls "$tmp"/fleet/"$job"-0-*.json)")
[ "$(pg_sql "SELECT count(DISTINCT fingerprint) FROM runs")" = 1 ] &&
	[ "$(pg_sql "SELECT min(fingerprint) FROM runs")" = "$fp" ] ||
	fail "runs are not from this machine's fingerprint $fp"
"$TRAPLAB" history --db "$PG_URL" matrix --metric ns_per_op >"$tmp/m1" ||
	fail "matrix"
cat "$tmp/m1"
grep -q "M1  $fp  2 runs" "$tmp/m1" || fail "the two runs did not pool"
grep -q "M2" "$tmp/m1" && fail "one machine only here"

# A second machine: a copy of a real results file with another env block.
jq '.env.fingerprint = "51d0e8a2c7f3b914" | .env.hostname = "metal-1"
    | .env.cpu_model = "Intel Xeon Gold 6338" | .env.cpus = 64
    | .env.numa_nodes = 2 | .env.pmu = true | .env.virtualised = false
    | .env.hypervisor = null' \
	"$(ls "$tmp"/fleet/"$job"-1-*.json)" >"$tmp/metal-1.json"
"$TRAPLAB" history --db "$PG_URL" add "$tmp/metal-1.json" >/dev/null ||
	fail "storing the second machine's run"
"$TRAPLAB" history --db "$PG_URL" matrix --metric ns_per_op --out "$tmp/pooled" \
	>"$tmp/m2" || fail "matrix of two machines"
cat "$tmp/m2"
grep -q "M1  $fp  2 runs" "$tmp/m2" || fail "machine 1 lost its pool"
grep -q "M2  51d0e8a2c7f3b914  1 run   Intel Xeon Gold 6338, 64 CPUs, 2 NUMA nodes, PMU, bare metal" "$tmp/m2" ||
	fail "machine 2 missing"
# Pooled samples: machine 1's n is the sum of its two runs' n.
n_pooled=$(jq '[.experiments[].cases[].variants[] | select(.name == "c.empty") | .metrics.ns_per_op.n] | add' "$tmp/pooled/$fp.json")
n_runs=$(jq -s '[.[].experiments[].cases[].variants[] | select(.name == "c.empty") | .metrics.ns_per_op.n] | add' "$tmp"/fleet/"$job"-*.json)
[ "$n_pooled" = "$n_runs" ] && [ "$n_pooled" -gt 0 ] ||
	fail "pooled n $n_pooled != sum of the runs' n $n_runs"
[ "$(jq '.pool.runs | length' "$tmp/pooled/$fp.json")" = 2 ] || fail "pool.runs"
[ "$(jq '.pool.runs | length' "$tmp/pooled/51d0e8a2c7f3b914.json")" = 1 ] ||
	fail "machine 2 pooled with machine 1"
echo ok
