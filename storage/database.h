// Database: the one RocksDB instance behind Signpost, and the root of
// storage/. It owns opening (every column family of column_families.h),
// the schema version and its migrations, the one synced write, checkpoints
// and the logical dump tests compare. Everything else in storage/ goes
// through it; nothing above storage/ sees RocksDB.
//
//   absl::StatusOr<std::shared_ptr<Database>> db = Database::Open({.data_dir = dir});
//   // then Store::Open (store.h) builds the record store on it.
//
// Error contract: FAILED_PRECONDITION when the data directory holds a
// newer schema than this build knows; UNAVAILABLE for I/O failures;
// DATA_LOSS for corruption. Thread-safe.
#ifndef SIGNPOST_STORAGE_DATABASE_H_
#define SIGNPOST_STORAGE_DATABASE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace signpost::storage {

class CrashSimulator;  // storage/testing/crash_simulator.h

// The schema version this build writes. Older versions are migrated on
// open (storage/migrations.h); newer ones are refused.
inline constexpr int kSchemaVersion = 3;

struct StoreOptions {
  // Directory for the RocksDB files; created if missing.
  std::string data_dir;
  // Write with sync=true (fdatasync before acknowledging). Only benchmarks
  // measuring the ceiling and bulk loaders turn this off.
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

// One stored key and value, for the logical dump.
struct DumpEntry {
  std::string family;
  std::string key;
  std::string value;
  bool operator==(const DumpEntry&) const = default;
};

class Database {
 public:
  struct Impl;  // storage/rocks_engine.h

  // Opens (creating if needed) the database in options.data_dir, creating
  // missing column families and migrating older schemas.
  [[nodiscard]] static absl::StatusOr<std::shared_ptr<Database>> Open(const StoreOptions& options);
  ~Database();

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Writes a consistent, openable copy to `dir` (which must not exist),
  // using hard links where possible.
  [[nodiscard]] absl::Status Checkpoint(const std::string& dir) const;

  // Every key and value of every family (meta included), in family then key
  // order: the database's logical contents, for tests that compare what
  // survives a restart or a power cut.
  [[nodiscard]] absl::StatusOr<std::vector<DumpEntry>> Dump() const;

  // For storage/ internals only.
  Impl& impl() const { return *impl_; }

 private:
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_DATABASE_H_
