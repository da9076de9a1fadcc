#!/usr/bin/env bash
# Installs what farm builds and runs with, from Debian's packages, if missing:
# OpenMPI (mpirun and its headers), SQLite, Python 3 (the example jobs),
# rsvg-convert (dbtool plot -o NAME.png), iproute2 (test hosts from network namespaces),
# with --slurm a local Slurm (slurmctld, slurmd, munge) and with --browser a headless
# chromium and its driver (the dashboard's browser tests). Safe to run again.
set -euo pipefail

packages=(libopenmpi-dev openmpi-bin libsqlite3-dev sqlite3 python3 procps librsvg2-bin iproute2)
for option in "$@"; do
    case $option in
        --slurm) packages+=(slurmctld slurmd slurm-client munge) ;;
        --browser) packages+=(chromium chromium-driver) ;;
        *) echo "install-deps: unknown option $option (use --slurm, --browser)" >&2; exit 64 ;;
    esac
done

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing Debian packages: ${missing[*]}; run: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
