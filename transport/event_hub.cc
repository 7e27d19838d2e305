#include "transport/event_hub.h"

#include <algorithm>

namespace signpost::transport {

EventHub::EventHub(uint64_t visible) : visible_(visible) {}

bool EventHub::WaitFor(Waiter* w, uint64_t after) {
  absl::MutexLock lock(&mu_);
  if (shutdown_ || visible_ > after) return false;
  waiting_.insert({after, w});
  return true;
}

void EventHub::Cancel(Waiter* w) {
  absl::MutexLock lock(&mu_);
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
    if (it->waiter == w) {
      waiting_.erase(it);
      return;
    }
  }
}

void EventHub::Publish(uint64_t visible) {
  absl::MutexLock lock(&mu_);
  visible_ = std::max(visible_, visible);
  // Waiters are ordered by cursor: wake every one whose cursor is behind.
  while (!waiting_.empty() && waiting_.begin()->after < visible_) {
    Waiter* w = waiting_.begin()->waiter;
    waiting_.erase(waiting_.begin());
    w->OnEventsAvailable();
  }
}

void EventHub::Shutdown() {
  absl::MutexLock lock(&mu_);
  shutdown_ = true;
  while (!waiting_.empty()) {
    Waiter* w = waiting_.begin()->waiter;
    waiting_.erase(waiting_.begin());
    w->OnEventsAvailable();
  }
}

bool EventHub::IsShutdown() const {
  absl::MutexLock lock(&mu_);
  return shutdown_;
}

size_t EventHub::WaiterCount() const {
  absl::MutexLock lock(&mu_);
  return waiting_.size();
}

}  // namespace signpost::transport
