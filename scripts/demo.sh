#!/usr/bin/env bash
# Walks demo referrals through a running server, each step as the user who
# would do it (a GP system over mutual TLS, call-hub staff, a case manager,
# with development tokens; docs/ACCESS.md).
# Usage: demo.sh ENV_FILE (written by scripts/run.sh: it defines
# `signpost_as WHO ...`). The references it creates are appended to
# ENV_FILE (GP_REF, SELF_REF) for the README's examples. Safe to run
# repeatedly: request ids are fixed, so a second run shows idempotent
# replays and refused repeats.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
env_file="$1"
# shellcheck source=/dev/null
. "$env_file"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
field() { grep -m1 "\"$1\"" | sed -E 's/.*: "?([^",]*)"?,?/\1/'; }

step "Health"
signpost_as nobody health

step "A GP practice submits a referral (deploy/demo/referral-gp.json)"
out=$(signpost_as gp submit "$root/deploy/demo/referral-gp.json")
echo "$out" | grep -E '"(referral_id|reference|status|received_at|band|respond_by|rule_set_version|outcome|service_name|case_manager_id|case_manager_reason|owner|idempotent_replay)"' | head -16
ref=$(echo "$out" | field reference)
id=$(echo "$out" | field referral_id)
echo "GP_REF=$ref" >> "$env_file"

step "The GP retries the same request (network blip): no duplicate"
signpost_as gp submit "$root/deploy/demo/referral-gp.json" | grep -E '"(referral_id|idempotent_replay)"'

step "Call-hub staff look it up by the phone reference $ref"
signpost_as hub get "$ref" | grep -E '"(referral_id|status|channel|ods_code)"' | head -4

step "The person now has one record, found by NHS number"
signpost_as hub case person "999 000 0018" | grep -E '"(person_id|state|assessment_version)"' | head -3

step "Social care refers the same person: the earlier assessment is shown and added to, not restarted"
signpost_as hub submit "$root/deploy/demo/referral-social-care.json" | python3 -c '
import json, sys
r = json.load(sys.stdin)
if r.get("idempotent_replay"):
    print("(replayed: this referral was added on an earlier run)")
for key in ("earlier_assessment", "assessment"):
    v = r.get(key)
    if v:
        a = v.get("assessment", {})
        needs = [n.replace("PRESENTING_NEED_", "") for n in a.get("presenting_needs", {}).get("needs", [])]
        told = len(a.get("presenting_needs", {}).get("history", []))
        lang = a.get("communication", {}).get("interpreter_language", "-")
        print(key, "version", v["version"], "needs", needs, told, "referral(s) in history, interpreter", lang)
' 

step "The call hub keys in a caller with no NHS number: a possible duplicate is listed for a person to confirm, never merged automatically"
signpost_as hub submit "$root/deploy/demo/referral-hub-no-nhs.json" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("new person", r["referral"]["person_id"], "(replay)" if r.get("idempotent_replay") else "")
for c in r.get("possible_duplicates", []):
    print("  possible duplicate of", c["matched_person_id"], "score", c["score"], "on", ", ".join(c["reasons"]))
'
echo "Pending for a call-hub user to confirm or reject:"
signpost_as hub case duplicates | python3 -c '
import json, sys
for c in json.load(sys.stdin).get("candidates", []):
    print("  ", c["candidate_id"], c["person_id"], "~", c["matched_person_id"], "score", c["score"], c["state"])
' 

step "The team accepts the GP referral and the case manager makes first contact (the clock stops)"
signpost_as cm case accept "$ref" | grep -E '"status"' | head -1 \
  || echo "(already accepted on an earlier run: FAILED_PRECONDITION, as it should be)"
signpost_as cm case start "$ref" | grep -E '"(status|first_contact_at)"' | head -2 \
  || echo "(already started on an earlier run)"

