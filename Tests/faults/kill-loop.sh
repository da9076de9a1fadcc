#!/usr/bin/env bash
# The kill loop: a sweep of 3,000 short tasks (120 per kill beyond 25 kills) under `mpirun -n 4`,
# SIGKILLed --kills times (a random rank, coordinator or worker, or mpirun itself) and started
# again; then one final run to the end. Afterwards the results must hold exactly one row per task,
# none lost, none twice, integrity_check ok, every task done.
#
# When to kill is read from the ledger, never from the clock: each kill comes once tasks are
# running and the done count has grown by a seeded random amount (1 to twice the mean of
# tasks / (8 * kills)) since the run started, so the same seed kills the same targets in the same
# order on a fast machine and on a loaded one, and the sweep outlives its kills: after a SIGKILL to
# a worker rank or to mpirun the others go on for about a second until the job is torn down (60-80
# tasks here), so 25 kills use up about 1,700 of the 3,000 tasks, whatever the machine's speed.
#
# With --preload the job is a Python script and every slot forks it from a warm Python
# (preload: json): the kills then also land on warm interpreters and tasks forked from them, and
# afterwards none of either may be left.
#
#   bash Tests/faults/kill-loop.sh [--kills N] [--seed S] [--tasks T] [--preload]
#
# CI runs it with --kills 25 (from the Swift test suite); run --kills 200 by hand.
set -euo pipefail
kills=25
seed=$(( $(date +%s%N) % 100000 ))
tasks=""
preload=0
while (($#)); do
    case "$1" in
        --kills) kills=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --tasks) tasks=$2; shift 2 ;;
        --preload) preload=1; shift ;;
        *) echo "usage: $0 [--kills N] [--seed S] [--tasks T] [--preload]" >&2; exit 64 ;;
    esac
