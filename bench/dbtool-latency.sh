#!/usr/bin/env bash
# dbtool's everyday costs next to the alternatives, on this machine:
#  1. per-insert latency: N sequential `echo '{…}' | dbtool insert` against the
#     same through bench/dbtool.py (Python's sqlite3 module) and, as the floor,
#     SQLite's own shell inserting the same row: medians and ratios;
#  2. CSV export of a 100,000-row table: `dbtool query` against `sqlite3 -csv -header`.
# Usage: bash bench/dbtool-latency.sh [N]   (default 200). Builds dbtool in release mode.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
dbtool=$(bash scripts/build-release.sh)/dbtool
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
row='{"author": "Philip", "algorithm": "window_mlp", "activation": "relu", "dataset": "no_data", "forecast_length": 1, "prediction_gap": 1, "training_window_length": 20, "sample_window_length": 10, "epochs": 25, "layers": "10-20-10", "rmse_global": 0.123456}'

# Median of per-call wall times in milliseconds. The clock is bash's own
# $EPOCHREALTIME (microseconds, no process): timing with `date` would put a
# fork and exec of date inside every interval, the same ~2 ms for both tools.
median_ms() { # DB command…: the row (or $input) on stdin, DB last
    local db=$1; shift
    local text=${input:-$row}
    local times=()
    for _ in $(seq 1 "$n"); do
        local t0 t1
        t0=${EPOCHREALTIME/[.,]/}
        echo "$text" | "$@" "$db"
        t1=${EPOCHREALTIME/[.,]/}
        times+=($(( 10#$t1 - 10#$t0 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.2f", m / 1000}'
}

# Python as a user would start it: the interpreter itself, not a pyenv/conda shim
# (a shim's own start-up would flatter dbtool). Debian's /usr/bin/python3 is the
# main comparison; the python3 on PATH is timed too when it is another one (this
# machine's pyenv Python imports certifi at start-up through a .pth file, which
# costs it about 40 ms: a property of that install, not of Python).
py=$(python3 -c 'import sys; print(sys.executable)')
sys_py=/usr/bin/python3
[ -x "$sys_py" ] || sys_py=$py
start_ms() { # median start-up of an interpreter, 20 runs
    local times=()
    for _ in $(seq 1 20); do
        local t0=${EPOCHREALTIME/[.,]/}; "$1" -c pass; local t1=${EPOCHREALTIME/[.,]/}
        times+=($(( 10#$t1 - 10#$t0 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.0f", (a[10] + a[11]) / 2000}'
}
dbtool_ms=$(median_ms "$work/d.db" "$dbtool" insert)
python_ms=$(median_ms "$work/p.db" "$sys_py" bench/dbtool.py insert)
# The floor for any tool: SQLite's own shell, a C program, inserting the same row.
sqlite3 "$work/s.db" "PRAGMA journal_mode=WAL; CREATE TABLE results (author, algorithm, activation, dataset, forecast_length, prediction_gap, training_window_length, sample_window_length, epochs, layers, rmse_global)" >/dev/null
insert_sql="INSERT INTO results VALUES ('Philip', 'window_mlp', 'relu', 'no_data', 1, 1, 20, 10, 25, '10-20-10', 0.123456)"
sqlite_ms=$(input="$insert_sql;" median_ms "$work/s.db" sqlite3 -cmd ".output /dev/null" -cmd "PRAGMA busy_timeout=120000" -cmd "PRAGMA synchronous=NORMAL")
rows_d=$(sqlite3 "$work/d.db" "SELECT count(*) FROM results")
rows_p=$(sqlite3 "$work/p.db" "SELECT count(*) FROM results")
rows_s=$(sqlite3 "$work/s.db" "SELECT count(*) FROM results")
path_row=""
if [ "$(readlink -f "$py")" != "$(readlink -f "$sys_py")" ]; then
    path_ms=$(median_ms "$work/q.db" "$py" bench/dbtool.py insert)
    path_row="| python3 on PATH: \`$py bench/dbtool.py insert\` ($("$py" -V 2>&1), starts in $(start_ms "$py") ms) | $path_ms ms | $(awk "BEGIN {printf \"%.1f×\", $path_ms / $dbtool_ms}") |"
fi

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
echo "Median per insert, $n sequential \`echo '{…}' | … insert DB\` calls (rows stored: dbtool $rows_d, Python $rows_p, sqlite3 $rows_s):"
echo
echo "| inserter | median per insert | dbtool is faster by |"
echo "| --- | --- | --- |"
echo "| \`dbtool insert\` | $dbtool_ms ms | - |"
echo "| \`$sys_py bench/dbtool.py insert\` ($("$sys_py" -V 2>&1), starts in $(start_ms "$sys_py") ms) | $python_ms ms | $(awk "BEGIN {printf \"%.1f×\", $python_ms / $dbtool_ms}") |"
[ -n "$path_row" ] && echo "$path_row"
echo "| floor: SQLite's C shell, \`sqlite3 DB \"INSERT …\"\` (no JSON) | $sqlite_ms ms | $(awk "BEGIN {printf \"%.2f×\", $sqlite_ms / $dbtool_ms}") |"
echo
echo "dbtool's time per insert / the floor's: $(awk "BEGIN {printf \"%.2f\", $dbtool_ms / $sqlite_ms}")"
echo
echo "| CSV of 100,000 rows, best of 5 | dbtool query | sqlite3 -csv -header | dbtool's time / sqlite3's |"
echo "| --- | --- | --- | --- |"
echo "| | $q_dbtool ms | $q_sqlite ms | $(awk "BEGIN {printf \"%.2f\", $q_dbtool / ($q_sqlite > 0 ? $q_sqlite : 1)}") |"
