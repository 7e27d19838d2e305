#!/usr/bin/env bash
# Configures and builds Signpost into ./build (or $SIGNPOST_BUILD_DIR).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SIGNPOST_BUILD_DIR:-$root/build}"
jobs="${SIGNPOST_JOBS:-$(nproc)}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${SIGNPOST_BUILD_TYPE:-RelWithDebInfo}"
cmake --build "$build" -j "$jobs"
