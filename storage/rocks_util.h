// Internal to storage/: small helpers over RocksDB shared by the store's
// files - a batch that remembers its first error, typed point reads and
// bounded prefix scans.
#ifndef SIGNPOST_STORAGE_ROCKS_UTIL_H_
#define SIGNPOST_STORAGE_ROCKS_UTIL_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "google/protobuf/message_lite.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/key_codec.h"
#include "storage/rocks_engine.h"
#include "storage/rocks_status.h"

namespace signpost::storage {

template <typename Message>
absl::StatusOr<Message> ParseStored(std::string_view bytes, std::string_view what) {
  Message m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("stored ", Sv(what), " does not parse"));
  }
  return m;
}

// A WriteBatch that remembers the first error.
class Batch {
 public:
  explicit Batch(const Database::Impl& impl) : impl_(impl) {}
  void Put(ColumnFamily family, const std::string& key, std::string_view value) {
    if (status_.ok()) {
      status_ =
          FromRocks(batch_.Put(impl_.cf(family), key, rocksdb::Slice(value.data(), value.size())),
                    "batching put");
    }
  }
  void Put(ColumnFamily family, const std::string& key,
           const google::protobuf::MessageLite& message) {
    Put(family, key, message.SerializeAsString());
  }
  void Delete(ColumnFamily family, const std::string& key) {
    if (status_.ok()) status_ = FromRocks(batch_.Delete(impl_.cf(family), key), "batching delete");
  }
  // One synced write.
  [[nodiscard]] absl::Status Commit(std::string_view what) {
    SP_RETURN_IF_ERROR(status_);
    return impl_.Write(batch_, what);
  }
  // One write to the WAL without waiting for fsync: durable once any
  // later synced write returns (the WAL is ordered), lost on a power cut
  // before then. Only for records that disclose nothing if lost.
  [[nodiscard]] absl::Status CommitUnsynced(std::string_view what) {
    SP_RETURN_IF_ERROR(status_);
    rocksdb::WriteOptions options = impl_.write;
    options.sync = false;
    return FromRocks(impl_.db->Write(options, &batch_), absl::StrCat("writing ", Sv(what)));
  }

 private:
  const Database::Impl& impl_;
  rocksdb::WriteBatch batch_;
  absl::Status status_;
};

// The raw value at `key`, or nullopt if absent.
absl::StatusOr<std::optional<std::string>> ReadRaw(const Database::Impl& impl, ColumnFamily family,
                                                   const std::string& key,
                                                   const rocksdb::ReadOptions& read = {});

// The parsed value at `key`; NOT_FOUND ("no <what>") if absent.
template <typename Message>
absl::StatusOr<Message> ReadMessage(const Database::Impl& impl, ColumnFamily family,
                                    const std::string& key, std::string_view what,
                                    const rocksdb::ReadOptions& read = {}) {
  SP_ASSIGN_OR_RETURN(std::optional<std::string> raw, ReadRaw(impl, family, key, read));
  if (!raw) return absl::NotFoundError(absl::StrCat("no ", Sv(what)));
  return ParseStored<Message>(*raw, what);
}

// Calls fn(key, value) for each key starting with `prefix`, from `start`
// (inclusive; empty = the prefix itself), until fn returns false.
template <typename Fn>
absl::Status ScanPrefix(const Database::Impl& impl, ColumnFamily family, const std::string& prefix,
                        const std::string& start, Fn&& fn, const rocksdb::ReadOptions& base = {}) {
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read = base;
  if (!upper.empty()) read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl.db->NewIterator(read, impl.cf(family)));
  for (it->Seek(start.empty() ? prefix : start); it->Valid(); it->Next()) {
    absl::StatusOr<bool> more = fn(it->key().ToStringView(), it->value().ToStringView());
    SP_RETURN_IF_ERROR(more.status());
    if (!*more) break;
  }
  return FromRocks(it->status(), "scanning");
}

// The highest 8-byte big-endian key of `family` (0 if empty).
absl::StatusOr<uint64_t> LastSequenceKey(const Database::Impl& impl, ColumnFamily family);

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_ROCKS_UTIL_H_
