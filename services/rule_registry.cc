#include "services/rule_registry.h"

#include "services/log.h"

namespace signpost::services {

RuleRegistry::RuleRegistry(std::shared_ptr<const router::TriageEngine> initial,
                           const Clock& clock)
    : clock_(clock), current_(std::move(initial)), activated_at_(clock.Now()) {}

std::shared_ptr<const router::TriageEngine> RuleRegistry::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

absl::Time RuleRegistry::activated_at() const {
  absl::MutexLock lock(&mu_);
  return activated_at_;
}

absl::StatusOr<Activation> RuleRegistry::Activate(std::string_view text) {
  absl::StatusOr<std::shared_ptr<const router::TriageEngine>> engine =
      router::TriageEngine::FromText(text);
  if (!engine.ok()) {
    LogWarn("rule set refused; live rules unchanged",
            {{"error", std::string(engine.status().message())}});
    return engine.status();
  }
  Activation a;
  {
    absl::MutexLock lock(&mu_);
    a.previous_version = current_->version();
    current_ = *std::move(engine);
    activated_at_ = clock_.Now();
    a.version = current_->version();
    a.activated_at = activated_at_;
  }
  LogInfo("rule set activated", {{"version", a.version}, {"previous", a.previous_version}});
  return a;
}

}  // namespace signpost::services
