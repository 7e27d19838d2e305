#include "storage/testing/raw_sync_writer.h"

#include "rocksdb/db.h"
#include "storage/rocks_status.h"

namespace signpost::storage {
namespace {

class RocksRawSyncWriter final : public RawSyncWriter {
 public:
  explicit RocksRawSyncWriter(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {
    sync_.sync = true;
  }
  absl::Status Put(std::string_view key, std::string_view value) override {
    return FromRocks(db_->Put(sync_, rocksdb::Slice(key.data(), key.size()),
                              rocksdb::Slice(value.data(), value.size())),
                     "raw put");
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions sync_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RawSyncWriter>> RawSyncWriter::Open(const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  absl::Status s = FromRocks(rocksdb::DB::Open(options, dir, &raw), "opening raw database");
  if (!s.ok()) return s;
  return std::unique_ptr<RawSyncWriter>(new RocksRawSyncWriter(std::unique_ptr<rocksdb::DB>(raw)));
}

}  // namespace signpost::storage
