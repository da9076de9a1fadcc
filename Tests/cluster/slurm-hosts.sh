#!/usr/bin/env bash
# A Slurm cluster over the test hosts (hosts.sh): slurmctld on fh1, one slurmd
# per host (`slurmd -N fhK` in that host's network namespace, with its own
# /tmp: PMIx's per-job folders there would collide otherwise), a munged of its
# own. Everything lives under /var/lib/farm-slurm-hosts (not /tmp, which each
# slurmd sees privately); submit from a test host, which can reach slurmctld:
#
#   Tests/cluster/slurm-hosts.sh start [N]    hosts fh1..fhN (default 3), then the daemons
#   Tests/cluster/slurm-hosts.sh stop
#   eval "$(Tests/cluster/slurm-hosts.sh env)"; Tests/cluster/hosts.sh exec fh1 sbatch -N 3 …
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${FARM_SLURM_HOSTS_DIR:-/var/lib/farm-slurm-hosts}
conf=$dir/etc/slurm.conf
socket=$dir/munge/munge.socket.2
cpus=${FARM_SLURM_CPUS:-4}

die() { echo "slurm-hosts: $*" >&2; exit 1; }
source "$here/test-cluster-lib.sh"

write_config() {
    local n=$1
    mkdir -p "$dir"/{etc,state,spool,log,munge,run}
    chmod 755 "$dir" "$dir/munge"
    cat >"$conf" <<CONF
# Written by farm's Tests/cluster/slurm-hosts.sh: one node per test host.
ClusterName=farmhosts
SlurmctldHost=fh1(10.77.0.1)
SlurmctldPort=6927
SlurmdPort=6928
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd-%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
$(test_cluster_settings "$socket")
NodeName=fh[1-$n] NodeAddr=10.77.0.[1-$n] CPUs=$cpus State=UNKNOWN
PartitionName=hosts Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
}

start() {
    local n=${1:-3}
    [[ $(id -u) -eq 0 ]] || die "needs root"
    command -v slurmctld >/dev/null || bash "$here/../../scripts/install-deps.sh" --slurm
    "$here/hosts.sh" up "$n"
    stop >/dev/null 2>&1 || true
    write_config "$n"
    mkdir -p "$dir"/spool/fh{1..9}
    start_test_munged "$dir" "$socket"
    export SLURM_CONF=$conf
    "$here/hosts.sh" exec fh1 slurmctld -i -f "$conf"
    for k in $(seq 1 "$n"); do
        # A private /tmp per host (PMIx keeps per-job folders there), daemonized slurmd inside.
        "$here/hosts.sh" exec "fh$k" unshare --mount --propagation private \
            sh -c 'mount -t tmpfs tmpfs /tmp && exec slurmd -f "$0" -N "$1"' "$conf" "fh$k"
    done
    for _ in $(seq 1 150); do
        local idle
        idle=$("$here/hosts.sh" exec fh1 sinfo -h -N -o %t 2>/dev/null | grep -cE '^(idle|mix|alloc)$' || true)
        if ((idle == n)); then
            echo "slurm-hosts: running: $n nodes fh1..fh$n with $cpus CPUs each; config $conf" >&2
            return 0
        fi
        sleep 0.2
    done
    echo "slurm-hosts: the nodes did not become idle; logs follow" >&2
    tail -n 15 "$dir"/log/*.log >&2 || true
    exit 1
}

stop() {
    local pidfile pid
    for pidfile in "$dir"/run/slurmd-*.pid "$dir/run/slurmctld.pid" "$dir/run/munged.pid"; do
        running "$pidfile" || { rm -f "$pidfile"; continue; }
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$pidfile"
    done
    echo "slurm-hosts: stopped" >&2
}

case ${1:-} in
    start) shift; start "$@" ;;
    stop) stop ;;
    env) echo "export SLURM_CONF=$conf" ;;
    -h|--help|"") sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown command $1 (see --help)" ;;
esac
