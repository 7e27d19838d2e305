// Binding requests to the caller: the fields that say who is acting come
// from the authenticated Caller, never from what the request claims
// (docs/ACCESS.md). Each function fills the field when it is empty and
// refuses (PERMISSION_DENIED) a request that names someone else.
//
//   SP_RETURN_IF_ERROR(BindReferrer(caller, *request.mutable_submission()));
//   SP_RETURN_IF_ERROR(CheckReferralVisible(caller, referral));
//
// Referrer systems act only for their own organisation: they submit as it,
// and list, watch, read and withdraw only its referrals. Partner staff act
// only for their own organisation. People act as themselves: a `by` or
// `author` naming another staff id is refused. SPA and team staff are not
// limited to one referrer. Refusals name the field, never the record.
//
// Pure; thread-safe.
#ifndef SIGNPOST_ROUTER_ACCESS_BINDING_H_
#define SIGNPOST_ROUTER_ACCESS_BINDING_H_

#include <string>

#include "absl/status/status.h"
#include "router/access/caller.h"
#include "signpost/v1/person.pb.h"
#include "signpost/v1/referral.pb.h"
#include "signpost/v1/referral_service.pb.h"

namespace signpost::router {

// True for a referrer system without any SPA or team role.
bool ActsOnlyForOwnOrganisation(const Caller& caller);

// The submission's referrer ODS code is the caller's organisation.
[[nodiscard]] absl::Status BindReferrer(const Caller& caller,
                                        signpost::v1::ReferralSubmission& submission);
// A listing or watch filter: referrer systems see their own referrals only.
[[nodiscard]] absl::Status BindReferrerFilter(const Caller& caller, std::string& referrer_ods_code);
// Whether the caller may see (read, withdraw) this stored referral.
[[nodiscard]] absl::Status CheckReferralVisible(const Caller& caller,
                                                const signpost::v1::Referral& referral);
// What a submitter may see of the answer (H-024): a referrer system gets
// the stored referral and the instruction, never the person's holistic
// assessment (earlier or merged) or the possible duplicates - another
// service's history is not the referrer's to read. SPA staff keep them.
void LimitSubmitResponse(const Caller& caller, signpost::v1::SubmitReferralResponse& response);

// A partner request's organisation and recorder are the caller's.
[[nodiscard]] absl::Status BindPartner(const Caller& caller, std::string& organisation_id,
                                       std::string* recorded_by);
// A person's `by` or `author`: the caller's own staff id.
[[nodiscard]] absl::Status BindStaff(const Caller& caller, signpost::v1::StaffRef& staff);
// A caseload listing: a case manager (without a team lead's or duty role)
// lists their own caseload only.
[[nodiscard]] absl::Status BindCaseload(const Caller& caller, std::string& case_manager_id);

// Team staff (case managers and team leads without an SPA role) work only
// referrals with a legitimate relationship: routed to their team (the
// organisation their token names) or allocated to them. SPA staff (call
// hub, duty clinicians) work the SPA's queues and are not limited here.
bool NeedsTeamRelationship(const Caller& caller);
[[nodiscard]] absl::Status CheckTeamRelationship(const Caller& caller,
                                                 const signpost::v1::Referral& referral);
// A team queue listing: team staff list their own team's queue only.
[[nodiscard]] absl::Status BindTeamQueue(const Caller& caller, std::string& team_id);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_ACCESS_BINDING_H_
