#include "app/caseloads.h"

#include "common/status_macros.h"

namespace signpost::app {

absl::StatusOr<std::unique_ptr<CaseloadTracker>> CaseloadTracker::Load(
    const storage::Store& store) {
  SP_ASSIGN_OR_RETURN(auto counts, store.CaseloadCounts());
  return std::unique_ptr<CaseloadTracker>(new CaseloadTracker(std::move(counts)));
}

router::CaseloadCounts CaseloadTracker::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return counts_;
}

int CaseloadTracker::Count(const std::string& cm) const {
  absl::MutexLock lock(&mu_);
  auto it = counts_.find(cm);
  return it == counts_.end() ? 0 : it->second;
}

void CaseloadTracker::Add(const std::string& cm, int delta) {
  absl::MutexLock lock(&mu_);
  int& n = counts_[cm];
  n += delta;
  if (n <= 0) counts_.erase(cm);
}

CaseloadTracker::Move CaseloadTracker::Begin(const std::string& before, const std::string& after,
                                             int limit) {
  if (after.empty() || after == before) return Move(this, before, after, true);
  absl::MutexLock lock(&mu_);
  int& n = counts_[after];
  if (limit >= 0 && n >= limit) {
    if (n == 0) counts_.erase(after);
    return Move(this, before, after, false);
  }
  ++n;
  return Move(this, before, after, true);
}

CaseloadTracker::Move::Move(CaseloadTracker* tracker, std::string before, std::string after,
                            bool reserved)
    : tracker_(tracker),
      before_(std::move(before)),
      after_(std::move(after)),
      reserved_(reserved) {}

CaseloadTracker::Move::Move(Move&& other) noexcept
    : tracker_(other.tracker_),
      before_(std::move(other.before_)),
      after_(std::move(other.after_)),
      reserved_(other.reserved_),
      done_(other.done_) {
  other.done_ = true;
}

void CaseloadTracker::Move::Commit() {
  if (done_ || !reserved_) return;
  done_ = true;
  if (before_ != after_ && !before_.empty()) tracker_->Add(before_, -1);
}

CaseloadTracker::Move::~Move() {
  if (done_ || !reserved_) return;
  if (!after_.empty() && after_ != before_) tracker_->Add(after_, -1);
}

}  // namespace signpost::app
