#!/usr/bin/env bash
# What searching saves: a synthetic training job (bench/search_job.py: busy work per epoch, a
# learning curve where some configurations start slowly and end best, counting the epochs it
# trains itself) over 64 Sobol configurations x 3 replicates x epochs 25..400..25, run
#   (a) as the plain grid (one job per task),
#   (b) with fidelity: epochs (one job per trial, a row per report),
#   (c) with fidelity + early_terminate ASHA eta 3,
#   (d) as (c), SIGKILLed --kills times at random moments (seeded) and resumed,
#   (e) as (b) under mpirun -n 4 (with --mpi),
# all with 2 slots, side by side in one run. Checks: (b) stores the same rows as (a) (every parameter
# and the metric, ordered) with <= 1/8 of its epochs; (c) trains <= 1/4 of (b)'s epochs and its best
# configuration is in (a)'s true top 3 by mean final metric; (d) has no duplicate row, no pruned task
# revived and <= 1.3x (c)'s epochs; (e)'s rows equal (b)'s.
#   bash bench/search.sh [--samples N] [--work ITERATIONS] [--kills K] [--seed S] [--mpi]
set -euo pipefail
cd "$(dirname "$0")/.."
samples=64 work=5000 kills=5 seed=1 mpi=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --samples) samples=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --kills) kills=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --mpi) mpi=1; shift ;;
        *) echo "search.sh: unknown option $1; see the comment at the top" >&2; exit 64 ;;
    esac
done
farmrun=$(bash scripts/build-release.sh)/farmrun
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
export SEARCH_EPOCH_WORK=$work
work_dir=$(mktemp -d)
trap 'rm -rf "$work_dir"' EXIT
job=$PWD/bench/search_job.py

sweep() { # name extra-lines...
    local file=$work_dir/$1.yaml; shift
    local every=""
    [[ $* == *fidelity* ]] && every=', --every, "25"'
    cat >"$file" <<EOF
command: [python3, $job, --lr, "{lr}", --width, "{width}", --epochs, "{epochs}", --replicate, "{replicate}"$every]
parameters:
  epochs: 25..400..25
  lr: loguniform(1e-4, 1e-1)
  width: uniform(0.1, 1.0)
method: sobol
samples: $samples
replicates: 3
EOF
    for line in "$@"; do echo "$line" >>"$file"; done
    echo "$file"
}
grid=$(sweep grid)
fidelity=$(sweep fidelity "fidelity: epochs")
asha=$(sweep asha "fidelity: epochs" "metric: {name: val_loss, goal: minimize}" "early_terminate: {type: asha, eta: 3}")

declare -A seconds epochs
run() { # name sweep [launcher...]
    local name=$1 file=$2; shift 2
    export SEARCH_EPOCH_LOG=$work_dir/$name.epochs
    : >"$SEARCH_EPOCH_LOG"
    local t0 t1
    t0=$(date +%s%N)
    local slots=(--jobs 2)
    [[ $1 == mpirun ]] && slots=()
    "$@" "$farmrun" run "$file" --db "$work_dir/$name.db" "${slots[@]}" --progress 0 >"$work_dir/$name.log" 2>&1 || {
        echo "search: ($name) farmrun failed; its log:" >&2; tail -5 "$work_dir/$name.log" >&2; exit 1; }
    t1=$(date +%s%N)
    seconds[$name]=$(awk "BEGIN {printf \"%.1f\", ($t1 - $t0) / 1e9}")
    epochs[$name]=$(stat -c %s "$SEARCH_EPOCH_LOG")
}
run a "$grid" env --
run b "$fidelity" env --
run c "$asha" env --

# (d): killed at random moments, each within the time (c) took, then resumed to the end.
export SEARCH_EPOCH_LOG=$work_dir/d.epochs
: >"$SEARCH_EPOCH_LOG"
RANDOM=$seed
t0=$(date +%s%N)
pruned_seen=$work_dir/d.pruned
: >"$pruned_seen"
for k in $(seq 1 "$kills"); do
    "$farmrun" run "$asha" --db "$work_dir/d.db" --jobs 2 --progress 0 >>"$work_dir/d.log" 2>&1 &
    pid=$!
    delay=$(awk -v r=$RANDOM -v c="${seconds[c]}" 'BEGIN {printf "%.2f", 0.5 + r / 32767 * c / 2}')
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pkill -KILL -f "$job" 2>/dev/null || true   # what the orphan guard would reap (SIGKILL gives it no chance here)
    [[ -f $work_dir/d.db ]] && sqlite3 "$work_dir/d.db" "SELECT id FROM farm_task WHERE state = 'pruned'" >>"$pruned_seen" || true
    echo "search: (d) kill $k/$kills after ${delay} s" >&2
done
"$farmrun" run "$asha" --db "$work_dir/d.db" --jobs 2 --progress 0 >>"$work_dir/d.log" 2>&1
t1=$(date +%s%N)
seconds[d]=$(awk "BEGIN {printf \"%.1f\", ($t1 - $t0) / 1e9}")
epochs[d]=$(stat -c %s "$SEARCH_EPOCH_LOG")
if [[ $mpi == 1 ]]; then run e "$fidelity" mpirun --oversubscribe -n 4; fi

