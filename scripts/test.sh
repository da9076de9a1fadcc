#!/usr/bin/env bash
# The test suite, as CI runs it: installs OpenMPI, SQLite and Slurm from
# Debian's packages if missing, starts the local Slurm cluster (tests that
# need it are skipped without it, unless FARM_REQUIRE_SLURM=1), builds, and
# runs every test (with the pinned Python packages of Tests/requirements.txt in
# .build/test-venv): unit tests, real SQLite files and child processes, real
# mpirun, sbatch against the local cluster, a headless chromium on the dashboard; then the multi-host tests
# (Tests/cluster: test hosts from network namespaces, mpirun and Slurm over them); then the release
# archive (scripts/package.sh) runs a sweep on a minimal Debian 12 without Swift (Tests/archive).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --slurm --browser
bash scripts/test-venv.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1
if [[ -x Tests/cluster/local-cluster.sh ]]; then
    bash Tests/cluster/local-cluster.sh start
    trap 'bash Tests/cluster/local-cluster.sh stop' EXIT
    eval "$(bash Tests/cluster/local-cluster.sh env)"
fi
swift build --build-tests 2>&1 | grep -E "warning:|error:|Build complete" | sort -u
if (($#)); then
    swift test --skip-build "$@"
else
    # The multi-host tests (three hosts from network namespaces, each with several ranks) run
    # after the rest, alone: on a 2-core machine they would slow every other suite down.
    swift test --skip-build --skip MultiHostTests
    swift test --skip-build --filter MultiHostTests
    # The release archive on a node without Swift: a minimal Debian 12 from debootstrap.
    bash Tests/archive/debian-node.sh
fi
