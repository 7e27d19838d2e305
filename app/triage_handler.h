// TriageHandler: the transport-free core of signpost.v1.TriageService.
//
//   absl::StatusOr<TriageDecision> d = triage.Evaluate(request);      // dry run
//   absl::StatusOr<ReplayRuleSetResponse> r = triage.Replay(request); // history
//
// Evaluate stores nothing. Replay re-evaluates stored referrals received in
// a time range with the live rules and a candidate, and lists every
// referral the candidate would under-triage (a less urgent band, or
// dropping a clinician review the live rules ask for). Activate validates
// and stores a rule set and makes it live (app/rule_registry.h).
// Thread-safe; Replay reads storage (call it off the transport threads).
#ifndef SIGNPOST_APP_TRIAGE_HANDLER_H_
#define SIGNPOST_APP_TRIAGE_HANDLER_H_

#include "absl/status/statusor.h"
#include "app/deps.h"
#include "signpost/v1/triage_service.pb.h"

namespace signpost::app {

class TriageHandler {
 public:
  explicit TriageHandler(const AppDeps& deps) : deps_(deps) {}

  [[nodiscard]] absl::StatusOr<signpost::v1::TriageDecision> Evaluate(
      const signpost::v1::EvaluateReferralRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::ReplayRuleSetResponse> Replay(
      const signpost::v1::ReplayRuleSetRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::ActivateRuleSetResponse> Activate(
      const signpost::v1::ActivateRuleSetRequest& request);
  signpost::v1::ActiveRuleSet GetActive() const;

 private:
  AppDeps deps_;
};

}  // namespace signpost::app

#endif  // SIGNPOST_APP_TRIAGE_HANDLER_H_
