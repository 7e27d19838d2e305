// Database: the one RocksDB instance behind every Signpost store.
//
// Opening it declares every column family (storage/column_families.h),
// checks the schema version, and applies the options. Stores share it:
//
//   absl::StatusOr<std::unique_ptr<ReferralStore>> referrals = ReferralStore::Open(options);
//   std::unique_ptr<DirectoryStore> directory =
//       DirectoryStore::Create((*referrals)->database());
//
// RocksDB types stay inside storage/: Impl is defined in rocks_engine.h.
// Thread-safe.
#ifndef SIGNPOST_STORAGE_DATABASE_H_
#define SIGNPOST_STORAGE_DATABASE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace signpost::storage {

class CrashSimulator;  // storage/crash_simulator.h, tests only

// The schema version this build reads and writes.
inline constexpr int kSchemaVersion = 1;

struct StoreOptions {
  // Directory for the RocksDB files; created if missing.
  std::string data_dir;
  // Write with sync=true (fdatasync before acknowledging). Only benchmarks
  // measuring the ceiling turn this off.
  bool sync_writes = true;
  // Block cache for reads.
  size_t block_cache_bytes = 64 << 20;
  // RocksDB enable_pipelined_write: WAL and memtable writes of successive
  // write groups overlap. Measured in docs/BENCHMARKS.md; off by default.
  bool pipelined_write = false;
  // RocksDB flush/compaction threads.
  int background_jobs = 2;
  // Striping for per-key locks.
  size_t lock_stripes = 1024;
  // Tests only: write through a power-loss simulator.
  std::shared_ptr<CrashSimulator> crash_simulator;
};

class Database {
 public:
  struct Impl;  // storage/rocks_engine.h

  // Opens (creating if needed) the database in options.data_dir.
  // FAILED_PRECONDITION if it holds another schema version.
  [[nodiscard]] static absl::StatusOr<std::shared_ptr<Database>> Open(const StoreOptions& options);
  ~Database();

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // For storage/ internals only.
  Impl& impl() const { return *impl_; }

 private:
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_DATABASE_H_
