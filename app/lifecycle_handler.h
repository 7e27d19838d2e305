// LifecycleHandler: the referral lifecycle after intake (docs/CASES.md),
// the urgency clocks, and voluntary-sector partners' answers.
// Transport-free; used by the gRPC adapter (transport/case_service.h) and
// the HTTP front doors.
//
//   absl::StatusOr<Referral> r = lifecycle.Accept(request);
//   int fired = *lifecycle.FireDueBreaches();   // from a timer, and at start
//
// Every command is validate (router/request_checks.h) -> resolve the
// referral -> decide (router/decisions.h, pure) -> one Store::Apply
// (app/referral_writer.h): the new state, its index moves, its events and
// the person's timeline land in one synced write, or nothing does.
// Illegal transitions are FAILED_PRECONDITION (router/lifecycle.h holds
// the table).
//
// Clocks: respond_by comes from triage and runs from receipt until first
// contact (StartReferral or RecordFirstContact) or until the referral is
// no longer open. FireDueBreaches emits one BREACHED event per deadline:
// the breach mark and the event are written together, decided on the
// referral as read, so neither a second scan nor a restart repeats it.
// Thread-safe; blocking (synced writes).
#ifndef SIGNPOST_APP_LIFECYCLE_HANDLER_H_
#define SIGNPOST_APP_LIFECYCLE_HANDLER_H_

#include <string>

#include "absl/status/statusor.h"
#include "app/deps.h"
#include "app/referral_writer.h"
#include "router/request_checks.h"
#include "signpost/v1/case_service.pb.h"

namespace signpost::app {

class LifecycleHandler {
 public:
  explicit LifecycleHandler(const AppDeps& deps) : deps_(deps) {}

  [[nodiscard]] absl::StatusOr<signpost::v1::Referral> Accept(
      const signpost::v1::AcceptReferralRequest& request);
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
  // Checks the referral id and `by` (with `v`'s other violations, named
  // for `what`), resolves the id, then UpdateReferral.
  absl::StatusOr<signpost::v1::Referral> Command(std::string_view what,
                                                 const std::string& id_or_reference,
                                                 const signpost::v1::StaffRef& by,
                                                 const router::Violations& v, Decide decide,
                                                 UpdateOptions options = {});
  absl::StatusOr<signpost::v1::PartnerReferralView> PartnerUpdate(
      std::string_view what, const std::string& referral_id, router::decide::PartnerCommand cmd,
      router::Violations v);

  AppDeps deps_;
};

}  // namespace signpost::app

#endif  // SIGNPOST_APP_LIFECYCLE_HANDLER_H_
