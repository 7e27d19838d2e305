// Event sequence numbers and the visibility watermark.
//
// Writers allocate sequence numbers before their (concurrent, group-
// committed) write and report completion afterwards, whether the write
// succeeded or failed. Readers may only read events up to Visible(): the
// highest number such that every allocation at or below it has completed.
// This keeps the event log gap-safe for streaming readers even though
// writes commit out of allocation order: a reader that has seen N never
// later finds a new event below N. Failed writes leave permanent gaps,
// which readers skip naturally.
//
//   SequenceTracker seq(/*last_durable=*/42);
//   uint64_t s = seq.Allocate();         // 43
//   Status st = db.Write(batch_with(s));
//   seq.Complete(s);                      // Visible() may advance to 43
//
// Thread-safe.
#ifndef SIGNPOST_STORAGE_SEQUENCE_TRACKER_H_
#define SIGNPOST_STORAGE_SEQUENCE_TRACKER_H_

#include <cstdint>
#include <set>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace signpost::storage {

class SequenceTracker {
 public:
  // `last_used` is the highest sequence already in the log (0 if empty).
  explicit SequenceTracker(uint64_t last_used);

  // Reserves the next number.
  uint64_t Allocate();
  // Marks `seq` finished (written or abandoned). Returns the new Visible().
  uint64_t Complete(uint64_t seq);
  // Highest number with every number at or below it completed.
  uint64_t Visible() const;

 private:
  mutable absl::Mutex mu_;
  uint64_t next_ ABSL_GUARDED_BY(mu_);
  uint64_t visible_ ABSL_GUARDED_BY(mu_);
  std::set<uint64_t> done_ahead_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_SEQUENCE_TRACKER_H_
