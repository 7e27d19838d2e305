#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into ./build-fuzz and
# runs each one for a bounded number of runs on its seed corpus.
#   scripts/fuzz.sh                # 20000 runs each (the ctest smoke run)
#   FUZZ_SECONDS=300 scripts/fuzz.sh   # a longer session: 5 minutes each
# Exits non-zero if a fuzzer finds a crash, leak or sanitizer error.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SIGNPOST_FUZZ_BUILD_DIR:-$root/build-fuzz}"
CXX=clang++ CC=clang cmake -S "$root" -B "$build" -G Ninja -DSIGNPOST_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIGNPOST_WERROR=OFF >/dev/null
cmake --build "$build" -j "${SIGNPOST_JOBS:-$(nproc)}" \
  --target rule_set_fuzzer triage_text_fuzzer intake_fuzzer codec_fuzzer directory_import_fuzzer
limit=(-runs="${FUZZ_RUNS:-20000}")
[[ -n "${FUZZ_SECONDS:-}" ]] && limit=(-max_total_time="$FUZZ_SECONDS")
for target in rule_set triage_text intake codec directory_import; do
  work="$(mktemp -d)"
  mkdir "$work/corpus"
  cp -r "$root/tests/fuzz/corpus/$target/." "$work/corpus/"
  echo "fuzz: $target"
  status=0
  (cd "$work" && "$build/tests/fuzz/${target}_fuzzer" "${limit[@]}" -max_len=65536 \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 corpus >"$work/log" 2>&1) || status=$?
  if [[ $status -ne 0 ]]; then
    tail -60 "$work/log"
    echo "fuzz: $target FAILED (artifacts kept in $work)"
    exit 1
  fi
  grep -E "^stat::(number_of_executed_units|new_units_added|peak_rss_mb)" "$work/log" || true
  rm -rf "$work"
done
echo "fuzz: all targets clean"
