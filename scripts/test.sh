#!/usr/bin/env bash
# Quick start command 2: install what is missing, build, run every test.
# Exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install_deps.sh"
"$root/scripts/build.sh"
build="${SIGNPOST_BUILD_DIR:-$root/build}"
cd "$build"
ctest --output-on-failure -j "${SIGNPOST_JOBS:-$(nproc)}" --timeout 600
