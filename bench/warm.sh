#!/usr/bin/env bash
# What preload buys: a scikit-learn sweep (MLPRegressor, 2,000 samples, two hidden layers, 25-100
# epochs; bench/warm_job.py, scikit-learn and numpy from PyPI, pinned in Tests/requirements.txt)
# under `mpirun -n 3 farmrun` (rank 0's slot and two worker ranks on this machine's cores), each
# task a fresh `python3` (cold) and each task forked from its slot's warm Python that imported
# numpy and sklearn.neural_network once (preload), side by side in one run, alternated (rounds).
# Prints wall time and time per task, checks that both stored byte-identical rows, then counts
# the files one task opens either way (strace -f -e trace=openat over farmrun --jobs 1, the
# difference between SMALL and LARGE tasks, so start-up counts once in neither).
#   bash bench/warm.sh [ROUNDS] [SMALL] [LARGE]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-1}
small=${2:-4}
large=${3:-12}
bash scripts/test-venv.sh >/dev/null
python=$PWD/.build/test-venv/bin/python3
farmrun=$(bash scripts/build-release.sh)/farmrun
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/cold.yaml" <<YAML
command: [$python, $PWD/bench/warm_job.py, --hidden, "{h}", --iters, "{e}", --seed, "{s}"]
parameters: {h: [16, 32, 64], e: [25, 50, 75, 100], s: [1, 2, 3, 4]}
YAML
{ cat "$work/cold.yaml"; echo "preload: [numpy, sklearn.neural_network]"; } >"$work/preload.yaml"
tasks=48
seconds() { local t0 t1; t0=$(date +%s%N); "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }; t1=$(date +%s%N); awk "BEGIN {printf \"%.2f\", ($t1 - $t0) / 1e9}"; }
farm() { mpirun --oversubscribe -n 3 "$farmrun" "$work/$1.yaml" --db "$2" --progress 0; }
declare -A wall task
for r in $(seq 1 "$rounds"); do
    for mode in cold preload; do
        db=$work/$mode-$r.db
        s=$(seconds farm "$mode" "$db")
        stored=$(sqlite3 "$db" "SELECT count(DISTINCT task_id) FROM results")
        [[ $stored == "$tasks" ]] || { echo "warm: $mode stored $stored of $tasks rows" >&2; exit 1; }
        wall[$mode]=$(awk "BEGIN {print ${wall[$mode]:-0} + $s}")
        task[$mode]=$(awk "BEGIN {print ${task[$mode]:-0} + $(sqlite3 "$db" "SELECT avg(wall_seconds) FROM farm_task")}")
        sqlite3 "$db" "SELECT json_object('h', json_extract(params, '$.h'), 'e', json_extract(params, '$.e'), 's', json_extract(params, '$.s')), loss, r2 FROM results JOIN farm_task ON farm_task.id = task_id ORDER BY 1" >"$work/$mode-$r.rows"
    done
    cmp -s "$work/cold-$r.rows" "$work/preload-$r.rows" || { echo "warm: round $r: the rows differ"; diff "$work/cold-$r.rows" "$work/preload-$r.rows" | head; exit 1; }
done
opens() {  # openat calls of farmrun --jobs 1 and everything it starts, over $2 tasks
    local yaml=$work/$1-$2.yaml
    sed "s/s: \[1, 2, 3, 4\]/s: [$(seq -s, 1 "$2")]/; s/h: \[16, 32, 64\]/h: [16]/; s/e: \[25, 50, 75, 100\]/e: [25]/" "$work/$1.yaml" >"$yaml"
    strace -f -qq -e trace=openat -o "$work/strace-$1-$2" "$farmrun" "$yaml" --db "$work/strace-$1-$2.db" --jobs 1 --progress 0 >/dev/null 2>&1
    wc -l <"$work/strace-$1-$2"
}
printf '%-10s %8s %14s %16s\n' mode wall_s per_task_s speed-up
for mode in cold preload; do
    w=$(awk "BEGIN {printf \"%.2f\", ${wall[$mode]} / $rounds}")
    t=$(awk "BEGIN {printf \"%.3f\", ${task[$mode]} / $rounds}")
    printf '%-10s %8s %14s %15sx\n' "$mode" "$w" "$t" "$(awk "BEGIN {printf \"%.2f\", ${wall[cold]} / ${wall[$mode]}}")"
done
echo "rows: byte-identical ($tasks tasks, $rounds round(s), mpirun -n 3 on $(nproc) cores)"
for mode in cold preload; do
    a=$(opens "$mode" "$small"); b=$(opens "$mode" "$large")
    echo "files opened per task, $mode: $(( (b - a) / (large - small) )) (openat over $small and $large tasks: $a, $b)"
done
