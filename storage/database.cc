#include "storage/database.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "storage/migrations.h"
#include "storage/rocks_util.h"
#include "storage/testing/crash_simulator.h"

namespace signpost::storage {
namespace {

rocksdb::DBOptions DbOptions(const StoreOptions& options) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = std::max(1, options.background_jobs);
  db_options.keep_log_file_num = 5;
  db_options.paranoid_checks = true;
  db_options.enable_pipelined_write = options.pipelined_write;
  if (options.crash_simulator) db_options.env = options.crash_simulator->env();
  return db_options;
}

std::vector<rocksdb::ColumnFamilyDescriptor> Families(const StoreOptions& options) {
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (std::string_view name : kColumnFamilyNames) {
    rocksdb::ColumnFamilyOptions cf_options;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    descriptors.emplace_back(std::string(name), cf_options);
  }
  return descriptors;
}

// Reads the stored schema version (0 for a new, empty database).
absl::StatusOr<int> StoredSchema(const Database::Impl& impl) {
  SP_ASSIGN_OR_RETURN(std::optional<std::string> value,
                      ReadRaw(impl, ColumnFamily::kMeta, std::string(keys::kSchemaVersion)));
  if (!value) return 0;
  int version = 0;
  if (!absl::SimpleAtoi(*value, &version)) return absl::DataLossError("bad schema version");
  return version;
}

absl::Status WriteSchema(const Database::Impl& impl, int version) {
  Batch batch(impl);
  batch.Put(ColumnFamily::kMeta, std::string(keys::kSchemaVersion), std::to_string(version));
  return batch.Commit("schema version");
}

// Brings the schema to kSchemaVersion: new databases are stamped, older
// ones migrated step by step, newer ones refused.
absl::Status PrepareSchema(Database::Impl& impl) {
  SP_ASSIGN_OR_RETURN(int stored, StoredSchema(impl));
  if (stored == 0) return WriteSchema(impl, kSchemaVersion);
  if (stored > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat("data directory has schema version ", stored,
                                                      "; this build supports ", kSchemaVersion));
  }
  for (int from = stored; from < kSchemaVersion; ++from) {
    SP_RETURN_IF_ERROR(MigrateFrom(impl, from));
    SP_RETURN_IF_ERROR(WriteSchema(impl, from + 1));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Database::Impl::Write(rocksdb::WriteBatch& batch, std::string_view what) const {
  return FromRocks(db->Write(write, &batch), absl::StrCat("writing ", Sv(what)));
}

absl::StatusOr<std::optional<std::string>> ReadRaw(const Database::Impl& impl, ColumnFamily family,
                                                   const std::string& key,
                                                   const rocksdb::ReadOptions& read) {
  std::string value;
  rocksdb::Status s = impl.db->Get(read, impl.cf(family), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  SP_RETURN_IF_ERROR(FromRocks(s, "reading"));
  return std::optional<std::string>(std::move(value));
}

absl::StatusOr<uint64_t> LastSequenceKey(const Database::Impl& impl, ColumnFamily family) {
  std::unique_ptr<rocksdb::Iterator> it(
      impl.db->NewIterator(rocksdb::ReadOptions(), impl.cf(family)));
  it->SeekToLast();
  uint64_t last = 0;
  if (it->Valid()) {
    std::optional<uint64_t> seq = keys::DecodeEvent(it->key().ToStringView());
    if (!seq) return absl::DataLossError("malformed sequence key");
    last = *seq;
  }
  SP_RETURN_IF_ERROR(FromRocks(it->status(), "finding the last sequence"));
  return last;
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

absl::StatusOr<std::shared_ptr<Database>> Database::Open(const StoreOptions& options) {
  if (options.data_dir.empty()) return absl::InvalidArgumentError("data_dir is required");
  auto impl = std::make_unique<Impl>();
  impl->crash_simulator = options.crash_simulator;
  impl->write.sync = options.sync_writes;
  rocksdb::DB* raw = nullptr;
  SP_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(DbOptions(options), options.data_dir,
                                                 Families(options), &impl->handles, &raw),
                               absl::StrCat("opening ", options.data_dir)));
  impl->db.reset(raw);  // from here Impl's destructor closes everything
  SP_RETURN_IF_ERROR(PrepareSchema(*impl));
  return std::shared_ptr<Database>(new Database(std::move(impl)));
}

absl::Status Database::Checkpoint(const std::string& dir) const {
  rocksdb::Checkpoint* raw = nullptr;
  SP_RETURN_IF_ERROR(
      FromRocks(rocksdb::Checkpoint::Create(impl_->db.get(), &raw), "creating checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(dir), "writing checkpoint");
}

absl::StatusOr<std::vector<DumpEntry>> Database::Dump() const {
  std::vector<DumpEntry> out;
  for (size_t f = 1; f < kColumnFamilyCount; ++f) {
    const auto family = static_cast<ColumnFamily>(f);
    std::unique_ptr<rocksdb::Iterator> it(
        impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(family)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.push_back(
          {std::string(kColumnFamilyNames[f]), it->key().ToString(), it->value().ToString()});
    }
    SP_RETURN_IF_ERROR(FromRocks(it->status(), "dumping"));
  }
  return out;
}

}  // namespace signpost::storage
