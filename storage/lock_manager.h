// Per-key serialisation of read-modify-write (after kvrocks' LockManager).
//
// Keys hash onto a fixed set of mutex stripes. Two operations on the same
// key never overlap; operations on different keys usually run in parallel.
// A thread must hold at most one stripe from a given LockManager at a time
// (use separate managers for separate key spaces, and always lock them in
// the same order) so that no deadlock is possible.
//
//   LockManager locks(1024);
//   {
//     LockManager::Guard g = locks.Lock(key);
//     ... read, decide, write ...
//   }
//
// Thread-safe.
#ifndef SIGNPOST_STORAGE_LOCK_MANAGER_H_
#define SIGNPOST_STORAGE_LOCK_MANAGER_H_

#include <memory>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace signpost::storage {

class LockManager {
 public:
  // `stripes` is rounded up to a power of two, at least 1.
  explicit LockManager(size_t stripes);

  // Holds one stripe until destroyed.
  class [[nodiscard]] Guard {
   public:
    explicit Guard(absl::Mutex* mu) : mu_(mu) { mu_->Lock(); }
    ~Guard() { mu_->Unlock(); }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    absl::Mutex* mu_;
  };

  Guard Lock(std::string_view key) { return Guard(Stripe(key)); }

  // The stripe for `key`, for callers that need to hold a Guard in a
  // std::optional (`guard.emplace(locks.Stripe(key))`).
  absl::Mutex* Stripe(std::string_view key);

 private:
  size_t mask_;
  std::unique_ptr<absl::Mutex[]> mutexes_;
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_LOCK_MANAGER_H_
