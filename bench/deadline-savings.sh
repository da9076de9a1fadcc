#!/usr/bin/env bash
# What walltime-aware dispatch saves, under the local Slurm cluster with a real
# time limit. The same sweep of uneven tasks (sleep 5, 10, 20 or 40 s,
# interleaved) runs twice in a 3-minute allocation of 8 tasks, warned 30 s
# before the limit (--signal=B:USR1@30), as users run it (slurm/farm.sbatch):
#   unaware: farmrun --deadline none   (hands out tasks until the warning)
#   aware:   farmrun (the deadline from squeue; --runtime-by d)
# and prints, for each: tasks done, core-seconds of finished work, core-seconds
# of work killed at the limit (wasted), and when the allocation was given back.
# Usage: bash bench/deadline-savings.sh   (about 7 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(bash scripts/build-release.sh)
bash Tests/cluster/local-cluster.sh start >/dev/null
eval "$(bash Tests/cluster/local-cluster.sh env)"
out=$(mktemp -d /tmp/farm-deadline.XXXXXX)
export PATH="$bin:$PATH"

run() {
    local mode=$1; shift
    local db=$out/$mode.db
    local id
    id=$(sbatch --parsable --time=3 --ntasks=8 --signal=B:USR1@30 --output="$out/$mode-%j.out" --chdir="$PWD" \
        slurm/farm.sbatch --db "$db" -p i=1..20 -p d=5,10,20,40 --progress 60s "$@" \
        -- /bin/sh -c 'sleep "$0"; echo "{\"slept\": $0}"' '{d}')
    while squeue -h -j "$id" 2>/dev/null | grep -q .; do sleep 2; done
    local info start end
    info=$(scontrol show job "$id" -o)
    start=$(date -d "$(sed -n 's/.* StartTime=\([^ ]*\).*/\1/p' <<<"$info")" +%s)
    end=$(date -d "$(sed -n 's/.* EndTime=\([^ ]*\).*/\1/p' <<<"$info")" +%s)
    local done useful killed
    done=$(dbtool query "$db" "SELECT count(*) FROM farm_task WHERE state = 'done'" | tail -1)
    useful=$(dbtool query "$db" "SELECT CAST(round(coalesce(sum(wall_seconds), 0)) AS INTEGER) FROM farm_task WHERE state = 'done'" | tail -1)
    killed=$(dbtool query "$db" "SELECT CAST(round(coalesce(sum(wall_seconds), 0)) AS INTEGER) FROM farm_task WHERE state != 'done' AND failure = 'interrupted'" | tail -1)
    printf '| %s | %s | %s | %s | %s | %s |\n' "$mode" "$done" "$useful" "$killed" "$((end - start))" "$((180 - (end - start)))"
}

echo "Sweep: 80 tasks (i=1..20 × sleep d=5,10,20,40 s), 8 slots, --time=3 (180 s), warned 30 s before; logs in $out"
echo
echo "| farmrun | tasks done | finished work (core-s) | killed at the limit (core-s) | allocation held (s) | given back early (s) |"
echo "|---|---|---|---|---|---|"
run unaware --deadline none
run aware --runtime-by d
