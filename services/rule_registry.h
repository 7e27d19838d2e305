// RuleRegistry: the triage rules in force, swappable at runtime.
//
// Readers take a shared_ptr snapshot (Current()), so an activation never
// changes the rules under an evaluation in progress. Activate() validates
// first: an invalid rule set is refused with INVALID_ARGUMENT (line and
// column) and the live rules stay in force.
//
//   RuleRegistry rules(*std::move(engine), clock);
//   std::shared_ptr<const router::TriageEngine> engine = rules.Current();
//   absl::StatusOr<Activation> a = rules.Activate(text);   // admin RPC, SIGHUP
//
// Activation is in memory: at start-up the server activates its rules file,
// so a rule set activated only by RPC lasts until the next restart (see
// docs/TRIAGE.md). Thread-safe.
#ifndef SIGNPOST_SERVICES_RULE_REGISTRY_H_
#define SIGNPOST_SERVICES_RULE_REGISTRY_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "router/triage/triage_engine.h"

namespace signpost::services {

struct Activation {
  std::string version;
  std::string previous_version;
  absl::Time activated_at;
};

class RuleRegistry {
 public:
  // `initial` must be non-null; `clock` must outlive the registry.
  RuleRegistry(std::shared_ptr<const router::TriageEngine> initial, const Clock& clock);

  std::shared_ptr<const router::TriageEngine> Current() const;
  absl::Time activated_at() const;

  // Validates `text` and, if valid, makes it the live rule set.
  [[nodiscard]] absl::StatusOr<Activation> Activate(std::string_view text);

 private:
  const Clock& clock_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const router::TriageEngine> current_ ABSL_GUARDED_BY(mu_);
  absl::Time activated_at_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signpost::services

#endif  // SIGNPOST_SERVICES_RULE_REGISTRY_H_
