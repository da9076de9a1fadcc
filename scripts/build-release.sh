#!/usr/bin/env bash
# Builds farmrun and dbtool in release mode with the Swift runtime linked in
# statically (they start in half the time, and run on nodes without Swift),
# and prints the folder that holds them. Usage: bin=$(bash scripts/build-release.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
# (Foundation's static archive makes the linker warn about mktemp: not our code.)
swift build -c release --static-swift-stdlib 2>&1 | grep -E "error:|warning:" | grep -v "use of .mktemp" >&2 || true
swift build -c release --static-swift-stdlib --show-bin-path
