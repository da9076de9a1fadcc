#!/usr/bin/env bash
# Builds farmrun and dbtool in release mode with the Swift runtime linked in
# statically (they start in half the time, and run on nodes without Swift),
# and prints the folder that holds them. Usage: bin=$(bash scripts/build-release.sh)
#
# farmrun is linked at a fixed address (-no-pie): the loader then has no
# relocations to apply to its image of Swift runtime and Foundation. Only with
# the runtime linked in: against the shared Swift libraries a fixed-address
# executable makes the loader warn about protected symbols. The runtime's link arguments export
# every symbol of the executable (-export-dynamic: 29,000 of them, 2.7 MB of symbol table that
# nothing looks up: libmpi, loaded at run time, needs none of ours); --no-export-dynamic leaves
# 600, and farmrun starts about a millisecond sooner. dbtool is a static
# executable (Package.swift): SQLite and glibc linked in, no loader at all.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-c release --static-swift-stdlib -Xswiftc -Xclang-linker -Xswiftc -no-pie -Xlinker --no-export-dynamic)
# Known link warnings, not about our code: Foundation's static archive uses mktemp; the static
# dbtool carries SQLite's load_extension and the Swift runtime's prespecialization lookup, which
# would call dlopen (dbtool calls neither), and is linked without the -no-pie meant for farmrun.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift build "${flags[@]}" >"$log" 2>&1 || status=$?
grep -E "error:|warning:" "$log" \
    | grep -v "use of .mktemp\|swift-distributed-tracing\|Using 'dlopen' in statically linked\|unused during compilation: '-no-pie'" >&2 || true
if ((status != 0)); then
    echo "build-release: swift build failed (exit $status); the last lines:" >&2
    tail -n 20 "$log" >&2
    exit "$status"
fi
bin=$(swift build "${flags[@]}" --show-bin-path)
# farm-pin (a job's CPU pinning, exec'd once per pinned job) built by the C compiler alone: linked by
# swiftc it carries the Swift runtime, 8 MB that take a millisecond to start.
cc -O2 -o "$bin/farm-pin" Sources/farm-pin/main.c
echo "$bin"
