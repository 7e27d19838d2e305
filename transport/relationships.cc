#include "transport/relationships.h"

#include "app/audit.h"
#include "router/access/binding.h"

namespace signpost::transport {

namespace v1 = ::signpost::v1;

absl::Status Relationships::UnderBreakGlass(const router::Caller& who, const std::string& person_id,
                                            absl::Status denied) const {
  absl::StatusOr<std::optional<v1::BreakGlassGrant>> grant =
      break_glass_.Active(who.user_id, person_id);
  if (!grant.ok() || !grant->has_value()) return denied;
  if (app::AuditScope* scope = app::AuditScope::Current())
    scope->NoteBreakGlass((*grant)->reason());
  return absl::OkStatus();
}

absl::Status Relationships::ToReferralRecord(const router::Caller& who,
                                             const v1::Referral& referral) const {
  absl::Status related = router::CheckTeamRelationship(who, referral);
  if (related.ok()) return related;
  return UnderBreakGlass(who, referral.person_id(), std::move(related));
}

absl::Status Relationships::ToReferral(const router::Caller& who,
                                       const std::string& referral_id) const {
  if (!router::NeedsTeamRelationship(who)) return absl::OkStatus();
  v1::GetReferralRequest get;
  get.set_referral_id(referral_id);
  absl::StatusOr<v1::Referral> referral = referrals_.Get(get);
  if (!referral.ok()) return absl::OkStatus();
  return ToReferralRecord(who, *referral);
}

absl::Status Relationships::ToPerson(const router::Caller& who,
                                     const std::string& person_id) const {
  if (!router::NeedsTeamRelationship(who)) return absl::OkStatus();
  v1::GetPersonRequest get;
  get.set_person_id(person_id);
  absl::StatusOr<v1::GetPersonResponse> person = cases_.GetPerson(get);
  if (!person.ok()) return absl::OkStatus();
  for (const std::string& id : person->referral_ids()) {
    v1::GetReferralRequest one;
    one.set_referral_id(id);
    absl::StatusOr<v1::Referral> referral = referrals_.Get(one);
    if (referral.ok() && router::CheckTeamRelationship(who, *referral).ok()) {
      return absl::OkStatus();
    }
  }
  return UnderBreakGlass(
      who, person->person().person_id(),
      absl::PermissionDeniedError("no legitimate relationship: none of this person's referrals is "
                                  "with your team or caseload (a clinician may break glass, with "
                                  "a reason)"));
}

}  // namespace signpost::transport