step "Sam's timeline: every referral, decision, assessment version and transition, in order"
signpost_as cm case timeline "999 000 0018" | python3 -c '
import json, sys
for e in json.load(sys.stdin).get("entries", []):
    if "referral_event" in e:
        ev = e["referral_event"]
        what = ev["reference"] + " " + ev.get("status", "").replace("REFERRAL_STATUS_", "") + " (" + ev.get("reason", "received") + ")"
    elif "assessment_change" in e:
        a = e["assessment_change"]
        what = "holistic assessment version " + a["version"] + " (" + a["reason"] + ")"
    else:
        what = ", ".join(k for k in e if k not in ("sequence", "occurred_at", "person_id"))
    print("  %4s  %s  %s" % (e["sequence"], e["occurred_at"][:19], what))
' 

step "Nothing is overdue yet (response-by clocks, due within 24 hours)"
signpost_as hub case overdue --within_hours=24

step "Call-hub staff search the directory: anxiety, postcode SE6 4RU, with exclusions"
signpost_as hub directory search --postcode="SE6 4RU" --need=ANXIETY --age=34 --explain | head -12

step "Call-hub staff dry-run triage for a crisis call (nothing stored): band, clock and why"
signpost_as hub triage "$root/deploy/demo/referral-crisis.json" \
  | grep -E '"(band|respond_by|fhir_priority|mhsds_priority|rule_id|value|rule_set_version)"'

step "An invalid self-referral is refused, with every bad field named"
signpost_as hub submit "$root/deploy/demo/referral-invalid.json" || true

step "Referrals from practice G85001"
signpost_as gp list --referrer=G85001 | grep -E '"(referral_id|status)"'

step "A self-referral (no NHS number known, BSL user) is keyed in, then withdrawn"
self=$(signpost_as hub submit "$root/deploy/demo/referral-self.json")
self_ref=$(echo "$self" | field reference)
echo "SELF_REF=$self_ref" >> "$env_file"
echo "$self" | grep -E '"(referral_id|reference|status)"'
signpost_as hub withdraw "$self_ref" --reason="Person found support elsewhere" | grep -E '"(status|withdrawal_reason)"' \
  || echo "(already withdrawn on an earlier run: FAILED_PRECONDITION, as it should be)"

step "Anyone following the event log sees every change in order (closed loop)"
signpost_as hub watch --after=0 --idle_exit_ms=500 | grep -E '"(sequence|type|reference|previous_status|status|band)"'

step "Who may do what: credentials come from TLS and tokens, never from the request"
echo "A caller with no credentials:"
signpost_as nobody list --referrer=G85001 2>&1 | head -1 || true
echo "The GP system reading the person's holistic record (only SPA and team staff may):"
signpost_as gp case person "999 000 0018" 2>&1 | head -1 || true
echo "Call-hub staff activating a rule set (only the clinical safety officer may):"
signpost_as hub rules activate "$root/deploy/rules/triage.textproto" 2>&1 | head -1 || true

step "A case manager from another team is refused Sam's record; in an emergency they break glass"
signpost_as outsider case person "999 000 0018" 2>&1 | head -1 || true
signpost_as outsider case break-glass "999 000 0018" \
  --reason="Seen in A&E tonight after an overdose; need the risk history" \
  | grep -E '"(user_id|reason|expires_at|alert_referral_id)"'
signpost_as outsider case person "999 000 0018" | grep -E '"(person_id|assessment_version)"' | head -2

step "The auditor: who has accessed Sam's record (a subject access report), and the chain verifies"
signpost_as auditor audit person "999 000 0018" --page_size=500 | python3 -c '
import json, sys
for e in json.load(sys.stdin).get("entries", []):
    a = e.get("actor", {})
    who = "signpost" if a.get("internal") else (a.get("user_id") or a.get("certificate_subject") or "?") + "@" + a.get("organisation", "")
    why = e.get("purpose", "").replace("AUDIT_PURPOSE_", "").lower()
    glass = " (break-glass: " + e["break_glass_reason"] + ")" if e.get("break_glass_reason") else ""
    outcome = e.get("outcome", "").replace("AUDIT_OUTCOME_", "").lower()
    print("  %6s  %s  %-22s %-8s %-28s %s%s" % (e["sequence"], e["recorded_at"][:19], e["rpc"], outcome, who, why, glass))
' | tail -12
signpost_as auditor audit verify | grep -E '"(intact|sealed_through)"'
