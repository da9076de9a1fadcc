#!/usr/bin/env bash
# Creates the Python environment the jobs run in and installs requirements.txt
# into it with pip. Running it again changes nothing unless requirements.txt
# changed. Run it once on the login node, from the folder you submit from.
#
#   slurm/setup.sh [--venv DIR] [--conda] [REQUIREMENTS]
#
#   --venv DIR    where the environment goes (default: ./.venv; job.sh reads FARM_VENV)
#   --conda       make a conda environment (conda create -p DIR) instead of a venv
#   REQUIREMENTS  the pip requirements file (default: ./requirements.txt, if it exists)
set -euo pipefail

venv=${FARM_VENV:-.venv}
conda=0
requirements=""
while (($#)); do
    case "$1" in
        --venv) venv=${2:?--venv needs a folder}; shift 2 ;;
        --conda) conda=1; shift ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "setup.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
        *) requirements=$1; shift ;;
    esac
done
if [[ -z $requirements && -f requirements.txt ]]; then requirements=requirements.txt; fi
if [[ -n $requirements && ! -f $requirements ]]; then
    echo "setup.sh: no requirements file at $requirements" >&2
    exit 66
fi

if [[ ! -x $venv/bin/python ]]; then
    if ((conda)); then
        command -v conda >/dev/null || { echo "setup.sh: --conda needs conda on PATH (module load anaconda?)" >&2; exit 69; }
        echo "setup.sh: creating conda environment $venv" >&2
        conda create -y -q -p "$venv" python=3 pip >&2
    else
        echo "setup.sh: creating virtual environment $venv" >&2
        python3 -m venv "$venv"
    fi
fi

stamp=$venv/.farm-requirements.sha256
if [[ -n $requirements ]]; then
    sum=$(sha256sum "$requirements" | cut -d' ' -f1)
    if [[ -f $stamp && $(cat "$stamp") == "$sum" ]]; then
        echo "setup.sh: $venv is up to date with $requirements" >&2
    else
        echo "setup.sh: installing $requirements into $venv" >&2
        "$venv/bin/python" -m pip install -q -r "$requirements" >&2
        echo "$sum" >"$stamp"
    fi
fi
echo "setup.sh: ready; jobs run in it through slurm/job.sh (FARM_VENV=$venv)" >&2
