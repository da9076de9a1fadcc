#!/usr/bin/env bash
# A sweep across three test hosts (hosts.sh), the coordinator on fh1 and the
# workers on fh2 and fh3, MPI over TCP between the namespaces; every rank on
# fh3 killed with SIGKILL mid-run, then a resume; the same sweep on one host
# beside it. While the first run goes, fh2 reads the database (farmrun status,
# dbtool query), as a login node would on a shared filesystem.
# Prints the per-host task counts and the times; exits non-zero if any check fails.
#
#   bash Tests/cluster/multihost-farm.sh [TASKS] [--keep-hosts]
set -euo pipefail
cd "$(dirname "$0")/../.."
tasks=${1:-1000}
keep=0
[[ ${2:-} == --keep-hosts ]] && keep=1
here=$(pwd)/Tests/cluster
bin=${FARM_BIN:-$(bash scripts/build-release.sh)}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d /tmp/farm-multihost.XXXXXX)
"$here/hosts.sh" up 3
cleanup() { ((keep)) || "$here/hosts.sh" down; rm -rf "$work"; }
trap cleanup EXIT
printf 'fh1 slots=1\nfh2 slots=3\nfh3 slots=3\n' >"$work/hostfile"
py=$(python3 -c 'import sys; print(sys.executable)')
job=("$py" -c 'import json, sys, time; time.sleep(0.05); print(json.dumps({"x": int(sys.argv[1])}))' '{x}')
mpi=("$here/hosts.sh" exec fh1 mpirun --hostfile "$work/hostfile" --oversubscribe
     --mca plm_rsh_agent "$here/rsh-agent.sh" --mca btl tcp,self
     --mca btl_tcp_if_include 10.77.0.0/24 --mca oob_tcp_if_include 10.77.0.0/24 -n 7)
db=$work/multi.db
sweep=(--db "$db" -p "x=1..$tasks" --progress 0 -- "${job[@]}")
fail() { echo "multihost: FAILED: $*" >&2; exit 1; }
count() { sqlite3 "$1" "SELECT count(*) FROM farm_task WHERE state = 'done'" 2>/dev/null || echo 0; }
now() { date +%s.%N; }

"${mpi[@]}" "$bin/farmrun" check
echo
# 1. Run, read from fh2 meanwhile, kill everything on fh3 once a third is done.
t0=$(now)
"${mpi[@]}" "$bin/farmrun" "${sweep[@]}" >"$work/run1.log" 2>&1 &
run=$!
until (($(count "$db") >= tasks / 3)); do
    kill -0 $run 2>/dev/null || { cat "$work/run1.log" >&2; fail "the first run ended before a third was done"; }
    sleep 0.2
done
"$here/hosts.sh" exec fh2 "$bin/farmrun" status --db "$db" >"$work/status.txt" || fail "farmrun status from fh2"
"$here/hosts.sh" exec fh2 "$bin/dbtool" query "$db" "SELECT count(*) AS rows FROM results" >"$work/query.txt" || fail "dbtool query from fh2"
victims=$("$here/hosts.sh" pids fh3 | tr '\n' ' ')
kill -9 $victims 2>/dev/null || true
status=0
wait $run || status=$?
t1=$(now)
done1=$(count "$db")
echo "run 1: killed every process on fh3 (pids $victims) at $(sed -n 1p "$work/query.txt" >/dev/null; tail -1 "$work/query.txt") rows; mpirun exit $status, $done1 of $tasks done"
echo "  read from fh2 during the run: $(grep -m1 '^sweep' "$work/status.txt")"
# 2. Resume on the same hosts.
"${mpi[@]}" "$bin/farmrun" "${sweep[@]}" >"$work/run2.log" 2>&1 || { cat "$work/run2.log" >&2; fail "the resume exited non-zero"; }
t2=$(now)
# 3. The same sweep on one host (7 slots on fh1).
one=$work/one.db
t3=$(now)
"$here/hosts.sh" exec fh1 mpirun --oversubscribe -n 7 "$bin/farmrun" --db "$one" -p "x=1..$tasks" --progress 0 -- "${job[@]}" >"$work/one.log" 2>&1 || fail "one-host run"
t4=$(now)

q() { sqlite3 "$db" "$1"; }
rows=$(q "SELECT count(*) FROM results") distinct=$(q "SELECT count(DISTINCT task_id) FROM results")
done_all=$(q "SELECT count(*) FROM farm_task WHERE state = 'done'") lost=$(q "SELECT count(*) FROM farm_attempt WHERE outcome = 'lost'")
echo "run 2 (resume): $(grep -m1 'sweep results' "$work/run2.log" | sed 's/.*farmrun: //')"
echo
echo "| run | hosts | wall s | tasks on fh1 | tasks on fh2 | tasks on fh3 |"
echo "| --- | --- | --- | --- | --- | --- |"
per_host() { sqlite3 "$1" "SELECT coalesce(sum(host = 'fh1'), 0) || ' | ' || coalesce(sum(host = 'fh2'), 0) || ' | ' || coalesce(sum(host = 'fh3'), 0) FROM farm_attempt WHERE outcome = 'done'"; }
awk -v a="$t0" -v b="$t2" -v c="$t3" -v d="$t4" -v m="$(per_host "$db")" -v o="$(per_host "$one")" -v k="$t1" 'BEGIN {
    printf "| 3 hosts, fh3 killed at %.1f s, then resumed | fh1 + fh2 + fh3 | %.1f | %s |\n", k - a, b - a, m
    printf "| one host, 7 ranks | fh1 | %.1f | %s |\n", d - c, o }'
echo
echo "results: $rows rows, $distinct distinct task ids, $done_all of $tasks done, $lost lost attempt(s) taken back"
echo "integrity: $(q 'PRAGMA integrity_check')"
((rows == tasks && distinct == tasks && done_all == tasks)) || fail "expected $tasks rows, distinct tasks and done tasks"
[[ $(q "SELECT count(DISTINCT host) FROM farm_attempt WHERE outcome = 'done' AND host != 'fh1'") -ge 2 ]] || fail "tasks should have run on fh2 and fh3"
((status != 0)) || fail "mpirun should have failed when fh3 died"
echo "multihost: ok"
