#!/usr/bin/env bash
# The lint gates CI runs (.ci/run) after the tests. Exits non-zero on the
# first gate that fails:
#   1. clang-format: every C++ file is formatted (.clang-format);
#   2. a clang build of every library and binary with -Wthread-safety
#      (and -Werror), so ABSL_GUARDED_BY and friends are checked;
#   3. clang-tidy (.clang-tidy) on every source file, warnings as errors,
#      including function size (60 lines) and cognitive complexity (25);
#      the few exceptions are NOLINT comments listed in docs/LINT.md;
#   4. the dependency direction (scripts/check_deps.sh).
# Usage: scripts/lint.sh [--fix] (--fix reformats instead of checking).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build="${SIGNPOST_LINT_BUILD_DIR:-$root/build-lint}"
jobs="${SIGNPOST_JOBS:-$(nproc)}"
sources=$(git ls-files '*.cc' '*.h' | grep -v '^tests/data/')

echo "lint: clang-format"
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i $sources
else
  clang-format --dry-run --Werror $sources
fi

echo "lint: clang build with -Wthread-safety"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DSIGNPOST_BUILD_TESTS=OFF -DSIGNPOST_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target signpost_server signpost signpost_storage_testing signpost_identity

echo "lint: clang-tidy"
if ! git ls-files 'common/*.cc' 'proto/*.cc' 'router/*.cc' 'storage/*.cc' 'app/*.cc' 'identity/*.cc' \
    'transport/*.cc' 'tools/*.cc' |
    xargs -P "$jobs" -n 4 clang-tidy -p "$build" --quiet >"$build/clang-tidy.log" 2>&1; then
  grep -E '(warning|error):' "$build/clang-tidy.log" || tail -20 "$build/clang-tidy.log"
  echo "lint: clang-tidy found problems (full output in $build/clang-tidy.log)" >&2
  exit 1
fi

echo "lint: dependency direction"
"$root/scripts/check_deps.sh" "$root"
echo "lint: all gates passed"
