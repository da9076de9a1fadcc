#!/usr/bin/env bash
# Builds farmrun and dbtool in release mode with the Swift runtime linked in
# statically (they start in half the time, and run on nodes without Swift),
# and prints the folder that holds them. Usage: bin=$(bash scripts/build-release.sh)
#
# They are linked at a fixed address (-no-pie): the loader then has no
# relocations to apply to their ~60 MB image of Swift runtime and Foundation,
# which takes about 1.5 ms off every start (a sweep starts dbtool once per
# result). Only with the runtime linked in: against the shared Swift libraries
# a fixed-address executable makes the loader warn about protected symbols.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-c release --static-swift-stdlib -Xswiftc -Xclang-linker -Xswiftc -no-pie)
# (Foundation's static archive makes the linker warn about mktemp: not our code.)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift build "${flags[@]}" >"$log" 2>&1 || status=$?
grep -E "error:|warning:" "$log" | grep -v "use of .mktemp\|swift-distributed-tracing" >&2 || true
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
