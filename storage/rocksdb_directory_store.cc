// RocksDB implementation of DirectoryStore (see directory_store.h).
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "rocksdb/write_batch.h"
#include "storage/directory_store.h"
#include "storage/rocks_engine.h"
#include "storage/rocks_status.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

constexpr char kServicePrefix = 'S';
constexpr char kTeamPrefix = 'T';
constexpr char kCaseManagerPrefix = 'M';

std::string Key(char prefix, std::string_view id) {
  std::string k(1, prefix);
  k.append(id);
  return k;
}

class RocksDirectoryStore final : public DirectoryStore {
 public:
  explicit RocksDirectoryStore(std::shared_ptr<Database> database)
      : database_(std::move(database)), impl_(database_->impl()) {}

  absl::Status PutServices(const std::vector<v1::DirectoryServiceRecord>& services) override {
    rocksdb::WriteBatch batch;
    for (const auto& s : services) {
      if (s.id().empty()) return absl::InvalidArgumentError("service.id is required");
      SP_RETURN_IF_ERROR(FromRocks(batch.Put(cf(), Key(kServicePrefix, s.id()), s.SerializeAsString()),
                                   "batching service"));
    }
    return FromRocks(impl_.db->Write(impl_.write, &batch), "writing services");
  }

  absl::StatusOr<v1::DirectoryServiceRecord> GetService(std::string_view id) const override {
    return Get<v1::DirectoryServiceRecord>(kServicePrefix, id, "service");
  }

  absl::StatusOr<std::vector<v1::DirectoryServiceRecord>> ListServices() const override {
    return List<v1::DirectoryServiceRecord>(kServicePrefix);
  }

  absl::Status PutTeam(const v1::Team& team) override {
    return Put(kTeamPrefix, team.id(), team.SerializeAsString());
  }
  absl::StatusOr<std::vector<v1::Team>> ListTeams() const override {
    return List<v1::Team>(kTeamPrefix);
  }
  absl::Status PutCaseManager(const v1::CaseManager& cm) override {
    return Put(kCaseManagerPrefix, cm.id(), cm.SerializeAsString());
  }
  absl::StatusOr<std::vector<v1::CaseManager>> ListCaseManagers() const override {
    return List<v1::CaseManager>(kCaseManagerPrefix);
  }

 private:
  rocksdb::ColumnFamilyHandle* cf() const { return impl_.cf(ColumnFamily::kDirectory); }

  absl::Status Put(char prefix, const std::string& id, const std::string& value) {
    if (id.empty()) return absl::InvalidArgumentError("id is required");
    rocksdb::WriteBatch batch;
    SP_RETURN_IF_ERROR(FromRocks(batch.Put(cf(), Key(prefix, id), value), "batching"));
    return FromRocks(impl_.db->Write(impl_.write, &batch), "writing directory record");
  }

  template <typename M>
  absl::StatusOr<M> Get(char prefix, std::string_view id, const char* what) const {
    std::string value;
    rocksdb::Status s = impl_.db->Get(rocksdb::ReadOptions(), cf(), Key(prefix, id), &value);
    if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("no ", what, " with id ", Sv(id)));
    SP_RETURN_IF_ERROR(FromRocks(s, "reading directory"));
    M m;
    if (!m.ParseFromString(value)) return absl::DataLossError("stored directory record does not parse");
    return m;
  }

  template <typename M>
  absl::StatusOr<std::vector<M>> List(char prefix) const {
    const std::string lower(1, prefix);
    const std::string upper(1, static_cast<char>(prefix + 1));
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions read;
    read.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(impl_.db->NewIterator(read, cf()));
    std::vector<M> out;
    for (it->Seek(lower); it->Valid(); it->Next()) {
      M m;
      if (!m.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
        return absl::DataLossError("stored directory record does not parse");
      }
      out.push_back(std::move(m));
    }
    SP_RETURN_IF_ERROR(FromRocks(it->status(), "listing directory"));
    return out;
  }

  std::shared_ptr<Database> database_;
  Database::Impl& impl_;
};

}  // namespace

std::unique_ptr<DirectoryStore> DirectoryStore::Create(std::shared_ptr<Database> database) {
  return std::make_unique<RocksDirectoryStore>(std::move(database));
}

}  // namespace signpost::storage
