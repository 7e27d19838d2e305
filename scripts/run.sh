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
#
# Identity is the development kind (scripts/dev_pki.sh, docs/ACCESS.md):
# TLS with a local CA, a GP system's client certificate, and the
# development issuer minting tokens for each demo role. Never production.
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

pki="$data/dev-pki"
"$root/scripts/dev_pki.sh" "$pki"
cat "$root/deploy/signpost.textproto" "$pki/auth.textproto" > "$data/signpost.textproto"

"$build/transport/signpost_server" --config="$data/signpost.textproto" \
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
cli="$build/tools/signpost"
# One development token per demo role (an hour each; run.sh mints afresh).
mint() {
  "$cli" token mint --key="$pki/dev-issuer.pem" --sub="$1" --org="$2" --roles="$3" --ttl_minutes=480 \
    > "$pki/token-$4"
}
mint hub-demo SPA01 call_hub hub
mint cm-pcn-mh-practitioners-1 team-pcn-mh-practitioners case_manager cm
mint duty-demo SPA01 duty_clinician duty
mint cso-demo SPA01 clinical_safety_officer cso
mint lead-demo team-pcn-mh-practitioners team_lead lead
mint cm-crisis-demo team-elsewhere case_manager outsider
mint auditor-demo SPA01 auditor auditor

# For the README's examples: `. data/demo.env` then `signpost get "$GP_REF"`
# (as call-hub staff), or `signpost_as cm case caseload cm-demo`.
cat > "$data/demo.env" <<ENV
SIGNPOST_CONNECT=(--server=localhost:$port --tls_ca=$pki/ca.pem)
signpost_as() {
  local who="\$1"; shift
  if [[ "\$who" == gp ]]; then
    "$cli" "\${SIGNPOST_CONNECT[@]}" --tls_cert=$pki/gp-g85001.pem --tls_key=$pki/gp-g85001.key "\$@"
  elif [[ "\$who" == nobody ]]; then
    "$cli" "\${SIGNPOST_CONNECT[@]}" "\$@"
  else
    "$cli" "\${SIGNPOST_CONNECT[@]}" --token_file=$pki/token-\$who "\$@"
  fi
}
signpost() { signpost_as hub "\$@"; }
ENV
if [[ "${SIGNPOST_DEMO:-1}" != 0 ]]; then
  "$root/scripts/demo.sh" "$data/demo.env"
fi
echo
echo "Signpost is serving on localhost:$port (TLS, development identity) with data in $data"
echo "(log: $data/server.log). In another terminal:"
echo "  . $data/demo.env && signpost --help        # as call-hub staff; signpost_as gp|hub|cm|lead|duty|cso|outsider|auditor|nobody ..."
echo "Ctrl-C here stops it."
wait $server
