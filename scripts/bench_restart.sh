#!/usr/bin/env bash
# Restart and memory with a large store (issue 6): fills a data directory
# with COUNT referrals through the real intake path (bench/bulk_load, no
# fsync), then starts the server on it three times and reports the time
# from exec to SERVING and the resident memory, then drives it with
# load_gen and reports peak RSS and submit/get rates against the big store.
#   COUNT=1000000 ./scripts/bench_restart.sh     # about 5 GB, a few minutes
#   COUNT=2000 ./scripts/bench_restart.sh        # seconds (smoke)
# SIGNPOST_BIG_DATA=DIR keeps (and reuses) the filled directory;
# CACHE_SIZES_MB="64 256" are the RocksDB block caches the load runs with.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SIGNPOST_BUILD_DIR:-$root/build}"
count="${COUNT:-1000000}"
seconds="${SECONDS_PER_LOAD:-5}"
work="$(mktemp -d "${TMPDIR:-/tmp}/signpost-restart-XXXXXX")"
data="${SIGNPOST_BIG_DATA:-$work/data}"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ -z "${SIGNPOST_BIG_DATA:-}" ]] && rm -rf "$work"
  return 0
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(uname -r), $(date -u +%FT%TZ)"
if [[ ! -f "$data/.loaded-$count" ]]; then
  echo "== loading $count referrals into $data"
  "$build/bench/bulk_load" --data_dir="$data" --count="$count" --threads=2 \
    --rules="$root/deploy/rules/triage.textproto" --directory="$root/deploy/directory"
  touch "$data/.loaded-$count"
fi
echo "== data directory: $(du -sh "$data" | cut -f1)"

# The server authenticates every call: the development issuer, and a
# call-hub token for the load (docs/ACCESS.md).
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/dev-issuer.pem" 2>/dev/null
token=$("$build/tools/signpost" token mint --key="$work/dev-issuer.pem" --sub=bench --org=SPA01 \
  --roles=call_hub)

start_server() {  # [block cache MiB]
  rm -f "$work/port"
  printf 'rocksdb_block_cache_mb: %d\n' "${1:-64}" > "$work/config.textproto"
  local t0; t0=$(date +%s%N)
  "$build/transport/signpost_server" --config="$work/config.textproto" --data_dir="$data" \
    --listen=127.0.0.1:0 --port_file="$work/port" \
    --rules="$root/deploy/rules/triage.textproto" --log_level=warn \
    --environment=development --dev_issuer_key="$work/dev-issuer.pem" &
  server_pid=$!
  until [[ -s "$work/port" ]]; do
    kill -0 "$server_pid" 2>/dev/null || { echo "server died" >&2; exit 1; }
    sleep 0.01
  done
  local t1; t1=$(date +%s%N)
  "$build/tools/signpost" --server="127.0.0.1:$(cat "$work/port")" health | grep -q SERVING
  echo "start_to_serving_ms=$(( (t1 - t0) / 1000000 )) rss_at_serving_kb=$(awk '/VmRSS/{print $2}' /proc/$server_pid/status)"
}
stop_server() { kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""; }

echo "== restart to SERVING with $count referrals stored (3 runs)"
for run in 1 2 3; do start_server; stop_server; done

for cache in ${CACHE_SIZES_MB:-64 256}; do
  echo "== load against the big store, block cache ${cache} MiB"
  start_server "$cache"
  server="127.0.0.1:$(cat "$work/port")"
  for args in "--seed=7$cache" "--rpc=get"; do
    line=$("$build/bench/load_gen" --server="$server" --token="$token" --mode=closed \
      --concurrency=16 --seconds="$seconds" "$args")
    echo "$line"
    [[ "$line" =~ ok=([0-9]+) ]] && (( BASH_REMATCH[1] > 0 )) || { echo "bench_restart: no call succeeded" >&2; exit 1; }
  done
  echo "peak_rss_kb=$(awk '/VmHWM/{print $2}' /proc/$server_pid/status) rss_kb=$(awk '/VmRSS/{print $2}' /proc/$server_pid/status)"
  stop_server
done
echo "bench_restart: done"
