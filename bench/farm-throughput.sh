#!/usr/bin/env bash
# farmrun's throughput on this machine: 5,000 no-op tasks (/bin/echo printing a
# JSON object) and 1,000 `python3 -c` tasks, each run under `mpirun -n 3`
# (rank 0 coordinating with a local slot, 2 worker ranks; and with
# --no-local-slot, rank 0 only coordinating) and alone with
# `--jobs 2`, next to a plain loop spawning the same commands one after another
# from one process (bench/plain_loop.py). Every farm result lands in SQLite;
# the loop stores nothing. Usage: bash bench/farm-throughput.sh [NOOP_N PY_N]
set -euo pipefail
cd "$(dirname "$0")/.."
noop_n=${1:-5000}
py_n=${2:-1000}
farmrun=$(bash scripts/build-release.sh)/farmrun
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The interpreter itself, not a pyenv/conda shim (a shim costs more than the task).
py=$(python3 -c 'import sys; print(sys.executable)')
pycode="import json, sys; print(json.dumps({'i': int(sys.argv[1])}))"

seconds() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); awk "BEGIN {printf \"%.2f\", ($t1 - $t0) / 1e9}"; }
row() { # name tasks seconds db
    local rows="-"
    [[ -n ${4:-} ]] && rows=$(sqlite3 "$4" "SELECT count(*) FROM results")
    awk -v name="$1" -v n="$2" -v s="$3" -v rows="$rows" 'BEGIN {printf "| %s | %d | %s | %.2f | %.0f | %.2f |\n", name, n, rows, s, n / s, s * 1000 / n}'
}

echo "## farmrun throughput on $(hostname -s), $(date -u +%F), $(nproc) cores"
echo
echo "| contender | tasks | rows stored | wall s | tasks/s | ms per task |"
echo "| --- | --- | --- | --- | --- | --- |"
s=$(seconds mpirun --oversubscribe -n 3 "$farmrun" --db "$work/n1.db" --progress 0 -p i=1..$noop_n -- /bin/echo '{"i": {i}}')
row "no-op: mpirun -n 3 farmrun" "$noop_n" "$s" "$work/n1.db"
s=$(seconds mpirun --oversubscribe -n 3 "$farmrun" --no-local-slot --db "$work/n3.db" --progress 0 -p i=1..$noop_n -- /bin/echo '{"i": {i}}')
row "no-op: mpirun -n 3 farmrun --no-local-slot" "$noop_n" "$s" "$work/n3.db"
s=$(seconds "$farmrun" --db "$work/n2.db" --jobs 2 --progress 0 -p i=1..$noop_n -- /bin/echo '{"i": {i}}')
row "no-op: farmrun --jobs 2" "$noop_n" "$s" "$work/n2.db"
s=$(python3 bench/plain_loop.py noop "$noop_n")
row "no-op: plain sequential loop" "$noop_n" "$s"
s=$(seconds mpirun --oversubscribe -n 3 "$farmrun" --db "$work/p1.db" --progress 0 -p i=1..$py_n -- "$py" -c "$pycode" '{i}')
row "python: mpirun -n 3 farmrun" "$py_n" "$s" "$work/p1.db"
s=$(seconds mpirun --oversubscribe -n 3 "$farmrun" --no-local-slot --db "$work/p3.db" --progress 0 -p i=1..$py_n -- "$py" -c "$pycode" '{i}')
row "python: mpirun -n 3 farmrun --no-local-slot" "$py_n" "$s" "$work/p3.db"
s=$(seconds "$farmrun" --db "$work/p2.db" --jobs 2 --progress 0 -p i=1..$py_n -- "$py" -c "$pycode" '{i}')
row "python: farmrun --jobs 2" "$py_n" "$s" "$work/p2.db"
s=$("$py" bench/plain_loop.py python "$py_n")
row "python: plain sequential loop" "$py_n" "$s"
