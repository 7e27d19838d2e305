#!/usr/bin/env bash
# Quick start command 1: install what is missing, build, start the service
# on its embedded default (RocksDB in ./data, listening on 127.0.0.1:50051,
# the bundled demo directory loaded into an empty data directory) and walk
# a demo referral through it with the `signpost` CLI. The server keeps
# running in the foreground afterwards; Ctrl-C stops it gracefully.
#
#   SIGNPOST_LISTEN=127.0.0.1:6000 SIGNPOST_DATA=/tmp/sp ./scripts/run.sh
#   SIGNPOST_DEMO=0 ./scripts/run.sh     # start without the demo
#
# The server's JSON log goes to $data/server.log, so the demo's narrative
# reads cleanly; the demo can be run again (its request ids are fixed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install_deps.sh"
"$root/scripts/build.sh"
build="${SIGNPOST_BUILD_DIR:-$root/build}"
listen="${SIGNPOST_LISTEN:-127.0.0.1:50051}"
data="${SIGNPOST_DATA:-$root/data}"
mkdir -p "$data"
chmod 700 "$data"
rm -f "$data/port"

"$build/transport/signpost_server" --config="$root/deploy/signpost.textproto" \
  --rules="$root/deploy/rules/triage.textproto" \
  --seed_services="$root/deploy/directory/demo_services.json" \
  --seed_roster="$root/deploy/directory/demo_roster.json" \
  --listen="$listen" --data_dir="$data/db" --port_file="$data/port" 2>>"$data/server.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server' INT TERM
for _ in $(seq 1 200); do
  [[ -s "$data/port" ]] && break
  kill -0 $server 2>/dev/null || { echo "server failed to start; see $data/server.log" >&2; exit 1; }
  sleep 0.05
done
port="$(cat "$data/port")"
cli=("$build/tools/signpost" "--server=127.0.0.1:$port")

# For the README's examples: `. data/demo.env` then `signpost get "$GP_REF"`.
cat > "$data/demo.env" <<ENV
signpost() { "$build/tools/signpost" --server=127.0.0.1:$port "\$@"; }
ENV
if [[ "${SIGNPOST_DEMO:-1}" != 0 ]]; then
  "$root/scripts/demo.sh" "$data/demo.env" "${cli[@]}"
fi
echo
echo "Signpost is serving on 127.0.0.1:$port with data in $data (log: $data/server.log)."
echo "In another terminal:  . $data/demo.env && signpost --help     (Ctrl-C here stops it)"
wait $server
