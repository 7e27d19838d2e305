#include "app/breach_timer.h"

#include <string>

#include "app/log.h"

namespace signpost::app {

BreachTimer::BreachTimer(Scan scan, absl::Duration interval)
    : scan_(std::move(scan)), interval_(interval), thread_([this] { Run(); }) {}

BreachTimer::~BreachTimer() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

void BreachTimer::Run() {
  while (true) {
    absl::StatusOr<int> fired = scan_();
    if (!fired.ok()) {
      LogWarn("breach scan failed", {{"error", std::string(fired.status().message())}});
    } else if (*fired > 0) {
      LogInfo("response-time breaches reported", {{"count", std::to_string(*fired)}});
    }
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stop_), interval_)) return;
  }
}

}  // namespace signpost::app
