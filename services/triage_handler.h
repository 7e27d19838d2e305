// TriageHandler: the transport-free core of signpost.v1.TriageService.
//
//   TriageHandler triage(store, rules, clock, {});
//   absl::StatusOr<TriageDecision> d = triage.Evaluate(request);     // dry run
//   absl::StatusOr<ReplayRuleSetResponse> r = triage.Replay(request); // history
//
// Evaluate stores nothing. Replay re-evaluates stored referrals received in a
// time range with the live rules and a candidate, and lists every referral
// the candidate would under-triage (a less urgent band, or dropping a
// clinician review the live rules ask for). Activate swaps the live rules
// after validation. Thread-safe; Replay reads storage (call it off the
// gRPC threads).
#ifndef SIGNPOST_SERVICES_TRIAGE_HANDLER_H_
#define SIGNPOST_SERVICES_TRIAGE_HANDLER_H_

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "services/referral_handler.h"
#include "services/rule_registry.h"
#include "signpost/v1/triage_service.pb.h"
#include "storage/referral_store.h"

namespace signpost::services {

class TriageHandler {
 public:
  // All references must outlive the handler.
  TriageHandler(storage::ReferralStore& store, RuleRegistry& rules, const Clock& clock,
                const ReferralHandlerOptions& options);

  [[nodiscard]] absl::StatusOr<signpost::v1::TriageDecision> Evaluate(
      const signpost::v1::EvaluateReferralRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::ReplayRuleSetResponse> Replay(
      const signpost::v1::ReplayRuleSetRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::ActivateRuleSetResponse> Activate(
      const signpost::v1::ActivateRuleSetRequest& request);
  signpost::v1::ActiveRuleSet GetActive() const;

 private:
  storage::ReferralStore& store_;
  RuleRegistry& rules_;
  const Clock& clock_;
  const ReferralHandlerOptions options_;
};

}  // namespace signpost::services

#endif  // SIGNPOST_SERVICES_TRIAGE_HANDLER_H_
