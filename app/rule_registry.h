// RuleRegistry: the triage rules in force, swappable at runtime and
// stored, so the rule set in force survives a restart.
//
// Readers take a shared_ptr snapshot (Current()), so an activation never
// changes the rules under an evaluation in progress. Activate() validates
// first: an invalid rule set is refused with INVALID_ARGUMENT (line and
// column) and the live rules stay in force. A valid one is written
// (storage RuleActivation) before it goes live.
//
// At start-up (Open) the stored rule set stays in force unless the rules
// file differs from the one last activated from a file - a new deploy -
// in which case the file is activated and stored. So a rule set activated
// by RPC lasts across restarts until a new file is deployed.
//
// Every activation - RPC, SIGHUP and a new file at start-up - passes the
// safety gate (app/safety_gate.h) when one is given: a candidate that
// under-triages is refused with FAILED_PRECONDITION unless an override
// reason is given, which is stored with the activation and what the gate
// found.
//
//   absl::StatusOr<std::unique_ptr<RuleRegistry>> rules = RuleRegistry::Open(
//       store, file_text, "deploy/rules/triage.textproto", clock, &gate);
//   std::shared_ptr<const router::TriageEngine> engine = (*rules)->Current();
//   absl::StatusOr<Activation> a = (*rules)->Activate(text, "rpc", "");   // admin RPC
//
// Thread-safe.
#ifndef SIGNPOST_APP_RULE_REGISTRY_H_
#define SIGNPOST_APP_RULE_REGISTRY_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "app/safety_gate.h"
#include "common/clock.h"
#include "router/triage/triage_engine.h"
#include "storage/store.h"

namespace signpost::app {

struct Activation {
  std::string version;
  std::string previous_version;
  absl::Time activated_at;
  // What the safety gate found (empty without a gate).
  signpost::v1::SafetyGateReport gate;
};

class RuleRegistry {
 public:
  // INVALID_ARGUMENT if the file is invalid, FAILED_PRECONDITION if a new
  // file fails the gate without `file_override_reason` (the server then
  // refuses to start). `store`, `clock` and `gate` (may be null: no gate)
  // must outlive the registry.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<RuleRegistry>> Open(
      storage::Store& store, std::string_view file_text, std::string_view file_path,
      const Clock& clock, const SafetyGate* gate = nullptr,
      std::string_view file_override_reason = "");

  std::shared_ptr<const router::TriageEngine> Current() const;
  absl::Time activated_at() const;

  // Validates `text` and, if valid and through the gate (or overridden
  // with a reason), stores it and makes it the live rule set. `source` is
  // "rpc", or the rules file's path for a file reload.
  [[nodiscard]] absl::StatusOr<Activation> Activate(std::string_view text, std::string_view source,
                                                    std::string_view override_reason);
  // A reload of the rules file (SIGHUP): as Activate, and it becomes the
  // file version start-up compares against.
  [[nodiscard]] absl::StatusOr<Activation> ActivateFile(std::string_view text,
                                                        std::string_view path);

 private:
  RuleRegistry(storage::Store& store, const Clock& clock, const SafetyGate* gate)
      : store_(store), clock_(clock), gate_(gate) {}
  absl::StatusOr<Activation> Install(std::string_view text, std::string source, bool from_file,
                                     std::string_view override_reason);

  storage::Store& store_;
  const Clock& clock_;
  const SafetyGate* gate_;
  absl::Mutex write_mu_;  // serialises activations
  mutable absl::Mutex mu_;
  std::shared_ptr<const router::TriageEngine> current_ ABSL_GUARDED_BY(mu_);
  absl::Time activated_at_ ABSL_GUARDED_BY(mu_);
  std::string last_file_version_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signpost::app

#endif  // SIGNPOST_APP_RULE_REGISTRY_H_
