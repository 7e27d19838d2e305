#!/usr/bin/env bash
# Walks demo referrals through a running server. Usage: demo.sh CLI [ARGS...]
# (the CLI command with its --server flag). Safe to run repeatedly: request
# ids are fixed, so a second run shows idempotent replay.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cli=("$@")
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
field() { grep -m1 "\"$1\"" | sed -E 's/.*: "?([^",]*)"?,?/\1/'; }

step "Health"
"${cli[@]}" health

step "A GP practice submits a referral (deploy/demo/referral-gp.json)"
out=$("${cli[@]}" submit "$root/deploy/demo/referral-gp.json")
echo "$out" | grep -E '"(referral_id|reference|status|received_at|band|respond_by|rule_set_version|outcome|service_name|case_manager_id|case_manager_reason|owner|idempotent_replay)"' | head -16
ref=$(echo "$out" | field reference)
id=$(echo "$out" | field referral_id)

step "The GP retries the same request (network blip): no duplicate"
"${cli[@]}" submit "$root/deploy/demo/referral-gp.json" | grep -E '"(referral_id|idempotent_replay)"'

step "Call-hub staff look it up by the phone reference $ref"
"${cli[@]}" get "$ref" | grep -E '"(referral_id|status|channel|ods_code)"' | head -4

step "Call-hub staff search the directory: anxiety, postcode SE6 4RU, with exclusions"
"${cli[@]}" directory search --postcode="SE6 4RU" --need=ANXIETY --age=34 --explain | head -12

step "Call-hub staff dry-run triage for a crisis call (nothing stored): band, clock and why"
"${cli[@]}" triage "$root/deploy/demo/referral-crisis.json" \
  | grep -E '"(band|respond_by|fhir_priority|mhsds_priority|rule_id|value|rule_set_version)"'

step "An invalid self-referral is refused, with every bad field named"
"${cli[@]}" submit "$root/deploy/demo/referral-invalid.json" || true

step "Referrals from practice G85001"
"${cli[@]}" list --referrer=G85001 | grep -E '"(referral_id|status)"'

step "A self-referral (no NHS number known, BSL user) is keyed in, then withdrawn"
self=$("${cli[@]}" submit "$root/deploy/demo/referral-self.json")
self_ref=$(echo "$self" | field reference)
echo "$self" | grep -E '"(referral_id|reference|status)"'
"${cli[@]}" withdraw "$self_ref" --reason="Person found support elsewhere" | grep -E '"(status|withdrawal_reason)"' \
  || echo "(already withdrawn on an earlier run: FAILED_PRECONDITION, as it should be)"

step "Anyone following the event log sees every change in order (closed loop)"
"${cli[@]}" watch --after=0 --idle_exit_ms=500 | grep -E '"(sequence|type|reference|previous_status|status|band)"'
