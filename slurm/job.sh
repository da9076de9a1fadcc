#!/usr/bin/env bash
# The per-task launcher: runs its arguments inside the Python environment that
# setup.sh made, and nothing else (no output of its own on stdout, which is the
# task's result). Use it as the start of a sweep's command:
#   command: [slurm/job.sh, python3, mlp.py, -e, "{e}"]
# FARM_VENV names the environment (default: ./.venv).
venv=${FARM_VENV:-.venv}
if [[ ! -x $venv/bin/python ]]; then
    echo "job.sh: no Python environment at $venv; run slurm/setup.sh first (or set FARM_VENV)" >&2
    exit 127
fi
venv=$(cd "$venv" && pwd)
if [[ -d $venv/conda-meta ]]; then
    export CONDA_PREFIX=$venv
else
    export VIRTUAL_ENV=$venv
fi
export PATH="$venv/bin:$PATH"
unset PYTHONHOME
exec "$@"
