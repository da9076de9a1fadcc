#!/usr/bin/env bash
# The dashboard under load while a farm runs: CLIENTS clients (default 200) poll /api/status for
# SECONDS (default 30), first every 2 s as the page does, then back to back; each row reports the
# requests' p50/p99 latency and errors and the farm's throughput in that window, beside the same
# farm with no server at all. The farm: --jobs 2 of /bin/echo tasks (the most sensitive case: the
# farm itself is CPU-bound, so anything the server takes shows). The load clients run at nice 10,
# as farmrun serve does itself, so that on 2 cores the load generator's own CPU does not pass for
# the server's. "server CPU" is what farmrun serve itself used in the window (/proc/PID/stat).
# Usage: bash bench/dashboard.sh [CLIENTS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-200}
seconds=${2:-30}
bin=${FARM_BIN_DIR:-$(bash scripts/build-release.sh)}
out=$(mktemp -d /tmp/farm-dashboard.XXXXXX)
server=
trap '[[ -n $server ]] && kill $server 2>/dev/null; rm -rf "$out"' EXIT

# Starts a farm of far more tasks than it can finish ($db, $farm), and returns once it has 100 done.
start_farm() {  # name
    db=$out/$1.db
    "$bin/farmrun" --db "$db" --jobs 2 --quiet --progress 0 -p i=1..300000 -- /bin/echo '{"v": {i}}' &
    farm=$!
    until [[ -f $db ]] && [[ $(done_count "$db" 2>/dev/null) -ge 100 ]]; do sleep 0.2; done
}
done_count() { "$bin/dbtool" query "$1" "SELECT count(*) FROM farm_task WHERE state = 'done'" | tail -1; }

echo "dashboard under load: $clients clients, ${seconds} s per row, release build, $(nproc) cores"
echo
echo "| run | requests | errors | p50 | p99 | max | server CPU | farm tasks/s |"
echo "|---|---|---|---|---|---|---|---|"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

alone() {  # label
    start_farm "alone$1"
    before=$(done_count "$db"); sleep "$seconds"; after=$(done_count "$db")
    kill -INT "$farm"; wait "$farm" || true
    echo "| farm alone, no server$1 | – | – | – | – | – | – | $(( (after - before) / seconds )) |"
}
alone ""

for interval in 2 0; do
    start_farm "served$interval"
    "$bin/farmrun" serve --db "$db" --port 0 >"$out/url" 2>/dev/null &
    server=$!
    until grep -q token= "$out/url"; do sleep 0.1; done
    url=$(cat "$out/url"); port=${url##*:}; port=${port%%/*}; token=${url##*token=}
    before=$(done_count "$db"); ticks=$(cpu_ticks "$server")
    load=$(nice -n 10 python3 bench/dashboard_load.py "$port" "$token" "$clients" "$seconds" "$interval")
    after=$(done_count "$db"); ticks=$(( $(cpu_ticks "$server") - ticks ))
    kill "$server"; wait "$server" 2>/dev/null || true; server=
    kill -INT "$farm"; wait "$farm" || true
    label=$([[ $interval == 0 ]] && echo "back to back" || echo "every ${interval} s (as the page)")
    python3 - "$load" "$label" "$clients" $(( (after - before) / seconds )) "$ticks" "$(getconf CLK_TCK)" "$seconds" <<'PY'
import json, sys
r, label, clients, rate = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
cpu = 100 * int(sys.argv[5]) / int(sys.argv[6]) / float(sys.argv[7])
print(f"| {clients} clients polling /api/status {label} | {r['requests']} | {r['errors']} {' '.join(r['error_kinds'])} | {r['p50_ms']} ms | {r['p99_ms']} ms | {r['max_ms']} ms | {cpu:.0f} % of a core | {rate} |")
PY
done
alone " (again: the spread between runs)"
