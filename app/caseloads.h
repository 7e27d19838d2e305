// CaseloadTracker: open referrals per case manager, derived from stored
// allocations and kept correct under concurrent allocation.
//
// Loaded from the caseload index at start-up (storage derives an entry
// from each referral: proto/signpost/referral_facts.h CaseloadOwner), then
// kept in step with every committed change through reservations: a
// change that puts a referral on a caseload reserves the place before it
// is written, and only one of two racing allocations can take the last
// place. The change's outcome then confirms or returns the place.
//
//   CaseloadTracker::Move move = tracker.Begin(before_owner, after_owner, limit);
//   if (!move.reserved()) ... the case manager is full: decide again
//   absl::StatusOr<Applied> a = store.Apply(change);
//   if (a.ok()) move.Commit();   // else the destructor returns the place
//
// Thread-safe.
#ifndef SIGNPOST_APP_CASELOADS_H_
#define SIGNPOST_APP_CASELOADS_H_

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "router/directory/routing.h"
#include "storage/store.h"

namespace signpost::app {

class CaseloadTracker {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<CaseloadTracker>> Load(
      const storage::Store& store);

  // Current counts, for routing.
  router::CaseloadCounts Snapshot() const;
  int Count(const std::string& case_manager_id) const;

  // A referral moving from `before`'s caseload to `after`'s (either may be
  // empty). Holds a place on `after` if it has fewer than `limit` open
  // referrals (a negative limit always takes one: an explicit allocation).
  class [[nodiscard]] Move {
   public:
    Move(Move&& other) noexcept;
    Move(const Move&) = delete;
    Move& operator=(const Move&) = delete;
    Move& operator=(Move&&) = delete;
    ~Move();
    // False when `after` was full: nothing is held.
    bool reserved() const { return reserved_; }
    // The change was written: the place on `after` is kept, `before`'s freed.
    void Commit();

   private:
    friend class CaseloadTracker;
    Move(CaseloadTracker* tracker, std::string before, std::string after, bool reserved);
    CaseloadTracker* tracker_;
    std::string before_;
    std::string after_;
    bool reserved_;
    bool done_ = false;
  };
  Move Begin(const std::string& before, const std::string& after, int limit);

 private:
  explicit CaseloadTracker(std::map<std::string, int> counts) : counts_(std::move(counts)) {}
  void Add(const std::string& cm, int delta);

  mutable absl::Mutex mu_;
  std::map<std::string, int> counts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signpost::app

#endif  // SIGNPOST_APP_CASELOADS_H_
