#!/bin/bash
# A one-node Slurm cluster of its own (munged, slurmctld and slurmd under DIR,
# as the user running it, on ports of its own), then golive's job array
# (scenarios/slurm/golive-array.sbatch) for a Monte Carlo batch and for a
# sweep: each merged result must be byte-identical to one process's.
#   tests/slurm/one-node.sh GOLIVE DIR      (run by the test slurm::*)
# Needs slurm-wlm and munge (make deps). Says why and exits 1 on failure.
set -euo pipefail
golive=$(readlink -f "$1")
dir=$2
export PATH="$PATH:/usr/sbin:/sbin"
for t in munged slurmctld slurmd sbatch scontrol sinfo; do
    command -v "$t" >/dev/null || { echo "slurm: $t is not installed: run make deps (slurm-wlm, munge)"; exit 1; }
done
rm -rf "$dir"
mkdir -p "$dir"/state "$dir"/spool "$dir"/log "$dir"/out
dir=$(readlink -f "$dir")
chmod 700 "$dir"
user=$(id -un)
host=$(hostname -s)
conf="$dir/slurm.conf"
stop() {
    SLURM_CONF="$conf" scontrol shutdown >/dev/null 2>&1 || true
    # the daemons leave on their own time: wait (10 s at most), so that the
    # caller's removal of $dir does not race their last writes
    for p in slurmctld slurmd; do
        pid=$(cat "$dir/$p.pid" 2>/dev/null || true)
        for _ in $(seq 100); do
            [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    done
    [ -f "$dir/munged.pid" ] && kill "$(cat "$dir/munged.pid")" 2>/dev/null || true
}
trap stop EXIT
fail() {
    echo "slurm: $*"
    for f in "$dir"/log/*.log; do echo "--- $f"; tail -n 20 "$f"; done
    exit 1
}

# munge with its own key and socket
dd if=/dev/urandom of="$dir/munge.key" bs=1024 count=1 status=none
chmod 400 "$dir/munge.key"
munged --force --socket="$dir/munge.sock" --key-file="$dir/munge.key" --pid-file="$dir/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge.seed" 2>>"$dir/log/munged.log" ||
    fail "munged did not start"

# two ports nobody listens on, below the ephemeral range: fixed ones made two
# test runs on one machine (two checkouts, or CI next to a developer) collide
read -r ctld_port slurmd_port < <(python3 - <<'PORTS'
import random, socket
found = []
while len(found) < 2:
    p = random.randrange(20000, 30000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        if p not in found:
            found.append(p)
    except OSError:
        pass
    finally:
        s.close()
print(*found)
PORTS
)
cpus=$(nproc)
mem=$(awk '/MemTotal/ { print int($2 / 1024 / 2) }' /proc/meminfo)
cat >"$conf" <<CONF
ClusterName=golivetest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge.sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=golive Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$conf"
slurmctld -c -f "$conf" >>"$dir/log/start.log" 2>&1 || fail "slurmctld did not start"
slurmd -f "$conf" >>"$dir/log/start.log" 2>&1 || fail "slurmd did not start"
for i in $(seq 60); do
    state=$(sinfo -h -o %t 2>/dev/null || true)
    case "$state" in idle*) break ;; esac
    sleep 0.5
done
case "$state" in idle*) ;; *) fail "the node is not idle after 30 s (state: ${state:-none})" ;; esac
echo "slurm: one node up ($host, $cpus CPUs)"

array=scenarios/slurm/golive-array.sbatch
out="$dir/out"
# a Monte Carlo batch in 4 array tasks, and a sweep of 6 points in 3
sbatch --wait --quiet --array=0-3 --cpus-per-task=1 --output="$out/runs-%a.log" \
    --export=ALL,GOLIVE="$golive" "$array" scenarios/drbd84-year.json 40 "$out/runs" ||
    fail "the runs' array failed: $(cat "$out"/runs-*.log 2>/dev/null)"
sbatch --wait --quiet --array=0-2 --cpus-per-task=1 --output="$out/sweep-%a.log" \
    --export=ALL,GOLIVE="$golive" "$array" scenarios/web-server.json 3 "$out/sweep" \
    --set migration.max_bandwidth=100MiB/s,400MiB/s,1GiB/s --set 'vms[0].dirty.rate=5000pages/s,40000pages/s' ||
    fail "the sweep's array failed: $(cat "$out"/sweep-*.log 2>/dev/null)"
# two tasks lost: the merge names them, and resubmitting just those completes the set
rm "$out/runs/part-1.json" "$out/runs/part-3.json"
if "$golive" merge "$out"/runs/part-*.json --json "$out/runs-merged.json" --quiet 2>"$out/merge.err"; then
    fail "a merge with two parts missing succeeded"
fi
grep -q "shards 1,3 missing" "$out/merge.err" || fail "the merge did not name the missing shards: $(cat "$out/merge.err")"
sbatch --wait --quiet --array=1,3 --cpus-per-task=1 --output="$out/rerun-%a.log" \
    --export=ALL,GOLIVE="$golive",GOLIVE_SHARDS=4 "$array" scenarios/drbd84-year.json 40 "$out/runs" ||
    fail "the resubmitted tasks failed: $(cat "$out"/rerun-*.log 2>/dev/null)"
"$golive" merge "$out"/runs/part-*.json --json "$out/runs-merged.json" --quiet
"$golive" run scenarios/drbd84-year.json --runs 40 --json "$out/runs-one.json" --quiet 2>/dev/null
cmp "$out/runs-merged.json" "$out/runs-one.json" || fail "the merged runs differ from one process's"
"$golive" merge "$out"/sweep/part-*.json --json "$out/sweep-merged.json" --quiet
"$golive" sweep scenarios/web-server.json --runs 3 --set migration.max_bandwidth=100MiB/s,400MiB/s,1GiB/s \
    --set 'vms[0].dirty.rate=5000pages/s,40000pages/s' --json "$out/sweep-one.json" --quiet
cmp "$out/sweep-merged.json" "$out/sweep-one.json" || fail "the merged sweep differs from one process's"
echo "slurm: 4 array tasks of drbd84-year (40 runs; 2 lost, named by the merge, resubmitted) and 3 of a 6-point sweep, merged: byte-identical to one process"
