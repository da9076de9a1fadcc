#!/usr/bin/env bash
# Sets up farm and runs the example sweep on this machine's cores with mpirun:
# installs OpenMPI and SQLite if missing, builds in release mode, runs
# examples/sweep.yaml into example.db (run it again: it resumes, nothing left
# to do), prints the status, a summary over replicates and draws example.svg.
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
echo "+ dbtool summary example.db --metric rmse_global --by e,a --top 6" >&2
"$bin/dbtool" summary example.db --metric rmse_global --by e,a --top 6
echo "+ dbtool plot example.db --x e --y rmse_global --series a -o example.svg" >&2
"$bin/dbtool" plot example.db --x e --y rmse_global --series a -o example.svg
echo "(to look at it in a browser: $bin/farmrun serve --db example.db, then open the URL it prints)" >&2
exit $status
