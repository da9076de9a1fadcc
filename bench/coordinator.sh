#!/usr/bin/env bash
# Coordinator-only benchmark: how many dispatch+commit decisions rank 0 makes
# per second with workers that answer at once (no spawning: the real sweep
# expansion, ledger, coordinator loop and SQLite commits), its peak memory at
# 1,000,000 tasks, and the resume cost: the time from start to the first
# dispatch for a 1,000,000-task sweep whose ledger is 90 % done.
# Usage: bash bench/coordinator.sh [TASKS] [WORKERS]   (default 1000000 64)
set -euo pipefail
cd "$(dirname "$0")/.."
tasks=${1:-1000000}
workers=${2:-64}
bin=${FARM_BIN_DIR:-$(bash scripts/build-release.sh)}   # FARM_BIN_DIR: compare another build
out=$(mktemp -d /tmp/farm-coordinator.XXXXXX)
trap 'rm -rf "$out"' EXIT

echo "coordinator-only: $tasks tasks, $workers simulated workers, release build, $(nproc) cores; databases in $out"
echo
echo "| run | tasks dispatched | seconds | dispatch+commit/s | to first dispatch | peak RSS |"
echo "|---|---|---|---|---|---|"
row() {
    local name=$1; shift
    local line
    line=$("$bin/farmrun" simulate --workers "$workers" "$@")
    # simulate: N tasks in S s = R dispatch+commit/s; first dispatch F s after start; peak RSS M MB; exit E
    sed -E "s/^simulate: ([0-9]+) tasks in ([0-9.]+) s = ([0-9]+) dispatch\+commit\/s; first dispatch ([0-9.]+ s) after start; peak RSS ([0-9.]+ MB).*/| $name | \1 | \2 | \3 | \4 | \5 |/" <<<"$line"
}
row "fresh ledger, all tasks" --db "$out/fresh.db" --tasks "$tasks"
row "first 90 % (to make a 90 % done ledger)" --db "$out/resume.db" --tasks "$tasks" --max-tasks $((tasks * 9 / 10))
row "resume: the last 10 %" --db "$out/resume.db" --tasks "$tasks"
echo
echo "(the farm's own integrity: $("$bin/dbtool" query "$out/resume.db" "SELECT count(*) || ' rows, ' || count(DISTINCT task_id) || ' distinct task ids' FROM simulated" | tail -1))"
