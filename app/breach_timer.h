// BreachTimer: runs a breach scan at start and then every `interval` on
// its own thread, until destroyed. The scan decides what is due from the
// injected clock (LifecycleHandler::FireDueBreaches); this class only
// paces it, so tests drive the scan directly and never sleep.
//
//   BreachTimer timer([&] { return lifecycle.FireDueBreaches(); }, absl::Seconds(1));
//
// Thread-safe.
#ifndef SIGNPOST_APP_BREACH_TIMER_H_
#define SIGNPOST_APP_BREACH_TIMER_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace signpost::app {

class BreachTimer {
 public:
  using Scan = std::function<absl::StatusOr<int>()>;
  BreachTimer(Scan scan, absl::Duration interval);
  ~BreachTimer();  // stops and joins
  BreachTimer(const BreachTimer&) = delete;
  BreachTimer& operator=(const BreachTimer&) = delete;

 private:
  void Run();

  Scan scan_;
  absl::Duration interval_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace signpost::app

#endif  // SIGNPOST_APP_BREACH_TIMER_H_
