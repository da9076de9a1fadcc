#!/usr/bin/env bash
# Two builds of farmrun side by side on the no-op mix: 5,000 tasks (/bin/echo printing a JSON
# object) under `mpirun -n 3 --no-local-slot`, `mpirun -n 2` and `--jobs 2`, each build in
# turn, alternated over rounds, every run's rows checked. For "within noise of before":
#   git worktree add /tmp/before <commit> && (cd /tmp/before && bash scripts/build-release.sh)
#   bash bench/builds.sh /tmp/before/.build/x86_64-unknown-linux-gnu/release [TASKS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:?give the folder of the other build\'s farmrun}
n=${2:-5000}
rounds=${3:-3}
now=$(bash scripts/build-release.sh)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seconds() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); awk "BEGIN {printf \"%.3f\", ($t1 - $t0) / 1e9}"; }
run() { # farmrun launch db
    local args=(--db "$3" --progress 0 -p "i=1..$n" -- /bin/echo '{"i": {i}}')
    case $2 in
        "mpirun -n 3 --no-local-slot") mpirun --oversubscribe -n 3 "$1" --no-local-slot "${args[@]}" ;;
        "mpirun -n 2") mpirun --oversubscribe -n 2 "$1" "${args[@]}" ;;
        "--jobs 2") "$1" --jobs 2 "${args[@]}" ;;
    esac
}
launches=("mpirun -n 3 --no-local-slot" "mpirun -n 2" "--jobs 2")
declare -A total
for r in $(seq 1 "$rounds"); do
    for launch in "${launches[@]}"; do
        for build in before now; do
            bin=$([[ $build == before ]] && echo "$before" || echo "$now")/farmrun
            db=$work/$r-$build-${launch// /_}.db
            s=$(seconds run "$bin" "$launch" "$db")
            rows=$(sqlite3 "$db" "SELECT count(DISTINCT task_id) FROM results")
            [[ $rows == "$n" ]] || { echo "builds: $build $launch stored $rows of $n rows" >&2; exit 1; }
            total[$build/$launch]=$(awk "BEGIN {print ${total[$build/$launch]:-0} + $s}")
        done
    done
done
echo "## two builds on $(hostname -s), $(date -u +%F), $(nproc) cores: $n no-op tasks, mean of $rounds alternated rounds"
echo "before: $before"
echo "now:    $now"
echo
printf '| %-30s | %10s | %10s | %7s |\n' "launch" "before s" "now s" "now/before"
printf '|%s|%s|%s|%s|\n' "--------------------------------" "------------" "------------" "---------"
for launch in "${launches[@]}"; do
    b=$(awk "BEGIN {print ${total[before/$launch]} / $rounds}")
    a=$(awk "BEGIN {print ${total[now/$launch]} / $rounds}")
    printf '| %-30s | %10.2f | %10.2f | %7.2f |\n' "$launch" "$b" "$a" "$(awk "BEGIN {print $a / $b}")"
done
