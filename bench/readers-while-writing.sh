#!/usr/bin/env bash
# What readers cost a running farm: 3,000 no-op tasks with `farmrun --jobs 2`,
# alone and then with `dbtool query` and `farmrun status` running in a loop
# (every PAUSE seconds, default 0.1) against the same database the whole time. Prints both wall times, the
# slow-down, how many reads were made and how many failed (there should be none).
# Usage: bash bench/readers-while-writing.sh [TASKS] [PAUSE]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3000}
pause=${2:-0.1}
bin=$(bash scripts/build-release.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_farm() { "$bin/farmrun" --db "$1" --jobs 2 --progress 0 -p i=1..$n -- /bin/echo '{"i": {i}}' >/dev/null 2>&1; }
seconds() { local t0 t1; t0=$(date +%s%N); "$@"; t1=$(date +%s%N); awk "BEGIN {printf \"%.2f\", ($t1 - $t0) / 1e9}"; }

alone=$(seconds run_farm "$work/alone.db")

reads=0; failed=0
run_farm "$work/read.db" & farm=$!
t0=$(date +%s%N)
while kill -0 "$farm" 2>/dev/null; do
    if "$bin/dbtool" query "$work/read.db" "SELECT count(*) FROM results" >/dev/null 2>"$work/err" \
        && "$bin/farmrun" status --db "$work/read.db" >/dev/null 2>>"$work/err"; then
        reads=$((reads + 2))
    else
        grep -qE "no such (file|table)" "$work/err" || failed=$((failed + 1))
    fi
    sleep "$pause"
done
wait "$farm"
t1=$(date +%s%N)
with=$(awk "BEGIN {printf \"%.2f\", ($t1 - $t0) / 1e9}")
rows=$(sqlite3 "$work/read.db" "SELECT count(*) FROM results")

echo "| farm of $n no-op tasks (--jobs 2) | wall s | reads during the run | failed reads | rows |"
echo "| --- | --- | --- | --- | --- |"
echo "| alone | $alone | - | - | $(sqlite3 "$work/alone.db" "SELECT count(*) FROM results") |"
echo "| with dbtool query + farmrun status every ${pause}s | $with | $reads | $failed | $rows |"
echo
awk "BEGIN {printf \"slow-down: %+.1f %%\n\", ($with / $alone - 1) * 100}"
