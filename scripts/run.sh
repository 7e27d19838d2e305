#!/usr/bin/env bash
# Quick start command 1: install what is missing, build, start the service
# on its embedded default (RocksDB in ./data, listening on 127.0.0.1:50051)
# and walk a demo referral through it with the `signpost` CLI. The server
# keeps running in the foreground afterwards; Ctrl-C stops it gracefully.
#
#   SIGNPOST_LISTEN=127.0.0.1:6000 SIGNPOST_DATA=/tmp/sp ./scripts/run.sh
#   SIGNPOST_DEMO=0 ./scripts/run.sh     # start without the demo
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install_deps.sh"
"$root/scripts/build.sh"
build="${SIGNPOST_BUILD_DIR:-$root/build}"
listen="${SIGNPOST_LISTEN:-127.0.0.1:50051}"
data="${SIGNPOST_DATA:-$root/data}"
mkdir -p "$data"

"$build/transport/signpost_server" --config="$root/deploy/signpost.textproto" \
  --rules="$root/deploy/rules/triage.textproto" \
  --seed_services="$root/deploy/directory/demo_services.json" \
  --seed_roster="$root/deploy/directory/demo_roster.json" \
  --listen="$listen" --data_dir="$data" --port_file="$data/port" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server' INT TERM
for _ in $(seq 1 200); do
  [[ -s "$data/port" ]] && break
  kill -0 $server 2>/dev/null || { echo "server failed to start" >&2; exit 1; }
  sleep 0.05
done
cli=("$build/tools/signpost" "--server=127.0.0.1:$(cat "$data/port")")

if [[ "${SIGNPOST_DEMO:-1}" != 0 ]]; then
  "$root/scripts/demo.sh" "${cli[@]}"
fi
echo
echo "Signpost is serving on 127.0.0.1:$(cat "$data/port") with data in $data."
echo "Try: ${cli[*]} list     (Ctrl-C to stop)"
wait $server
