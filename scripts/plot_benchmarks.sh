#!/usr/bin/env bash
# Draws the plots in docs/img/ from a scripts/bench.sh log, installing
# Debian's python3-matplotlib if it is missing (bench only; CI never needs it).
#   ./scripts/plot_benchmarks.sh BENCH_LOG [OUT_DIR=docs/img]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
log="${1:?usage: plot_benchmarks.sh BENCH_LOG [OUT_DIR]}"
out="${2:-$root/docs/img}"
if ! dpkg-query -W -f='${Status}' python3-matplotlib 2>/dev/null | grep -q "install ok installed"; then
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y --no-install-recommends python3-matplotlib
  else sudo apt-get install -y --no-install-recommends python3-matplotlib; fi
fi
mkdir -p "$out"
/usr/bin/python3 "$root/scripts/plot_benchmarks.py" "$log" "$out"
