#!/usr/bin/env bash
# farm under Slurm across three test hosts: slurm-hosts.sh starts slurmctld on
# fh1 and a slurmd per host; `sbatch -N 3 -n 7` runs `srun --mpi=pmix farmrun`
# with the ranks spread over fh1, fh2 and fh3 (MPI over TCP between them);
# prints the ledger's tasks per host. Usage: multihost-slurm.sh [TASKS] [--keep]
set -euo pipefail
cd "$(dirname "$0")/../.."
tasks=${1:-300}
keep=0
[[ ${2:-} == --keep ]] && keep=1
here=$(pwd)/Tests/cluster
bin=${FARM_BIN:-$(bash scripts/build-release.sh)}
"$here/slurm-hosts.sh" start 3
# Shared by the hosts, and not under /tmp (each slurmd has its own /tmp).
work=/var/lib/farm-slurm-hosts/work/$$
mkdir -p "$work"
cleanup() { ((keep)) || { "$here/slurm-hosts.sh" stop; "$here/hosts.sh" down; rm -rf "$work"; }; }
trap cleanup EXIT
eval "$("$here/slurm-hosts.sh" env)"
# The jobs see the build only if it is outside /tmp: run a copy from the shared folder.
mkdir -p "$work/bin"
cp "$bin/farmrun" "$bin/dbtool" "$work/bin/"
bin=$work/bin
py=$(python3 -c 'import sys; print(sys.executable)')
cat >"$work/job.sbatch" <<JOB
#!/bin/bash
export OMPI_MCA_btl=tcp,self OMPI_MCA_btl_tcp_if_include=10.77.0.0/24 OMPI_MCA_oob_tcp_if_include=10.77.0.0/24
srun --mpi=pmix $bin/farmrun check
srun --mpi=pmix $bin/farmrun --db $work/r.db -p x=1..$tasks --progress 0 -- $py -c 'import json, sys, time; time.sleep(0.05); print(json.dumps({"x": int(sys.argv[1])}))' '{x}'
JOB
start=$(date +%s.%N)
"$here/hosts.sh" exec fh1 sbatch --wait -N 3 -n 7 -o "$work/out.log" "$work/job.sbatch" >/dev/null || {
    cat "$work/out.log" >&2; echo "multihost-slurm: the job failed" >&2; exit 1; }
end=$(date +%s.%N)
cat "$work/out.log" | grep -E "MPI ok|exit " || true
q() { sqlite3 "$work/r.db" "$1"; }
echo "sbatch -N 3 -n 7, $tasks tasks: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
echo "tasks per host: $(q "SELECT group_concat(host || ' ' || n, ', ') FROM (SELECT host, count(*) AS n FROM farm_attempt WHERE outcome = 'done' GROUP BY host ORDER BY host)")"
echo "results: $(q "SELECT count(*) || ' rows, ' || count(DISTINCT task_id) || ' distinct task ids' FROM results")"
[[ $(q "SELECT count(DISTINCT host) FROM farm_attempt WHERE outcome = 'done'") == 3 ]] || { echo "multihost-slurm: expected tasks on 3 hosts" >&2; exit 1; }
echo "multihost-slurm: ok"
