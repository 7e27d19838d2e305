#include "storage/sequence_tracker.h"

namespace signpost::storage {

SequenceTracker::SequenceTracker(uint64_t last_used) : next_(last_used + 1), visible_(last_used) {}

uint64_t SequenceTracker::Allocate() {
  absl::MutexLock lock(&mu_);
  return next_++;
}

uint64_t SequenceTracker::Complete(uint64_t seq) {
  absl::MutexLock lock(&mu_);
  if (seq <= visible_) return visible_;
  done_ahead_.insert(seq);
  while (!done_ahead_.empty() && *done_ahead_.begin() == visible_ + 1) {
    done_ahead_.erase(done_ahead_.begin());
    ++visible_;
  }
  return visible_;
}

uint64_t SequenceTracker::Visible() const {
  absl::MutexLock lock(&mu_);
  return visible_;
}

}  // namespace signpost::storage
