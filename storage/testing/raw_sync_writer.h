// RawSyncWriter: a bare RocksDB database doing single Put()s with
// sync=true, for benchmarks that measure the ceiling the referral store is
// compared against (bench/durability_bench.cc). Not for production data.
//
//   auto raw = RawSyncWriter::Open("/data/bench-raw");
//   SP_RETURN_IF_ERROR((*raw)->Put("k1", value));
//
// Keeps RocksDB inside storage/. Thread-safe.
#ifndef SIGNPOST_STORAGE_TESTING_RAW_SYNC_WRITER_H_
#define SIGNPOST_STORAGE_TESTING_RAW_SYNC_WRITER_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace signpost::storage {

class RawSyncWriter {
 public:
  // Creates (or reuses) a plain RocksDB database in `dir`.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<RawSyncWriter>> Open(const std::string& dir);
  virtual ~RawSyncWriter() = default;
  // One Put with WriteOptions::sync = true.
  [[nodiscard]] virtual absl::Status Put(std::string_view key, std::string_view value) = 0;
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_TESTING_RAW_SYNC_WRITER_H_
