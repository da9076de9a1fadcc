#!/usr/bin/env bash
# The Python the tests use beside the system's: a venv in .build/test-venv with the pinned
# packages of Tests/requirements.txt (from PyPI). Running it again changes nothing unless
# the requirements changed. The tests find it by its path; without it those tests are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/test-venv
stamp=$venv/requirements.sha256
want=$(sha256sum Tests/requirements.txt | cut -d' ' -f1)
if [[ -x $venv/bin/python3 && -f $stamp && $(cat "$stamp") == "$want" ]]; then
    exit 0
fi
rm -rf "$venv"
mkdir -p .build
python3 -m venv "$venv"
"$venv/bin/python3" -m pip install --quiet --disable-pip-version-check --no-deps -r Tests/requirements.txt
echo "$want" >"$stamp"
echo "test-venv: $("$venv/bin/python3" --version) with $(wc -l < <(grep -v '^#' Tests/requirements.txt)) pinned packages in $venv"
