#include "storage/lock_manager.h"

#include "absl/hash/hash.h"

namespace signpost::storage {

LockManager::LockManager(size_t stripes) {
  size_t n = 1;
  while (n < stripes) n <<= 1;
  mask_ = n - 1;
  mutexes_ = std::make_unique<absl::Mutex[]>(n);
}

absl::Mutex* LockManager::Stripe(std::string_view key) {
  return &mutexes_[absl::Hash<std::string_view>{}(key) & mask_];
}

}  // namespace signpost::storage
