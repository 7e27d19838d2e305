// LifecycleHandler: the referral lifecycle after intake (../shared/DOMAIN.md
// section 7), the urgency clocks, and voluntary-sector partners' answers.
// Transport-free; the gRPC adapter is case_service.h.
//
//   LifecycleHandler lifecycle(deps);
//   absl::StatusOr<Referral> r = lifecycle.Accept(request);
//   int fired = *lifecycle.FireDueBreaches();   // from a timer, and at start
//
// Every command is one ReferralStore::UpdateReferral: the new state, its
// index moves, its events and the person's timeline land in one synced
// write, or nothing does. Illegal transitions are FAILED_PRECONDITION
// (router/lifecycle.h holds the table).
//
// Clocks: respond_by comes from triage and runs from receipt until first
// contact (StartReferral or RecordFirstContact) or until the referral is
// no longer open. FireDueBreaches emits one BREACHED event per deadline:
// the breach mark and the event are written together under the referral's
// lock, so neither a second scan nor a restart can repeat it.
// Thread-safe; blocking (synced writes).
#ifndef SIGNPOST_SERVICES_LIFECYCLE_HANDLER_H_
#define SIGNPOST_SERVICES_LIFECYCLE_HANDLER_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/ids.h"
#include "router/validation.h"
#include "services/directory_registry.h"
#include "services/person_linker.h"
#include "services/rule_registry.h"
#include "signpost/v1/case_service.pb.h"
#include "storage/referral_store.h"

namespace signpost::services {

// What the case handlers need; every reference must outlive them.
struct CaseDeps {
  storage::ReferralStore& store;
  RuleRegistry& rules;
  // May be null (no directory: routing and signposting are refused).
  DirectoryRegistry* directory;
  const Clock& clock;
  IdGenerator& ids;
  absl::TimeZone zone = absl::UTCTimeZone();
};

class LifecycleHandler {
 public:
  explicit LifecycleHandler(const CaseDeps& deps);

  [[nodiscard]] absl::StatusOr<signpost::v1::Referral> Accept(
      const signpost::v1::AcceptReferralRequest& request);
  // DECLINED, then re-routed without every service that has declined it.
  [[nodiscard]] absl::StatusOr<signpost::v1::Referral> Decline(
      const signpost::v1::DeclineReferralRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::Referral> Start(
      const signpost::v1::StartReferralRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::Referral> RecordFirstContact(
      const signpost::v1::RecordFirstContactRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::Referral> Hold(
      const signpost::v1::HoldReferralRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::Referral> Close(
      const signpost::v1::CloseReferralRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::Referral> Signpost(
      const signpost::v1::SignpostReferralRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::Referral> Reroute(
      const signpost::v1::RerouteReferralRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::Referral> MarkEnteredInError(
      const signpost::v1::MarkEnteredInErrorRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::Referral> Retriage(
      const signpost::v1::RetriageReferralRequest& request);

  [[nodiscard]] absl::StatusOr<signpost::v1::PartnerReferralView> RespondToSignposting(
      const signpost::v1::RespondToSignpostingRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::PartnerReferralView> RecordPartnerOutcome(
      const signpost::v1::RecordPartnerOutcomeRequest& request);

  // Emits BREACHED for every referral whose running clock passed its
  // deadline at the clock's now. Returns how many it emitted.
  [[nodiscard]] absl::StatusOr<int> FireDueBreaches();
  [[nodiscard]] absl::StatusOr<signpost::v1::ListOverdueResponse> ListOverdue(
      const signpost::v1::ListOverdueRequest& request) const;

 private:
  // Resolves the id, checks `by`, runs `mutate` in one UpdateReferral.
  absl::StatusOr<signpost::v1::Referral> Apply(const std::string& id_or_reference,
                                               const signpost::v1::StaffRef& by,
                                               std::vector<router::FieldViolation> violations,
                                               const storage::Mutation& mutate);
  // Routes `referral` again (declined services excluded) and moves it to
  // the routing's status. Appends the events.
  absl::Status RouteAgain(signpost::v1::Referral& referral, absl::Time now,
                          std::vector<signpost::v1::ReferralEvent>& events) const;
  absl::StatusOr<signpost::v1::PartnerReferralView> PartnerUpdate(
      const std::string& referral_id, const std::string& organization_id,
      const std::string& recorded_by, signpost::v1::PartnerResponse::State state,
      signpost::v1::PartnerOutcome outcome);

  CaseDeps deps_;
  PersonLinker people_;
};

// Brings partner_responses in line with the routing's signposts: each
// signposted organisation without an answer becomes PENDING, unanswered
// ones no longer signposted are dropped, answers already given are kept.
void InitPartnerResponses(signpost::v1::Referral& referral, absl::Time now);

}  // namespace signpost::services

#endif  // SIGNPOST_SERVICES_LIFECYCLE_HANDLER_H_
