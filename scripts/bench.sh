#!/usr/bin/env bash
# Reproduces the figures in docs/BENCHMARKS.md on this machine:
#   ./scripts/bench.sh            # full run (about 15 minutes on 2 cores)
#   ./scripts/bench.sh --smoke    # seconds: the harness works (ctest)
# Builds, then: triage and directory micro-benchmarks, durable-write
# ceilings, and a real server (embedded RocksDB in a temp dir, default rules,
# demo borough) under closed-loop load at 1, 4, 16 and 64 in flight and an
# open-loop load at half the measured maximum; the callback vs completion-
# queue comparison; and restart, memory and load with a million stored
# referrals (scripts/bench_restart.sh; BIG_COUNT=N to change the size).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SIGNPOST_BUILD_DIR:-$root/build}"
smoke=0
[[ "${1:-}" == "--smoke" ]] && smoke=1
if [[ $smoke -eq 0 ]]; then
  "$root/scripts/install_deps.sh"
  "$root/scripts/build.sh"
fi
seconds=5; micro=0.3
[[ $smoke -eq 1 ]] && seconds=0.3 && micro=0.01
work="$(mktemp -d "${TMPDIR:-/tmp}/signpost-bench-XXXXXX")"
server_pid=""
# Waits only for the server: a bare `wait` would also wait for the tee
# below, which only ends when this script's output closes (a hang).
cleanup() {
  [[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
  return 0
}
trap cleanup EXIT

log="$work/bench.log"
[[ $smoke -eq 0 ]] && exec > >(tee "$log") 2>&1
echo "== machine: $(nproc) cores, $(uname -r), $(date -u +%FT%TZ)"
if [[ $smoke -eq 0 ]]; then
  echo "== triage";    "$build/bench/triage_bench" --benchmark_min_time=$micro 2>/dev/null | grep BM_
  echo "== directory"; "$build/bench/directory_bench" --benchmark_min_time=$micro 2>/dev/null | grep BM_
  echo "== triage + routing per call"; "$build/bench/triage_route_bench" --calls=20000
  echo "== durable-write ceilings"; "$build/bench/durability_bench" --dir="$work" --seconds=2
else
  "$build/bench/durability_bench" --dir="$work" --smoke
  "$build/bench/triage_route_bench" --calls=50
fi

# The server authenticates every call: run it with the development issuer
# and load it as call-hub staff (docs/ACCESS.md).
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/dev-issuer.pem" 2>/dev/null
token=$("$build/tools/signpost" token mint --key="$work/dev-issuer.pem" --sub=bench --org=SPA01 \
  --roles=call_hub)
"$build/transport/signpost_server" --data_dir="$work/data" --listen=127.0.0.1:0 \
  --port_file="$work/port" --rules="$root/deploy/rules/triage.textproto" \
  --seed_services="$root/deploy/directory/demo_services.json" \
  --seed_roster="$root/deploy/directory/demo_roster.json" --log_level=warn \
  --environment=development --dev_issuer_key="$work/dev-issuer.pem" &
server_pid=$!
for _ in $(seq 1 400); do [[ -s "$work/port" ]] && break; sleep 0.05; done
[[ -s "$work/port" ]] || { echo "bench: the server did not start" >&2; exit 1; }
server="127.0.0.1:$(cat "$work/port")"
load() {
  local line
  line=$("$build/bench/load_gen" --server="$server" --token="$token" "$@")
  echo "$line"
  # A run where nothing succeeded measured nothing: fail loudly.
  [[ "$line" =~ ok=([0-9]+) ]] && (( BASH_REMATCH[1] > 0 )) || { echo "bench: no call succeeded" >&2; exit 1; }
}
echo "== server under load ($server)"
best=0
levels=(1 4 16 64); [[ $smoke -eq 1 ]] && levels=(1 4)
for n in "${levels[@]}"; do
  line=$(load --mode=closed --concurrency="$n" --seconds="$seconds" --seed="$n")
  echo "$line"
  rate=$(sed -E 's/.* rate=([0-9]+).*/\1/' <<<"$line")
  (( rate > best )) && best=$rate
done
for rpc in noop get list; do
  load --mode=closed --rpc=$rpc --concurrency=16 --seconds="$seconds"
done
half=$(( best / 2 )); (( half < 1 )) && half=1
load --mode=open --rate="$half" --seconds="$seconds" --seed=99
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""

echo "== API style: the same no-op RPC, callback vs completion queue (ADR 0004)"
levels=(1 16 64); [[ $smoke -eq 1 ]] && levels=(4)
for n in "${levels[@]}"; do
  for style in callback cq; do
    rm -f "$work/style_port"
    "$build/bench/api_style_server" --style=$style --cq_threads=2 --port_file="$work/style_port" &
    server_pid=$!
    for _ in $(seq 1 400); do [[ -s "$work/style_port" ]] && break; sleep 0.05; done
    echo "style=$style $("$build/bench/load_gen" --server="127.0.0.1:$(cat "$work/style_port")" \
      --mode=closed --rpc=noop --concurrency="$n" --seconds="$seconds")"
    kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
  done
done

echo "== restart, memory and load with a large store"
count=1000000; [[ $smoke -eq 1 ]] && count=2000
COUNT="${BIG_COUNT:-$count}" SECONDS_PER_LOAD="$seconds" SIGNPOST_BUILD_DIR="$build" \
  "$root/scripts/bench_restart.sh"
if [[ $smoke -eq 0 ]]; then
  cp "$log" "${BENCH_LOG:-$root/bench-latest.log}"
  "$root/scripts/plot_benchmarks.sh" "$log" "$root/docs/img"
fi
echo "bench.sh: finished"
