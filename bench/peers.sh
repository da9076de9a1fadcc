#!/usr/bin/env bash
# farm side by side with what users would otherwise pick, on the same task
# mixes with the same number of worker slots; every contender stores every
# result in SQLite. Prints a Markdown table (docs/benchmarks.md keeps one).
#
#   bash bench/peers.sh [--slots S] [--scale F] [--slow-cap N]
#
# Contenders: farm (mpirun -n S with rank 0's local slot, mpirun -n S+1
# --no-local-slot, farmrun --jobs S); the seed's srun loop with a Python insert
# per result (needs the local Slurm cluster: Tests/cluster/local-cluster.sh start);
# GNU Parallel -j S with a dbtool insert per result; HyperQueue's local cluster
# (results stored after the job); mpi4py.futures MPIPoolExecutor (rank 0
# stores); disBatch (a dbtool insert per result); and the floor: bench/floor.c
# spawning the tasks S at a time with nothing else.
# Mixes: 5,000 no-op tasks (/bin/echo of a JSON object), 1,000 python3 tasks,
# 400 tasks sleeping 10-200 ms (fixed seed). --scale 0.1 runs a tenth of each.
# Contenders slower than ~10 tasks/s (the srun loop, disBatch) run only the
# first --slow-cap tasks (default 200) of each mix; the table says so.
# Peers are installed under .build/peers: GNU Parallel with apt-get if it is
# missing; hyperqueue, disbatch, mpi4py from PyPI into a venv (pinned below).
set -euo pipefail
cd "$(dirname "$0")/.."
slots=2 scale=1 slow_cap=200
while (($#)); do
    case $1 in
        --slots) slots=$2; shift 2 ;;
        --scale) scale=$2; shift 2 ;;
        --slow-cap) slow_cap=$2; shift 2 ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "peers.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
done
repo=$(pwd)
bin=$(bash scripts/build-release.sh)
build=$repo/.build/peers
mkdir -p "$build"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1

# --- the peers -------------------------------------------------------------
if ! command -v parallel >/dev/null; then
    if [[ $(id -u) == 0 ]]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq parallel >/dev/null; fi
fi
venv=$build/venv
if [[ ! -x $venv/bin/disBatch ]] || ! "$venv/bin/python" -c "import hyperqueue, mpi4py" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "hyperqueue==0.27.0" "disbatch==3.0" "mpi4py==4.1.2" >&2
fi
gcc -O2 -o "$build/floor" bench/floor.c
# The interpreter itself, not a pyenv shim (a shim costs more than the task).
py=$(python3 -c 'import sys; print(sys.executable)')

work=$(mktemp -d /tmp/farm-peers.XXXXXX)
trap 'rm -rf "$work"' EXIT
scaled() { awk -v n="$1" -v f="$scale" 'BEGIN { m = int(n * f); print (m < 1 ? 1 : m) }'; }
declare -A count=([noop]=$(scaled 5000) [python]=$(scaled 1000) [uneven]=$(scaled 400))
for mix in noop python uneven; do
    mkdir -p "$work/$mix"
    python3 bench/peers_tasks.py "$mix" "${count[$mix]}" "$work/$mix" "$py"
    n=$(wc -l <"$work/$mix/$mix.sh")
    cap=$((n < slow_cap ? n : slow_cap))
    head -n "$cap" "$work/$mix/$mix.sh" >"$work/$mix/capped.sh"
    # For the shell-line contenders: the command piped into a dbtool insert.
    sed "s|\$| \| $bin/dbtool insert DB|" "$work/$mix/$mix.sh" >"$work/$mix/insert.sh"
done

slurm_ok=0
if [[ -f /tmp/farm-slurm/etc/slurm.conf ]]; then
    export SLURM_CONF=/tmp/farm-slurm/etc/slurm.conf
    scontrol ping >/dev/null 2>&1 && slurm_ok=1
fi

# --- running and reporting ---------------------------------------------------
results=$work/rows.tsv
: >"$results"
now() { date +%s%N; }
# measure MIX NAME TASKS DB -- command…: runs it, checks the rows, records a row.
measure() {
    local mix=$1 name=$2 tasks=$3 db=$4
    shift 5
    local t0 t1 status=0 rows=0
    t0=$(now)
    "$@" >"$work/last.log" 2>&1 || status=$?
    t1=$(now)
    [[ -n $db && -f $db ]] && rows=$(sqlite3 "$db" "SELECT count(*) FROM results" 2>/dev/null || echo 0)
    local wall
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    if ((status != 0)) || { [[ -n $db ]] && ((rows != tasks)); }; then
        echo "peers: $name on $mix: exit $status, $rows of $tasks rows stored; last lines:" >&2
        tail -n 3 "$work/last.log" >&2
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$mix" "$name" "$tasks" "$wall" "$rows" "$status" >>"$results"
    echo "  $mix: $name, $tasks tasks: $wall s" >&2
}