done
tasks=${tasks:-$(( kills * 120 > 3000 ? kills * 120 : 3000 ))}
# Each run is killed after `step` more tasks are done, step in 1..2*mean.
mean=$(( tasks / (8 * kills) > 1 ? tasks / (8 * kills) : 1 ))
here=$(cd "$(dirname "$0")/../.." && pwd)
farmrun=${FARMRUN:-$here/.build/debug/farmrun}
[[ -x $farmrun ]] || { echo "kill-loop: no farmrun at $farmrun (swift build, or set FARMRUN)" >&2; exit 66; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/kill.db
RANDOM=$seed
echo "kill-loop: seed $seed, $kills kills, $tasks tasks (replay: $0 --kills $kills --seed $seed --tasks $tasks)"

args=(--db "$db" -p "x=1..$((tasks / 2))" -p y=a,b --progress 0 --lease-timeout 1h --batch-interval 0.1s)
if ((preload)); then
    printf '%s\n' 'import json, sys, time' 'time.sleep(0.05)' 'print(json.dumps({"x": int(sys.argv[1]), "y": sys.argv[2]}))' >"$work/job.py"
    # The marker finds this loop's warm interpreters and the tasks forked from them (whose command line is the
    # server's): PYTHONPATH shapes an interpreter, so it is in the environment each one started with.
    args+=(--preload json --env "PYTHONPATH=$work" -- python3 "$work/job.py" '{x}' '{y}')
else
    args+=(-- /bin/sh -c 'sleep 0.05; echo "{\"x\": $1, \"y\": \"$2\"}"' job '{x}' '{y}')
fi

ours() { pgrep -f -- "--db $db" || true; }
# Warm interpreters and tasks forked from them, by the marker in their environment.
warm_left() {
    local pid
    for pid in $(pgrep -x python3 || true); do
        { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qx "PYTHONPATH=$work" && echo "$pid"
    done
    return 0
}

# Rank pids of an mpirun, by OMPI_COMM_WORLD_RANK.
rank_pid() {
    local want=$1 pid
    for pid in $(ours); do
        if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$want"; then
            echo "$pid"; return
        fi
    done
}

count() { sqlite3 "$db" "SELECT count(*) FROM farm_task WHERE state = '$1'" 2>/dev/null || echo 0; }

done_kills=0
runs=0
targets=(mpirun 0 1 2 3)
# Drawn once per kill (not per run), so a run that ends by itself does not shift the sequence.
step=$((1 + RANDOM % (2 * mean)))
target=${targets[RANDOM % 5]}
while ((done_kills < kills)); do
    runs=$((runs + 1))
    base=$(count done)
    mpirun --oversubscribe -n 4 "$farmrun" "${args[@]}" >>"$work/runs.log" 2>&1 &
    mpirun_pid=$!
    # Wait, on the ledger, until tasks run and `step` more are done (or the run ends by itself).
    while kill -0 "$mpirun_pid" 2>/dev/null; do
        if (($(count running) > 0 && $(count done) >= base + step)); then break; fi
        sleep 0.02
    done
    if ! kill -0 "$mpirun_pid" 2>/dev/null; then
        status=0; wait "$mpirun_pid" || status=$?
        if ((status == 0)); then
            echo "kill-loop: the sweep finished after only $done_kills kills; give more --tasks for $kills kills" >&2
            exit 1
        fi
        ((runs < 4 * kills + 10)) || { echo "kill-loop: runs keep ending by themselves (status $status)" >&2; tail -n 30 "$work/runs.log" >&2; exit 1; }
        continue
    fi
    if [[ $target == mpirun ]]; then
        victim=$mpirun_pid
    else
        victim=$(rank_pid "$target")
        [[ -n $victim ]] || victim=$mpirun_pid
    fi
    kill -9 "$victim" 2>/dev/null || true
    done_kills=$((done_kills + 1))
    printf 'kill-loop: kill %d/%d: SIGKILL to %s (pid %s) once %d more were done; done: %s at the start, %s at the kill\n' \
        "$done_kills" "$kills" "$([[ $target == mpirun ]] && echo mpirun || echo "rank $target")" "$victim" "$step" "$base" "$(count done)"
    # What survives a killed mpirun (orphaned ranks) is ended the way Slurm ends a step.
    for _ in $(seq 1 100); do [[ -z $(ours) ]] && break; sleep 0.1; done
    leftover=$(ours)
    if [[ -n $leftover ]]; then kill -9 $leftover 2>/dev/null || true; fi
    wait "$mpirun_pid" 2>/dev/null || true
    step=$((1 + RANDOM % (2 * mean)))
    target=${targets[RANDOM % 5]}
done

# One last run to the end.
status=0
mpirun --oversubscribe -n 4 "$farmrun" "${args[@]}" >>"$work/runs.log" 2>&1 || status=$?
rows=$(sqlite3 "$db" "SELECT count(*) FROM results")
distinct=$(sqlite3 "$db" "SELECT count(DISTINCT task_id) FROM results")
pairs=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT DISTINCT x, y, replicate FROM results JOIN farm_task ON farm_task.id = task_id)")
done_tasks=$(sqlite3 "$db" "SELECT count(*) FROM farm_task WHERE state = 'done'")
integrity=$(sqlite3 "$db" "PRAGMA integrity_check")
interrupted=$(sqlite3 "$db" "SELECT count(*) FROM farm_task WHERE interruptions > 0")
echo "kill-loop: $done_kills kills over $runs runs; final exit $status; rows $rows, distinct tasks $distinct, distinct (x, y, replicate) $pairs, done $done_tasks of $tasks; tasks interrupted at least once: $interrupted; integrity_check: $integrity"
lost=$((tasks - distinct)); dup=$((rows - distinct))
echo "kill-loop: lost $lost, duplicated $dup"
left=""
if ((preload)); then
    # The orphan guard kills a dead worker's groups (a moment after its death): wait for that state.
    for _ in $(seq 1 300); do left=$(warm_left); [[ -z $left ]] && break; sleep 0.1; done
    echo "kill-loop: warm interpreters or their tasks left: ${left:-none}"
fi
if [[ -n $left ]] || ((status != 0 || rows != tasks || distinct != tasks || pairs != tasks || done_tasks != tasks)) || [[ $integrity != ok ]]; then
    echo "kill-loop: FAILED (seed $seed); tasks not done:" >&2
    sqlite3 -header "$db" "SELECT id, state, failure, error, exit_status, signal, failures, interruptions, rank, substr(stderr_tail, 1, 200) AS stderr FROM farm_task WHERE state != 'done'" >&2
    tail -n 30 "$work/runs.log" >&2
    exit 1
fi
echo "kill-loop: ok"
