// Internal to storage/: the RocksDB handles behind a Database, and the one
// write of a batch.
#ifndef SIGNPOST_STORAGE_ROCKS_ENGINE_H_
#define SIGNPOST_STORAGE_ROCKS_ENGINE_H_

#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
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
  // The one write: `batch` with sync = StoreOptions::sync_writes. A
  // failure means nothing of the batch is acknowledged.
  [[nodiscard]] absl::Status Write(rocksdb::WriteBatch& batch, std::string_view what) const;

  // Keeps a test's simulated file system alive as long as the DB uses it.
  std::shared_ptr<CrashSimulator> crash_simulator;
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::WriteOptions write;
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_ROCKS_ENGINE_H_
