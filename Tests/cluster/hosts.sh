#!/usr/bin/env bash
# Test hosts on this machine: N network namespaces fh1..fhN behind a bridge,
# each with its own address (10.77.0.K/24), its name in /etc/hosts and, when a
# command runs "on" it, its own hostname (a UTS namespace). Traffic stays
# between these namespaces. The filesystem is shared, as a cluster's shared
# filesystem would be. Needs root and iproute2.
#
#   hosts.sh up [N]            make fh1..fhN (default 3); idempotent
#   hosts.sh down              remove every test host
#   hosts.sh exec HOST CMD…    run CMD on HOST (its network, its hostname)
#   hosts.sh pids HOST         the processes running on HOST
#   hosts.sh list              the test hosts that exist
set -euo pipefail
subnet=10.77.0
switch=fh-switch
marker="# farm test host"

die() { echo "hosts.sh: $*" >&2; exit 1; }
exists() { [[ -e /run/netns/$1 ]]; }

up() {
    local n=${1:-3}
    [[ $(id -u) == 0 ]] || die "must run as root (ip netns add)"
    command -v ip >/dev/null || die "ip not found; apt-get install iproute2"
    if ! exists "$switch"; then
        ip netns add "$switch"
        ip -n "$switch" link add br0 type bridge
        ip -n "$switch" link set br0 up
        ip -n "$switch" link set lo up
    fi
    for k in $(seq 1 "$n"); do
        local host=fh$k
        exists "$host" && continue
        ip netns add "$host"
        ip link add "veth-$host" type veth peer name eth0 netns "$host"
        ip link set "veth-$host" netns "$switch"
        ip -n "$switch" link set "veth-$host" master br0 up
        ip -n "$host" addr add "$subnet.$k/24" dev eth0
        ip -n "$host" link set eth0 up
        ip -n "$host" link set lo up
        grep -q "^$subnet.$k $host " /etc/hosts || echo "$subnet.$k $host $marker" >>/etc/hosts
    done
}

down() {
    for ns in $(list) "$switch"; do
        exists "$ns" || continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns"
    done
    sed -i "/$marker\$/d" /etc/hosts
}

list() {
    ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^fh[0-9]+$' | sort -V || true
}

run_on() {
    local host=$1
    shift
    exists "$host" || die "no test host $host (hosts.sh up)"
    # nsenter keeps /sys and the cgroup tree (ip netns exec remounts /sys); unshare gives the hostname.
    exec nsenter --net="/run/netns/$host" unshare --uts sh -c 'hostname "$0"; exec "$@"' "$host" "$@"
}

case ${1:-} in
    up) shift; up "$@" ;;
    down) down ;;
    exec) shift; [[ $# -ge 2 ]] || die "usage: hosts.sh exec HOST CMD…"; run_on "$@" ;;
    pids) [[ $# -eq 2 ]] || die "usage: hosts.sh pids HOST"; ip netns pids "$2" ;;
    list) list ;;
    -h|--help|"") sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown command $1 (see hosts.sh --help)" ;;
esac
