// Internal to storage/: what a Store holds, shared by its .cc files
// (store.cc: open and operations; apply.cc: the writer; *_reads.cc and
// referral_queries.cc: reads).
#ifndef SIGNPOST_STORAGE_STORE_IMPL_H_
#define SIGNPOST_STORAGE_STORE_IMPL_H_

#include <memory>

#include "common/lock_manager.h"
#include "storage/database.h"
#include "storage/event_log.h"
#include "storage/rocks_engine.h"
#include "storage/sequence_tracker.h"
#include "storage/store.h"

namespace signpost::storage {

struct Store::Impl {
  Impl(std::shared_ptr<Database> database, std::unique_ptr<EventLog> events, size_t stripes,
       uint64_t last_audit)
      : database(std::move(database)),
        db(this->database->impl()),
        events(std::move(events)),
        locks(stripes),
        audit_sequence(last_audit) {}

  std::shared_ptr<Database> database;
  const Database::Impl& db;
  std::unique_ptr<EventLog> events;
  // Apply's precondition keys; see apply.cc for the key names.
  LockManager locks;
  // Audit entry numbers; Visible() bounds what the sealer may chain.
  SequenceTracker audit_sequence;
  // One sealer at a time (audit_trail.cc).
  absl::Mutex seal_mu;
};

// The highest audit entry number stored (0 if none).
absl::StatusOr<uint64_t> LastAuditSequence(const Database::Impl& db);

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_STORE_IMPL_H_
