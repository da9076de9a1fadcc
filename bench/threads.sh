#!/usr/bin/env bash
# What thread caps buy: a NumPy job (matrix products; numpy from PyPI, pinned in
# Tests/requirements.txt) x TASKS tasks on 2 slots (farmrun --jobs 2), without caps (numpy sizes
# its BLAS pool to every core, as it does when nothing is set: OPENBLAS_NUM_THREADS and friends
# set to the core count in farmrun's environment, which farm leaves as the user set it) and
# with farm's caps (resources: {cpus: 1}: each job pinned to its CPU, OMP_NUM_THREADS=1 and
# friends), side by side in one run and alternated (rounds). Prints wall time, tasks per
# minute, threads per job and the mean time of one job's products.
#   bash bench/threads.sh [TASKS] [ROUNDS] [SIZE]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-40}
rounds=${2:-2}
size=${3:-700}
bash scripts/test-venv.sh >/dev/null
python=$PWD/.build/test-venv/bin/python3
farmrun=$(bash scripts/build-release.sh)/farmrun
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/capped.yaml" <<YAML
command: [$python, $PWD/bench/threads_job.py, "$size", "12", "{i}"]
parameters: {i: 1..$n}
resources: {cpus: 1}
YAML
sed '/^resources:/d' "$work/capped.yaml" >"$work/uncapped.yaml"
seconds() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); awk "BEGIN {printf \"%.3f\", ($t1 - $t0) / 1e9}"; }
uncapped() { env OMP_NUM_THREADS="$cores" OPENBLAS_NUM_THREADS="$cores" MKL_NUM_THREADS="$cores" "$farmrun" "$work/uncapped.yaml" --db "$1" --jobs 2 --progress 0; }
capped() { "$farmrun" "$work/capped.yaml" --db "$1" --jobs 2 --progress 0; }
declare -A wall threads job
for r in $(seq 1 "$rounds"); do
    for mode in uncapped capped; do
        db=$work/$mode-$r.db
        s=$(seconds "$mode" "$db")
        rows=$(sqlite3 "$db" "SELECT count(DISTINCT task_id) FROM results")
        [[ $rows == "$n" ]] || { echo "threads: $mode stored $rows of $n rows" >&2; exit 1; }
        wall[$mode]=$(awk "BEGIN {print ${wall[$mode]:-0} + $s}")
        threads[$mode]=$(sqlite3 "$db" "SELECT round(avg(threads), 1) FROM results")
        job[$mode]=$(awk "BEGIN {print ${job[$mode]:-0} + $(sqlite3 "$db" "SELECT avg(seconds) FROM results")}")
    done
done
echo "## thread caps on $(hostname -s), $(date -u +%F), $cores cores: $n NumPy jobs (${size}x${size} products x 12) on 2 slots, mean of $rounds alternated rounds"
echo
printf '| %-44s | %8s | %10s | %11s | %14s |\n' "farmrun --jobs 2" "wall s" "tasks/min" "threads/job" "products s/job"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..46})" "----------" "------------" "-------------" "----------------"
for mode in uncapped capped; do
    w=$(awk "BEGIN {print ${wall[$mode]} / $rounds}")
    label=$([[ $mode == uncapped ]] && echo "no caps (BLAS pool = $cores cores per job)" || echo "resources: {cpus: 1} (pinned, 1 thread)")
    printf '| %-44s | %8.2f | %10.1f | %11s | %14.3f |\n' "$label" "$w" "$(awk "BEGIN {print $n / $w * 60}")" "${threads[$mode]}" "$(awk "BEGIN {print ${job[$mode]} / $rounds}")"
done
t_un=${threads[uncapped]} t_cap=${threads[capped]}
echo
echo "On paper, a 64-core node with one job per core (64 jobs): without caps each job's pools size to 64 cores,"
echo "about $(awk "BEGIN {printf \"%d\", 64 * ($t_un - $cores + 64)}") threads for 64 cores (this machine's jobs have $t_un threads with $cores cores);"
echo "with caps about $(awk "BEGIN {printf \"%d\", 64 * $t_cap}") ($t_cap per job, whatever the node's size)."
