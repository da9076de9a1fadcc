#!/usr/bin/env bash
# A node without Swift: a minimal Debian 12 made with debootstrap (mirror taken from this
# machine's apt sources at run time), with only libsqlite3-0, openmpi-bin and python3 in it,
# and a sweep run under mpirun inside it from an unpacked release archive.
#   bash Tests/archive/debian-node.sh [ARCHIVE]   (default: builds one with scripts/package.sh)
# Needs root (debootstrap, chroot, mounts). The root filesystem is kept in .build/debian-node
# for the next run (it is made again when its package list changes).
set -euo pipefail
cd "$(dirname "$0")/../.."
archive=${1:-$(bash scripts/package.sh)}
root=$PWD/.build/debian-node
packages=libsqlite3-0,openmpi-bin,python3
# The machine's Debian mirror, from its deb822 or one-line apt sources (never written into the repo).
mirror=$(awk '/^URIs:/ && $2 ~ /debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[[ -n $mirror ]] || mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
[[ -n $mirror ]] || { echo "debian-node: no Debian mirror in /etc/apt/sources*; give one in FARM_DEBIAN_MIRROR" >&2; exit 1; }
mirror=${FARM_DEBIAN_MIRROR:-$mirror}
command -v debootstrap >/dev/null || apt-get install -y -q --no-install-recommends debootstrap >/dev/null
if [[ ! -f $root/.farm-packages || $(cat "$root/.farm-packages") != "$packages" ]]; then
    rm -rf "$root"
    echo "debian-node: debootstrap bookworm from $mirror with $packages" >&2
    debootstrap --variant=minbase --include="$packages" bookworm "$root" "$mirror" >"$PWD/.build/debian-node.log" 2>&1 \
        || { tail -20 "$PWD/.build/debian-node.log" >&2; exit 1; }
    echo "$packages" >"$root/.farm-packages"
fi
mounts=()
cleanup() { for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[i]}" 2>/dev/null || true; done; rm -rf "$root/opt/farm" "$root/work"; }
trap cleanup EXIT
for fs in proc sys dev dev/shm; do
    mkdir -p "$root/$fs"
    case $fs in
        proc) mount -t proc proc "$root/proc" ;;
        sys) mount -t sysfs sysfs "$root/sys" ;;
        dev) mount --bind /dev "$root/dev" ;;
        dev/shm) mount -t tmpfs tmpfs "$root/dev/shm" ;;
    esac
    mounts+=("$root/$fs")
done
rm -rf "$root/opt/farm" "$root/work"
mkdir -p "$root/opt/farm" "$root/work"
tar -xzf "$archive" -C "$root/opt/farm" --strip-components=1
# Every node of an srun reads the binaries from the shared filesystem at start: the unpacked
# archive is kept within 80 MB (decimal bytes).
bytes=$(du -s --block-size=1 --apparent-size "$root/opt/farm" | cut -f1)
echo "debian-node: $bytes bytes unpacked from $(basename "$archive")" >&2
if ((bytes > 80000000)); then
    echo "debian-node: the unpacked archive is $bytes bytes, over its budget of 80000000; see what grew: size -A .build/release/farmrun" >&2
    exit 1
fi
cat >"$root/work/job.py" <<'PY'
import json, sys
print(json.dumps({"y": int(sys.argv[1]) ** 2}))
PY
chroot "$root" /usr/bin/env -i PATH=/opt/farm/bin:/usr/bin:/bin HOME=/work OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
    OMPI_MCA_mpi_yield_when_idle=1 /bin/sh -ec '
    cd /work
    test ! -e /usr/bin/swift && ! ls /usr/lib/*/libswiftCore.so >/dev/null 2>&1
    farmrun --version
    dbtool --version
    mpirun --oversubscribe -n 3 farmrun --db results.db -p x=1..200 --cpus-per-task 1 --progress 0 -- python3 job.py "{x}"
    test "$(dbtool query results.db "SELECT count(DISTINCT task_id), sum(y) FROM results" --format csv | tail -1)" = "200,2686700"
    farmrun status --db results.db | head -3
    # dbtool insert (its own static binary) as a job script would call it, read back through farmrun.
    python3 job.py 7 | dbtool insert jobs.db --table squares
    test "$(dbtool query jobs.db "SELECT y FROM squares" --format csv | tail -1)" = "49"
    echo "debian-node: a sweep of 200 tasks ran under mpirun on Debian 12 without Swift: 200 rows; dbtool insert: 1 row"
'
