// Internal to storage/: the RocksDB handles behind a Database.
#ifndef SIGNPOST_STORAGE_ROCKS_ENGINE_H_
#define SIGNPOST_STORAGE_ROCKS_ENGINE_H_

#include <memory>
#include <vector>

#include "rocksdb/db.h"
#include "storage/column_families.h"
#include "storage/database.h"

namespace signpost::storage {

struct Database::Impl {
  ~Impl() {
    if (db == nullptr) return;
    for (auto* h : handles) (void)db->DestroyColumnFamilyHandle(h);
    (void)db->Close();
  }
  rocksdb::ColumnFamilyHandle* cf(ColumnFamily family) const {
    return handles[static_cast<size_t>(family)];
  }

  // Keeps a test's simulated file system alive as long as the DB uses it.
  std::shared_ptr<CrashSimulator> crash_simulator;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  // sync = StoreOptions::sync_writes.
  rocksdb::WriteOptions write;
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_ROCKS_ENGINE_H_
