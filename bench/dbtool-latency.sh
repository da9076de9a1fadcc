#!/usr/bin/env bash
# dbtool's everyday costs next to the alternatives, on this machine:
#  1. per-insert latency: N sequential `echo '{…}' | dbtool insert` against the
#     same through bench/dbtool.py (Python's sqlite3): medians and ratio;
#  2. CSV export of a 100,000-row table: `dbtool query` against `sqlite3 -csv -header`.
# Usage: bash bench/dbtool-latency.sh [N]   (default 200). Builds dbtool in release mode.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
dbtool=$(bash scripts/build-release.sh)/dbtool
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
row='{"author": "Philip", "algorithm": "window_mlp", "activation": "relu", "dataset": "no_data", "forecast_length": 1, "prediction_gap": 1, "training_window_length": 20, "sample_window_length": 10, "epochs": 25, "layers": "10-20-10", "rmse_global": 0.123456}'

# Median of per-call wall times in milliseconds, timed with date +%s%N around each call.
median_ms() {
    local db=$1; shift
    local times=()
    for _ in $(seq 1 "$n"); do
        local t0 t1
        t0=$(date +%s%N)
        echo "$row" | "$@" "$db"
        t1=$(date +%s%N)
        times+=($(( (t1 - t0) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.2f", m / 1000}'
}

# The interpreter itself, not a pyenv/conda shim (a shim's own start-up would flatter dbtool).
py=$(python3 -c 'import sys; print(sys.executable)')
dbtool_ms=$(median_ms "$work/d.db" "$dbtool" insert)
python_ms=$(median_ms "$work/p.db" "$py" bench/dbtool.py insert)
rows_d=$(sqlite3 "$work/d.db" "SELECT count(*) FROM results")
rows_p=$(sqlite3 "$work/p.db" "SELECT count(*) FROM results")

# A 100,000-row table of mixed types for the export.
"$py" - "$work/big.db" <<'PY'
import random, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("CREATE TABLE results (task_id INTEGER, activation TEXT, epochs INTEGER, rmse_global REAL, note TEXT)")
rng = random.Random(7)
con.executemany("INSERT INTO results VALUES (?, ?, ?, ?, ?)",
                [(i, rng.choice(["relu", "linear"]), rng.randrange(25, 401, 25), rng.random(), rng.choice(["", "a,b", 'say "hi"', None]))
                 for i in range(100000)])
con.commit()
PY
best_of_5() {
    local best=999999
    for _ in 1 2 3 4 5; do
        local t0 t1
        t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
        local ms=$(( (t1 - t0) / 1000000 ))
        (( ms < best )) && best=$ms
    done
    echo "$best"
}
q_dbtool=$(best_of_5 "$dbtool" query "$work/big.db" "SELECT * FROM results")
q_sqlite=$(best_of_5 sqlite3 -csv -header "$work/big.db" "SELECT * FROM results")

echo "## dbtool on $(hostname -s), $(date -u +%F), $(nproc) cores"
echo
echo "| measure | dbtool | alternative | ratio |"
echo "| --- | --- | --- | --- |"
echo "| median per insert, $n sequential calls (rows: $rows_d / $rows_p) | $dbtool_ms ms | python3 sqlite3: $python_ms ms | $(awk "BEGIN {printf \"%.1f×\", $python_ms / $dbtool_ms}") faster |"
echo "| CSV of 100,000 rows, best of 5 | $q_dbtool ms | sqlite3 -csv -header: $q_sqlite ms | $(awk "BEGIN {printf \"%.2f\", $q_dbtool / ($q_sqlite > 0 ? $q_sqlite : 1)}") of sqlite3's time |"
