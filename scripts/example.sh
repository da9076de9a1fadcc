#!/usr/bin/env bash
# Sets up farm and runs the example sweep on this machine's cores with mpirun:
# installs OpenMPI and SQLite if missing, builds in release mode, runs
# examples/sweep.yaml into example.db, runs it again (nothing left to do: it
# resumes), and prints a summary with dbtool.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
echo "+ swift build -c release --static-swift-stdlib (a first build takes a few minutes)" >&2
bin=$(bash scripts/build-release.sh)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ranks=$(( $(nproc) + 1 ))
echo "+ mpirun --oversubscribe -n $ranks farmrun examples/sweep.yaml --db example.db" >&2
status=0
mpirun --oversubscribe -n "$ranks" "$bin/farmrun" examples/sweep.yaml --db example.db || status=$?
echo "+ farmrun status --db example.db" >&2
"$bin/farmrun" status --db example.db
echo "+ dbtool query example.db \"SELECT epochs, activation, count(*) AS n, round(avg(rmse_global), 4) AS mean_rmse FROM AlgorithmResult GROUP BY 1, 2 ORDER BY 1, 2\"" >&2
"$bin/dbtool" query example.db "SELECT epochs, activation, count(*) AS n, round(avg(rmse_global), 4) AS mean_rmse FROM AlgorithmResult GROUP BY 1, 2 ORDER BY 1, 2"
exit $status
