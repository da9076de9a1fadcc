#!/usr/bin/env bash
# OpenMPI's rsh launcher calls its agent as `ssh [options] HOST COMMAND…`; this
# agent runs COMMAND on the test host HOST (hosts.sh) instead of over ssh:
#   mpirun --mca plm_rsh_agent Tests/cluster/rsh-agent.sh …
set -euo pipefail
while [[ ${1:-} == -* ]]; do
    case $1 in
        -o|-p|-l|-i|-F) shift 2 ;;
        *) shift ;;
    esac
done
host=$1
shift
exec "$(dirname "$0")/hosts.sh" exec "$host" /bin/sh -c "$*"
