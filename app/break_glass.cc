#include "app/break_glass.h"

#include <string>

#include "app/audit.h"
#include "app/people.h"
#include "app/referral_writer.h"
#include "common/status_macros.h"
#include "proto/signpost/proto_time.h"
#include "router/request_checks.h"

namespace signpost::app {
namespace {

namespace v1 = ::signpost::v1;

constexpr size_t kMinReasonChars = 10;
constexpr size_t kMaxReasonChars = 500;

absl::Status Validate(const v1::BreakGlassRequest& r) {
  router::Violations v;
  if (r.person_id().empty() == r.referral_id().empty()) {
    v.Add("person_id", "give exactly one of person_id and referral_id");
  }
  v.Text("reason", r.reason(), {.max_chars = kMaxReasonChars, .required = true});
  if (!r.reason().empty() && router::CodePoints(r.reason()) < kMinReasonChars) {
    v.Add("reason", "say why you need this record now (at least 10 characters)");
  }
  v.Staff("by", r.by());
  return v.empty() ? absl::OkStatus() : v.ToStatus("break-glass request");
}

// The person the request names, following merges.
absl::StatusOr<v1::PersonRecord> PersonOf(const storage::Store& store,
                                          const v1::BreakGlassRequest& r) {
  if (!r.person_id().empty()) return ResolvePerson(store, r.person_id());
  SP_ASSIGN_OR_RETURN(std::string id, ResolveReferralId(store, r.referral_id(), "referral_id"));
  SP_ASSIGN_OR_RETURN(v1::Referral referral, store.GetReferral(id));
  if (referral.person_id().empty()) {
    return absl::FailedPreconditionError("the referral is not linked to a person record yet");
  }
  return ResolvePerson(store, referral.person_id());
}

v1::ReferralEvent Alert(const v1::Referral& r, absl::Time now) {
  v1::ReferralEvent e;
  e.set_type(v1::ReferralEvent::TYPE_ALERT);
  e.set_previous_status(r.status());
  e.set_status(r.status());
  *e.mutable_occurred_at() = ToProtoTime(now);
  e.set_reason("break-glass-access");
  return e;
}

}  // namespace

absl::StatusOr<v1::BreakGlassGrant> BreakGlassHandler::Grant(const v1::BreakGlassRequest& request,
                                                             std::string_view organisation) {
  SP_RETURN_IF_ERROR(Validate(request));
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, PersonOf(deps_.store, request));
  if (AuditScope* scope = AuditScope::Current()) scope->NoteBreakGlass(request.reason());
  for (int attempt = 1;; ++attempt) {
    const absl::Time now = deps_.clock.Now();
    v1::BreakGlassGrant grant;
    grant.set_user_id(request.by().id());
    grant.set_organisation(std::string(organisation));
    grant.set_person_id(person.person_id());
    grant.set_reason(request.reason());
    *grant.mutable_granted_at() = ToProtoTime(now);
    *grant.mutable_expires_at() = ToProtoTime(now + kBreakGlassWindow);
    storage::Change change;
    SP_ASSIGN_OR_RETURN(std::vector<std::string> referrals,
                        deps_.store.ReferralIds(person.person_id()));
    if (!referrals.empty()) {
      SP_ASSIGN_OR_RETURN(v1::Referral latest, deps_.store.GetReferral(referrals.back()));
      grant.set_alert_referral_id(latest.referral_id());
      change.referral =
          storage::ReferralPut{.record = latest, .before = latest, .events = {Alert(latest, now)}};
    }
    change.grants.push_back(grant);
    absl::StatusOr<storage::Applied> applied =
        ApplyAudited(deps_.store, std::move(change), deps_.clock);
    if (applied.ok()) return grant;
    if (!storage::IsConflict(applied.status()) || attempt == kMaxWriteAttempts) {
      return applied.status();
    }
  }
}

absl::StatusOr<std::optional<v1::BreakGlassGrant>> BreakGlassHandler::Active(
    std::string_view user_id, std::string_view person_id) const {
  if (user_id.empty() || person_id.empty()) return std::optional<v1::BreakGlassGrant>();
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, deps_.store.FindSurvivor(person_id));
  SP_ASSIGN_OR_RETURN(std::optional<v1::BreakGlassGrant> grant,
                      deps_.store.GetBreakGlass(user_id, person.person_id()));
  if (!grant || FromProtoTime(grant->expires_at()) <= deps_.clock.Now()) {
    return std::optional<v1::BreakGlassGrant>();
  }
  return grant;
}

}  // namespace signpost::app
