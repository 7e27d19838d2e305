// DirectoryStore: durable storage of the service directory (services, teams,
// case managers) in the "directory" column family of the same RocksDB as
// referrals.
//
//   std::unique_ptr<DirectoryStore> dir = DirectoryStore::Create(referrals->database());
//   SP_RETURN_IF_ERROR(dir->PutServices({service}));   // one synced batch
//   absl::StatusOr<std::vector<DirectoryServiceRecord>> all = dir->ListServices();
//
// Every Put* call is one WriteBatch written with sync=true: an import of a
// thousand records lands whole or not at all. Upserts replace by id, so a
// re-import updates in place. Thread-safe.
#ifndef SIGNPOST_STORAGE_DIRECTORY_STORE_H_
#define SIGNPOST_STORAGE_DIRECTORY_STORE_H_

#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "signpost/v1/directory.pb.h"
#include "storage/database.h"

namespace signpost::storage {

class DirectoryStore {
 public:
  // Shares the database (keeps it open while the directory store lives).
  static std::unique_ptr<DirectoryStore> Create(std::shared_ptr<Database> database);
  virtual ~DirectoryStore() = default;

  [[nodiscard]] virtual absl::Status PutServices(
      const std::vector<signpost::v1::DirectoryServiceRecord>& services) = 0;
  [[nodiscard]] virtual absl::StatusOr<signpost::v1::DirectoryServiceRecord> GetService(
      std::string_view id) const = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<signpost::v1::DirectoryServiceRecord>>
  ListServices() const = 0;

  [[nodiscard]] virtual absl::Status PutTeam(const signpost::v1::Team& team) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<signpost::v1::Team>> ListTeams() const = 0;
  [[nodiscard]] virtual absl::Status PutCaseManager(const signpost::v1::CaseManager& cm) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<signpost::v1::CaseManager>> ListCaseManagers()
      const = 0;
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_DIRECTORY_STORE_H_
