// Store reads of the directory (services, teams, case managers).
#include "storage/rocks_util.h"
#include "storage/store_impl.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

template <typename M>
absl::StatusOr<std::vector<M>> ListDirectory(const Database::Impl& db, char prefix) {
  std::vector<M> out;
  SP_RETURN_IF_ERROR(ScanPrefix(db, ColumnFamily::kDirectory, std::string(1, prefix), "",
                                [&](std::string_view, std::string_view v) -> absl::StatusOr<bool> {
                                  SP_ASSIGN_OR_RETURN(M m, ParseStored<M>(v, "directory record"));
                                  out.push_back(std::move(m));
                                  return true;
                                }));
  return out;
}

}  // namespace

absl::StatusOr<v1::DirectoryServiceRecord> Store::GetService(std::string_view id) const {
  absl::StatusOr<v1::DirectoryServiceRecord> s = ReadMessage<v1::DirectoryServiceRecord>(
      impl_->db, ColumnFamily::kDirectory, keys::Service(id), "service");
  if (absl::IsNotFound(s.status())) {
    return absl::NotFoundError(absl::StrCat("no service with id ", Sv(id)));
  }
  return s;
}

absl::StatusOr<std::vector<v1::DirectoryServiceRecord>> Store::ListServices() const {
  return ListDirectory<v1::DirectoryServiceRecord>(impl_->db, keys::kServicePrefix);
}

absl::StatusOr<std::vector<v1::Team>> Store::ListTeams() const {
  return ListDirectory<v1::Team>(impl_->db, keys::kTeamPrefix);
}

absl::StatusOr<std::vector<v1::CaseManager>> Store::ListCaseManagers() const {
  return ListDirectory<v1::CaseManager>(impl_->db, keys::kCaseManagerPrefix);
}

}  // namespace signpost::storage