for mix in noop python uneven; do
    d=$work/$mix n=${count[$mix]}
    cap=$(wc -l <"$d/capped.sh")
    echo "mix $mix ($n tasks, $slots slots)" >&2
    measure "$mix" "floor (bench/floor.c, no DB)" "$n" "" -- "$build/floor" "$slots" <"$d/$mix.tsv"
    measure "$mix" "farm: mpirun -n $slots farmrun" "$n" "$d/f1.db" -- mpirun --oversubscribe -n "$slots" "$bin/farmrun" "$d/$mix.yaml" --db "$d/f1.db" --progress 0
    measure "$mix" "farm: mpirun -n $((slots + 1)) farmrun --no-local-slot" "$n" "$d/f2.db" -- mpirun --oversubscribe -n $((slots + 1)) "$bin/farmrun" "$d/$mix.yaml" --no-local-slot --db "$d/f2.db" --progress 0
    measure "$mix" "farm: farmrun --jobs $slots" "$n" "$d/f3.db" -- "$bin/farmrun" "$d/$mix.yaml" --jobs "$slots" --db "$d/f3.db" --progress 0
    if command -v parallel >/dev/null; then
        sed "s|DB\$|$d/parallel.db|" "$d/insert.sh" >"$d/parallel.sh"
        measure "$mix" "GNU Parallel -j $slots + dbtool insert" "$n" "$d/parallel.db" -- parallel -j "$slots" --joblog "$d/joblog" :::: "$d/parallel.sh"
    fi
    measure "$mix" "HyperQueue local cluster" "$n" "$d/hq.db" -- env PYTHONPATH=bench "$venv/bin/python" bench/peers_hyperqueue.py "$d/$mix.jsonl" "$d/hq.db" "$slots" "$d/hq"
    measure "$mix" "mpi4py.futures MPIPoolExecutor" "$n" "$d/mpi4py.db" -- env PYTHONPATH=bench mpirun --oversubscribe -n $((slots + 1)) "$venv/bin/python" -m mpi4py.futures bench/peers_mpi4py.py "$d/$mix.jsonl" "$d/mpi4py.db"
    head -n "$cap" "$d/insert.sh" | sed "s|DB\$|$d/disbatch.db|" >"$d/disbatch.tasks"
    mkdir -p "$d/disbatch"
    measure "$mix" "disBatch + dbtool insert" "$cap" "$d/disbatch.db" -- "$venv/bin/disBatch" -s "localhost:$slots" -p "$d/disbatch/" "$d/disbatch.tasks"
    if ((slurm_ok)); then
        measure "$mix" "seed: srun loop + python insert" "$cap" "$d/seed.db" -- salloc -Q -n "$slots" --time=60 bash bench/peers-seed-loop.sh "$d/capped.sh" "$d/seed.db" "$slots"
    else
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$mix" "seed: srun loop + python insert" "$cap" "-" 0 "no Slurm (Tests/cluster/local-cluster.sh start)" >>"$results"
    fi
done

# --- the table ---------------------------------------------------------------
echo "## farm and its peers on $(hostname -s), $(date -u +%F), $(nproc) cores, $slots slots"
echo
echo "Command: \`bash bench/peers.sh --slots $slots --scale $scale --slow-cap $slow_cap\`. Overhead per task = wall × slots / tasks"
echo "minus the ideal (the tasks' own sleep for the uneven mix, 0 otherwise): slot-milliseconds each task costs"
echo "beyond its own work, the floor's included. speed vs farm = the contender's tasks/s over mpirun -n $slots farmrun's."
echo
echo "| mix | contender | tasks | slots | wall s | tasks/s | overhead per task vs ideal, ms | speed vs farm |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
awk -F'\t' -v slots="$slots" -v work="$work" '
    # The mean known duration (ms) of the first n tasks of a mix.
    function ideal(mix, n,   f, v, k, sum) {
        f = work "/" mix "/" mix ".durations"; sum = 0
        for (k = 0; k < n && (getline v < f) > 0; k++) sum += v
        close(f); return n > 0 ? sum * 1000 / n : 0
    }
    { mix[NR] = $1; name[NR] = $2; n[NR] = $3; wall[NR] = $4; status[NR] = $6
      if ($2 ~ /^farm: mpirun -n [0-9]+ farmrun$/) farmrate[$1] = $3 / $4 }
    END {
      for (i = 1; i <= NR; i++) {
        if (wall[i] == "-") { printf "| %s | %s | %d | %d | could not run: %s | | | |\n", mix[i], name[i], n[i], slots, status[i]; continue }
        rate = n[i] / wall[i]
        over = wall[i] * slots * 1000 / n[i] - ideal(mix[i], n[i])
        note = (status[i] != 0) ? " (exit " status[i] ")" : ""
        printf "| %s | %s%s | %d | %d | %.2f | %.1f | %.2f | %.2f |\n", mix[i], name[i], note, n[i], slots, wall[i], rate, over, rate / farmrate[mix[i]]
      }
    }' "$results"
