// EventHub: wakes WatchReferrals streams when new events become visible.
//
// The store reports each advance of its visible event sequence via
// Publish(). A stream that has read everything registers with WaitFor(); it
// is woken exactly once, when the visible sequence passes its cursor (or at
// shutdown), and then re-registers if it wants more. No wake-up is lost:
// WaitFor() refuses to register (returns false) when events past the cursor
// are already visible.
//
// Locking contract: OnEventsAvailable() is called with the hub's mutex
// held, after the waiter has been removed. It must be quick (schedule work,
// do not read storage) and must not call back into the hub. After Cancel(w)
// returns, w is never called again.
//
// Thread-safe.
#ifndef SIGNPOST_TRANSPORT_EVENT_HUB_H_
#define SIGNPOST_TRANSPORT_EVENT_HUB_H_

#include <cstdint>
#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace signpost::transport {

class EventHub {
 public:
  class Waiter {
   public:
    virtual ~Waiter() = default;
    virtual void OnEventsAvailable() = 0;
  };

  // `visible` is the store's visible sequence at construction.
  explicit EventHub(uint64_t visible);

  // Registers `w` to be woken when the visible sequence exceeds `after`.
  // Returns false without registering if that is already so, or if the hub
  // is shut down: the caller should read again instead of waiting.
  [[nodiscard]] bool WaitFor(Waiter* w, uint64_t after);
  // Unregisters `w` (no-op if not registered).
  void Cancel(Waiter* w);
  // Records a new visible sequence and wakes waiters behind it.
  void Publish(uint64_t visible);
  // Wakes every waiter; WaitFor() returns false from now on.
  void Shutdown();
  bool IsShutdown() const;
  size_t WaiterCount() const;

 private:
  struct Entry {
    uint64_t after;
    Waiter* waiter;
    bool operator<(const Entry& o) const {
      return after != o.after ? after < o.after : waiter < o.waiter;
    }
  };

  mutable absl::Mutex mu_;
  uint64_t visible_ ABSL_GUARDED_BY(mu_);
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
  std::set<Entry> waiting_ ABSL_GUARDED_BY(mu_);  // ordered by cursor
};

}  // namespace signpost::transport

#endif  // SIGNPOST_TRANSPORT_EVENT_HUB_H_
