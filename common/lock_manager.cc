#include "common/lock_manager.h"

#include <algorithm>

#include "absl/hash/hash.h"

namespace signpost {

LockManager::LockManager(size_t stripes) {
  size_t n = 1;
  while (n < stripes) n <<= 1;
  mask_ = n - 1;
  mutexes_ = std::make_unique<absl::Mutex[]>(n);
}

absl::Mutex* LockManager::Stripe(std::string_view key) {
  return &mutexes_[absl::Hash<std::string_view>{}(key)&mask_];
}

LockManager::MultiGuard LockManager::LockAll(const std::vector<std::string_view>& keys) {
  std::vector<absl::Mutex*> stripes;
  stripes.reserve(keys.size());
  for (std::string_view k : keys) stripes.push_back(Stripe(k));
  return MultiGuard(std::move(stripes));
}

// Lock order is the stripes' addresses, which the analysis cannot follow.
LockManager::MultiGuard::MultiGuard(std::vector<absl::Mutex*> stripes)
    ABSL_NO_THREAD_SAFETY_ANALYSIS : held_(std::move(stripes)) {
  std::sort(held_.begin(), held_.end());
  held_.erase(std::unique(held_.begin(), held_.end()), held_.end());
  for (absl::Mutex* mu : held_) mu->Lock();
}

LockManager::MultiGuard::~MultiGuard() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  for (auto it = held_.rbegin(); it != held_.rend(); ++it) (*it)->Unlock();
}

}  // namespace signpost
