#include "router/access/binding.h"

#include "absl/strings/str_cat.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

absl::Status NotYours(const char* field) {
  return absl::PermissionDeniedError(
      absl::StrCat(field, " must be your own: you act only for yourself and your organisation"));
}

// Fills `field` with `mine` when empty; refuses another value.
absl::Status Bind(std::string& field, const std::string& mine, const char* name) {
  if (field.empty()) {
    field = mine;
    return absl::OkStatus();
  }
  return field == mine ? absl::OkStatus() : NotYours(name);
}

}  // namespace

bool ActsOnlyForOwnOrganisation(const Caller& caller) {
  return caller.Has(v1::ROLE_REFERRER_SYSTEM) &&
         !caller.roles.Intersects({v1::ROLE_CALL_HUB, v1::ROLE_DUTY_CLINICIAN,
                                   v1::ROLE_CASE_MANAGER, v1::ROLE_TEAM_LEAD});
}

void LimitSubmitResponse(const Caller& caller, v1::SubmitReferralResponse& response) {
  if (!ActsOnlyForOwnOrganisation(caller)) return;
  response.clear_earlier_assessment();
  response.clear_assessment();
  response.clear_possible_duplicates();
}

absl::Status BindReferrer(const Caller& caller, v1::ReferralSubmission& submission) {
  if (!ActsOnlyForOwnOrganisation(caller)) return absl::OkStatus();
  return Bind(*submission.mutable_referrer()->mutable_ods_code(), caller.organisation,
              "submission.referrer.ods_code");
}

absl::Status BindReferrerFilter(const Caller& caller, std::string& referrer_ods_code) {
  if (!ActsOnlyForOwnOrganisation(caller)) return absl::OkStatus();
  return Bind(referrer_ods_code, caller.organisation, "referrer_ods_code");
}

absl::Status CheckReferralVisible(const Caller& caller, const v1::Referral& referral) {
  if (!ActsOnlyForOwnOrganisation(caller)) return absl::OkStatus();
  if (referral.submission().referrer().ods_code() == caller.organisation) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError("that referral is not one your organisation made");
}

absl::Status BindPartner(const Caller& caller, std::string& organisation_id,
                         std::string* recorded_by) {
  if (absl::Status s = Bind(organisation_id, caller.organisation, "organization_id"); !s.ok()) {
    return s;
  }
  if (recorded_by == nullptr || caller.user_id.empty()) return absl::OkStatus();
  return Bind(*recorded_by, caller.user_id, "recorded_by");
}

absl::Status BindStaff(const Caller& caller, v1::StaffRef& staff) {
  if (caller.user_id.empty()) return absl::OkStatus();  // a system: no person to bind
  return Bind(*staff.mutable_id(), caller.user_id, "by.id");
}

absl::Status BindCaseload(const Caller& caller, std::string& case_manager_id) {
  const bool oversees =
      caller.roles.Intersects({v1::ROLE_TEAM_LEAD, v1::ROLE_DUTY_CLINICIAN, v1::ROLE_CALL_HUB});
  if (oversees || caller.user_id.empty()) return absl::OkStatus();
  return Bind(case_manager_id, caller.user_id, "case_manager_id");
}

bool NeedsTeamRelationship(const Caller& caller) {
  return caller.roles.Intersects({v1::ROLE_CASE_MANAGER, v1::ROLE_TEAM_LEAD}) &&
         !caller.roles.Intersects({v1::ROLE_CALL_HUB, v1::ROLE_DUTY_CLINICIAN});
}

absl::Status CheckTeamRelationship(const Caller& caller, const v1::Referral& referral) {
  if (!NeedsTeamRelationship(caller)) return absl::OkStatus();
  const auto& routing = referral.routing();
  const bool team = !routing.team_id().empty() && routing.team_id() == caller.organisation;
  const bool mine = !caller.user_id.empty() && routing.case_manager_id() == caller.user_id;
  if (team || mine) return absl::OkStatus();
  return absl::PermissionDeniedError(
      "no legitimate relationship: the referral is not with your team or caseload");
}

absl::Status BindTeamQueue(const Caller& caller, std::string& team_id) {
  if (!NeedsTeamRelationship(caller)) return absl::OkStatus();
  return Bind(team_id, caller.organisation, "team_id");
}

}  // namespace signpost::router
