#!/usr/bin/env bash
# A real one-node Slurm cluster on this machine, for trying farm and for its
# tests: munged, slurmctld and slurmd from Debian's packages (installed if
# missing), the node declared with 8 CPUs whatever the machine has, PMIx for
# srun, and everything (config, state, logs, munge key) under one folder.
#
#   Tests/cluster/local-cluster.sh start     start it (again: a no-op if it runs)
#   Tests/cluster/local-cluster.sh stop      stop it, by the PIDs it recorded
#   Tests/cluster/local-cluster.sh status    sinfo and squeue
#   eval "$(Tests/cluster/local-cluster.sh env)"   point sbatch, srun, squeue at it
#
# FARM_SLURM_DIR (default /tmp/farm-slurm) is the folder; FARM_SLURM_CPUS
# (default 8) the CPUs the node claims. Needs root (munged and slurmd do).
set -euo pipefail

dir=${FARM_SLURM_DIR:-/tmp/farm-slurm}
cpus=${FARM_SLURM_CPUS:-8}
node=$(hostname -s)
conf=$dir/etc/slurm.conf
socket=$dir/munge/munge.socket.2

die() { echo "local-cluster: $*" >&2; exit 1; }

source "$(dirname "${BASH_SOURCE[0]}")/test-cluster-lib.sh"

write_config() {
    mkdir -p "$dir"/{etc,state,spool,log,munge,run}
    chmod 755 "$dir" "$dir/munge"
    cat >"$conf" <<CONF
# Written by farm's Tests/cluster/local-cluster.sh: a one-node test cluster.
ClusterName=farmlocal
SlurmctldHost=$node
SlurmctldPort=6917
SlurmdPort=6918
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
$(test_cluster_settings "$socket")
NodeName=$node CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
}

start() {
    [[ $(id -u) -eq 0 ]] || die "needs root (munged and slurmd run as root here)"
    if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
        bash "$(dirname "$0")/../../scripts/install-deps.sh" --slurm
    fi
    if running "$dir/run/slurmctld.pid" && running "$dir/run/slurmd.pid" && running "$dir/run/munged.pid"; then
        echo "local-cluster: already running ($conf)" >&2
        return 0
    fi
    stop >/dev/null 2>&1 || true
    write_config
    start_test_munged "$dir" "$socket"
    export SLURM_CONF=$conf
    slurmctld -i -f "$conf"
    slurmd -f "$conf" -N "$node"
    for _ in $(seq 1 100); do
        state=$(sinfo -h -N -o %t 2>/dev/null | head -1)
        if [[ $state == idle || $state == mix || $state == alloc ]]; then
            echo "local-cluster: running: node $node with $cpus CPUs; config $conf" >&2
            return 0
        fi
        sleep 0.2
    done
    echo "local-cluster: the node did not become idle; logs follow" >&2
    tail -n 20 "$dir"/log/*.log >&2 || true
    exit 1
}

stop() {
    local stopped=0
    for daemon in slurmd slurmctld munged; do
        pidfile=$dir/run/$daemon.pid
        if running "$pidfile"; then
            pid=$(cat "$pidfile")
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
            stopped=$((stopped + 1))
        fi
        rm -f "$pidfile"
    done
    echo "local-cluster: stopped $stopped daemon(s)" >&2
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status)
        export SLURM_CONF=$conf
        running "$dir/run/slurmctld.pid" || die "not running (start it with: $0 start)"
        sinfo -N -l
        squeue
        ;;
    env) echo "export SLURM_CONF=$conf" ;;
    *) echo "usage: $0 start|stop|status|env" >&2; exit 64 ;;
esac
