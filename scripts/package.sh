#!/usr/bin/env bash
# Builds the release archive and prints its path: .build/farm-VERSION-linux-ARCH.tar.gz with
#   bin/farmrun    stripped, the Swift runtime linked in (needs only glibc, libstdc++, libsqlite3)
#   bin/dbtool     stripped, a static executable: `dbtool insert` (once per result) runs in it;
#                  every other dbtool command it hands to farmrun, which answers as dbtool
#   bin/farm-pin   a job's CPU pinning (C, libc only)
#   slurm/, README.md, LICENSE
# Foundation, GRDB and the rest ship once, in farmrun; dbtool carries only the Swift standard
# library and SQLite (8 MB). Build on the oldest glibc your clusters run (or older): the
# binaries run on that glibc or newer, no Swift needed there.
#   tar -xzf farm-*.tar.gz && export PATH=$PWD/farm-*/bin:$PATH
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(bash scripts/build-release.sh)
version=$("$bin/farmrun" --version)
name=farm-$version-linux-$(uname -m)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/bin"
strip -o "$stage/$name/bin/farmrun" "$bin/farmrun"
strip -o "$stage/$name/bin/dbtool" "$bin/dbtool"
strip -o "$stage/$name/bin/farm-pin" "$bin/farm-pin"
cp -R slurm README.md LICENSE "$stage/$name/"
tar -C "$stage" -czf ".build/$name.tar.gz" "$name"
bytes=$(du -s --block-size=1 --apparent-size "$stage/$name" | cut -f1)
echo "package: $(awk -v b="$bytes" 'BEGIN {printf "%.1f MB", b / 1e6}') ($bytes bytes) unpacked, $(du -h ".build/$name.tar.gz" | cut -f1) packed" >&2
echo "$PWD/.build/$name.tar.gz"