SECONDS_TABLE=$(for k in "${!seconds[@]}"; do printf '%s=%s ' "$k" "${seconds[$k]}"; done)
export SECONDS_TABLE
python3 - "$work_dir" "$mpi" <<'EOF'
import sqlite3, sys, statistics
work, mpi = sys.argv[1], sys.argv[2] == "1"
def rows(name):
    db = sqlite3.connect(f"{work}/{name}.db")
    return db.execute("SELECT lr, width, epochs, val_loss FROM results ORDER BY lr, width, epochs, val_loss").fetchall()
def counts(name):
    db = sqlite3.connect(f"{work}/{name}.db")
    return dict(db.execute("SELECT state, count(*) FROM farm_task GROUP BY state").fetchall())
def duplicates(name):
    db = sqlite3.connect(f"{work}/{name}.db")
    return db.execute("SELECT count(*) - count(DISTINCT task_id) FROM results").fetchone()[0]
a, b = rows("a"), rows("b")
failures = []
if a != b: failures.append(f"(b) stored {len(b)} rows that differ from (a)'s {len(a)}")
# The truth: configurations by mean final loss over replicates in the grid.
final = {}
for lr, width, epochs, loss in a:
    if epochs == 400: final.setdefault((lr, width), []).append(loss)
truth = sorted(final, key=lambda c: statistics.mean(final[c]))
def best(name):
    reached = {}
    for lr, width, epochs, loss in rows(name):
        reached.setdefault((lr, width), {}).setdefault(epochs, []).append(loss)
    top = max(max(e) for e in reached.values())
    candidates = {c: statistics.mean(e[top]) for c, e in reached.items() if top in e}
    config = min(candidates, key=candidates.get)
    return config, truth.index(config) + 1
import os
epochs = {n: os.path.getsize(f"{work}/{n}.epochs") for n in "abcd" + ("e" if mpi else "")}
seconds = dict(x.split("=") for x in os.environ["SECONDS_TABLE"].split())
(c_best, c_rank), (d_best, d_rank) = best("c"), best("d")
pruned_before = set(open(f"{work}/d.pruned").read().split())
d = sqlite3.connect(f"{work}/d.db")
revived = [i for i in pruned_before if d.execute("SELECT state FROM farm_task WHERE id = ?", (int(i),)).fetchone()[0] != "pruned"]
print(f"## Search on {os.uname().nodename}, 2 slots: {len(final)} Sobol configurations x 3 replicates x epochs 25..400..25")
print()
print("| run | jobs' epochs | of (a) | wall s | tasks done / pruned | best configuration (lr, width) | its true rank |")
print("|---|---:|---:|---:|---|---|---:|")
for name, label in [("a", "(a) grid"), ("b", "(b) fidelity"), ("c", "(c) fidelity + ASHA eta 3"),
                    ("d", "(d) = (c), SIGKILLed and resumed"), ("e", "(e) = (b) under mpirun -n 4")]:
    if name not in epochs: continue
    n = counts(name)
    config, rank = best(name)
    print(f"| {label} | {epochs[name]:,} | {epochs[name] / epochs['a']:.3f} | {seconds[name]} | {n.get('done', 0)} / {n.get('pruned', 0)} | "
          f"{config[0]:.3g}, {config[1]:.3g} | {rank} |")
print()
if epochs["b"] > epochs["a"] / 8: failures.append(f"(b) trained {epochs['b']} epochs, more than 1/8 of (a)'s {epochs['a']}")
if epochs["c"] > epochs["b"] / 4: failures.append(f"(c) trained {epochs['c']} epochs, more than 1/4 of (b)'s {epochs['b']}")
if c_rank > 3: failures.append(f"(c)'s best configuration is only {c_rank}th by the grid's final loss")
if duplicates("d"): failures.append(f"(d) has {duplicates('d')} duplicate rows")
if revived: failures.append(f"(d) revived {len(revived)} pruned tasks")
if epochs["d"] > 1.3 * epochs["c"]: failures.append(f"(d) trained {epochs['d']} epochs, over 1.3x (c)'s {epochs['c']}")
if counts("d").get("pending") or counts("d").get("running"): failures.append("(d) did not finish")
if mpi and rows("e") != b: failures.append("(e) under mpirun stored other rows than (b)")
print(f"(b) rows equal (a)'s: {a == b} ({len(a)} rows); (d): {duplicates('d')} duplicate rows, {len(revived)} of {len(pruned_before)} pruned tasks revived, "
      f"{epochs['d'] / epochs['c']:.2f}x (c)'s epochs" + (f"; (e) rows equal (b)'s: {rows('e') == b}" if mpi else ""))
for f in failures: print("search: FAILED:", f, file=sys.stderr)
sys.exit(1 if failures else 0)
EOF
