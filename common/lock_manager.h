// Per-key serialisation of read-modify-write (after kvrocks' LockManager).
//
// Keys hash onto a fixed set of mutex stripes. Two operations on the same
// key never overlap; operations on different keys usually run in parallel.
// Several keys are locked together with MultiGuard, which takes their
// stripes once each in address order, so two MultiGuards can never
// deadlock. Different LockManagers are always taken in one fixed order
// (documented where they are used).
//
//   LockManager locks(1024);
//   {
//     LockManager::Guard g(locks.Stripe(key));
//     ... read, decide, write ...
//   }
//   LockManager::MultiGuard both = locks.LockAll({"p:1", "p:2"});
//
// Thread-safe.
#ifndef SIGNPOST_COMMON_LOCK_MANAGER_H_
#define SIGNPOST_COMMON_LOCK_MANAGER_H_

#include <memory>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace signpost {

class LockManager {
 public:
  // `stripes` is rounded up to a power of two, at least 1.
  explicit LockManager(size_t stripes);

  // Holds one stripe until destroyed.
  class [[nodiscard]] ABSL_SCOPED_LOCKABLE Guard {
   public:
    explicit Guard(absl::Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
    ~Guard() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    absl::Mutex* mu_;
  };

  // Holds the stripes of several keys until destroyed (each stripe once,
  // in address order).
  class [[nodiscard]] MultiGuard {
   public:
    explicit MultiGuard(std::vector<absl::Mutex*> stripes);
    ~MultiGuard();
    MultiGuard(MultiGuard&&) = default;
    MultiGuard(const MultiGuard&) = delete;
    MultiGuard& operator=(const MultiGuard&) = delete;

   private:
    std::vector<absl::Mutex*> held_;
  };

  MultiGuard LockAll(const std::vector<std::string_view>& keys);

  // The stripe for `key`: hold it with a Guard (`Guard g(Stripe(key))`,
  // or `guard.emplace(Stripe(key))` in a std::optional), so the lock
  // analysis sees the acquisition.
  absl::Mutex* Stripe(std::string_view key);

 private:
  size_t mask_;
  std::unique_ptr<absl::Mutex[]> mutexes_;
};

}  // namespace signpost

#endif  // SIGNPOST_COMMON_LOCK_MANAGER_H_
