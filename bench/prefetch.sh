#!/usr/bin/env bash
# What holding tasks ahead (--prefetch) buys: 5,000 no-op tasks (/bin/echo printing a JSON
# object), each launch with each depth (default 0 1 2 4), side by side in one run and alternated
# (rounds), next to the spawn floor (bench/floor.c: fork+exec+read with 2 slots, no database).
#   bash bench/prefetch.sh [TASKS] [ROUNDS] [DEPTHS]      e.g. bash bench/prefetch.sh 5000 3 "1 2 4 8"
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}
rounds=${2:-2}
read -r -a depths <<<"${3:-0 1 2 4}"
farmrun=$(bash scripts/build-release.sh)/farmrun
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/floor" bench/floor.c
mpicc -O2 -o "$work/mpi_startup" bench/mpi_startup.c
for i in $(seq 1 "$n"); do printf '/bin/echo\t{"i": %d}\n' "$i"; done >"$work/tasks.tsv"

seconds() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); awk "BEGIN {printf \"%.3f\", ($t1 - $t0) / 1e9}"; }
declare -A total
launches=("mpirun -n 3 --no-local-slot" "mpirun -n 2" "--jobs 2")
run() { # launch prefetch db
    case $1 in
        "mpirun -n 3 --no-local-slot") mpirun --oversubscribe -n 3 "$farmrun" --no-local-slot --prefetch "$2" --db "$3" --progress 0 -p "i=1..$n" -- /bin/echo '{"i": {i}}' ;;
        "mpirun -n 2") mpirun --oversubscribe -n 2 "$farmrun" --prefetch "$2" --db "$3" --progress 0 -p "i=1..$n" -- /bin/echo '{"i": {i}}' ;;
        "--jobs 2") "$farmrun" --jobs 2 --prefetch "$2" --db "$3" --progress 0 -p "i=1..$n" -- /bin/echo '{"i": {i}}' ;;
    esac
}
for r in $(seq 1 "$rounds"); do
    s=$(seconds "$work/floor" 2 <"$work/tasks.tsv"); total[floor]=$(awk "BEGIN {print ${total[floor]:-0} + $s}")
    for ranks in 2 3; do
        s=$(seconds mpirun --oversubscribe -n "$ranks" "$work/mpi_startup"); total[mpi$ranks]=$(awk "BEGIN {print ${total[mpi$ranks]:-0} + $s}")
    done
    for launch in "${launches[@]}"; do
        for p in "${depths[@]}"; do
            db=$work/$r-$p-${launch// /_}.db
            s=$(seconds run "$launch" "$p" "$db")
            rows=$(sqlite3 "$db" "SELECT count(DISTINCT task_id) FROM results")
            [[ $rows == "$n" ]] || { echo "prefetch: $launch --prefetch $p stored $rows of $n rows" >&2; exit 1; }
            total[$launch/$p]=$(awk "BEGIN {print ${total[$launch/$p]:-0} + $s}")
        done
    done
done
floor=$(awk "BEGIN {print ${total[floor]} / $rounds}")
echo "## --prefetch on $(hostname -s), $(date -u +%F), $(nproc) cores: $n no-op tasks, mean of $rounds alternated rounds"
echo
header="| launch" rule="| ---"
for p in "${depths[@]}"; do header+=" | --prefetch $p"; rule+=" | ---"; done
echo "$header | floor (bench/floor.c, 2 slots) |"
echo "$rule | --- |"
for launch in "${launches[@]}"; do
    line="| \`farmrun $launch\`"
    for p in "${depths[@]}"; do
        s=$(awk "BEGIN {print ${total[$launch/$p]} / $rounds}")
        line+=" | $(awk "BEGIN {printf \"%.2f s (%.2f×)\", $s, $s / $floor}")"
    done
    echo "$line | $(awk "BEGIN {printf \"%.2f s\", $floor}") |"
done
echo
echo "OpenMPI's own start and finish, in every mpirun launch above and in none of the floor's runs"
echo "(bench/mpi_startup.c: MPI_Init, one MPI_Barrier, MPI_Finalize): mpirun -n 2 $(awk "BEGIN {printf \"%.2f s\", ${total[mpi2]} / $rounds}"),"
echo "mpirun -n 3 $(awk "BEGIN {printf \"%.2f s\", ${total[mpi3]} / $rounds}")."
