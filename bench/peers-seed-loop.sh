#!/usr/bin/env bash
# The seed's way, as its sbatch script did it: inside an allocation, one
# `srun -n1 -c1 --exclusive` per task piped into a Python dbtool insert, with a
# `wait` every S tasks. Usage (inside salloc/sbatch): peers-seed-loop.sh TASKS.sh DB S
set -uo pipefail
tasks=$1 db=$2 slots=$3
here=$(cd "$(dirname "$0")" && pwd)
n=0
while IFS= read -r line; do
    eval "srun -n1 -c1 --exclusive --quiet $line" </dev/null | python3 "$here/dbtool.py" insert "$db" &
    n=$((n + 1))
    if ((n % slots == 0)); then wait; fi
done <"$tasks"
wait
