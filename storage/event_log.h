// EventLog: the numbering shared by referral events and journal entries,
// the visibility watermark streaming readers rely on, and reads of the
// referral event log.
//
// Writers (Store::Apply) allocate numbers before their group-committed
// write and complete them afterwards, written or not. Readers only see
// events up to Visible(): every number at or below it has completed, so a
// reader that has seen N never later finds a new event below N. Numbers
// can have gaps: journal entries (notes, assessment versions, merges)
// share the numbering but are not referral events, and a failed write
// leaves its numbers unused.
//
//   uint64_t scanned = 0;
//   auto events = log.ReadEvents(/*after=*/41, 64, {.referrer_ods_code = "G85001"}, &scanned);
//
// Thread-safe.
#ifndef SIGNPOST_STORAGE_EVENT_LOG_H_
#define SIGNPOST_STORAGE_EVENT_LOG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "signpost/v1/referral.pb.h"
#include "storage/database.h"
#include "storage/sequence_tracker.h"

namespace signpost::storage {

// A filter for reading the event log.
struct EventFilter {
  std::string referral_id;        // empty = all
  std::string referrer_ods_code;  // empty = all
};

class EventLog {
 public:
  // Numbering continues after the highest event or journal sequence stored.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<EventLog>> Open(
      std::shared_ptr<Database> database);

  // Up to `max` events with sequence > `after` and <= Visible(), matching
  // `filter`, in order. `*scanned_to` is set to the last sequence examined
  // (so a filtered reader can advance past non-matching events).
  [[nodiscard]] absl::StatusOr<std::vector<signpost::v1::ReferralEvent>> ReadEvents(
      uint64_t after, size_t max, const EventFilter& filter, uint64_t* scanned_to) const;

  // Highest sequence a reader may rely on.
  uint64_t Visible() const { return sequence_.Visible(); }

  // Registers a callback run after each write that advances Visible(),
  // with the new value. Runs on the writer's thread; must be fast and must
  // not write to the store.
  void SetListener(std::function<void(uint64_t)> listener);

  // For Store::Apply: reserve a number, and mark one finished.
  uint64_t Allocate() { return sequence_.Allocate(); }
  void Complete(uint64_t seq);

 private:
  EventLog(std::shared_ptr<Database> database, uint64_t last_used);

  std::shared_ptr<Database> database_;
  SequenceTracker sequence_;
  mutable absl::Mutex listener_mu_;
  std::function<void(uint64_t)> listener_ ABSL_GUARDED_BY(listener_mu_);
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_EVENT_LOG_H_
