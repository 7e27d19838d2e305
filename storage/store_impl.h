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
#include "storage/store.h"

namespace signpost::storage {

struct Store::Impl {
  Impl(std::shared_ptr<Database> database, std::unique_ptr<EventLog> events, size_t stripes)
      : database(std::move(database)),
        db(this->database->impl()),
        events(std::move(events)),
        locks(stripes) {}

  std::shared_ptr<Database> database;
  const Database::Impl& db;
  std::unique_ptr<EventLog> events;
  // Apply's precondition keys; see apply.cc for the key names.
  LockManager locks;
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_STORE_IMPL_H_
