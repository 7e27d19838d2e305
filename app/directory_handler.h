// DirectoryHandler: the transport-free core of signpost.v1.DirectoryService.
//
// Every write is validate -> one Store::Apply (an import is one write) ->
// rebuild the registry's snapshot, so routing sees it at once. Search runs
// on the current snapshot; export pages through it.
//
//   absl::StatusOr<ImportDirectoryResponse> r = directory.Import(request);
//   absl::StatusOr<bool> seeded = directory.SeedIfEmpty(services_json, roster, false);
//
// Thread-safe.
#ifndef SIGNPOST_APP_DIRECTORY_HANDLER_H_
#define SIGNPOST_APP_DIRECTORY_HANDLER_H_

#include <string>

#include "absl/status/statusor.h"
#include "app/deps.h"
#include "signpost/v1/directory_service.pb.h"

namespace signpost::app {

class DirectoryHandler {
 public:
  // deps.directory must be set.
  explicit DirectoryHandler(const AppDeps& deps) : deps_(deps) {}

  [[nodiscard]] absl::StatusOr<signpost::v1::DirectoryServiceRecord> Upsert(
      const signpost::v1::UpsertServiceRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::DirectoryServiceRecord> Get(
      const signpost::v1::GetServiceRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::DirectoryServiceRecord> Retire(
      const signpost::v1::RetireServiceRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::Team> UpsertTeam(
      const signpost::v1::UpsertTeamRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::CaseManager> UpsertCaseManager(
      const signpost::v1::UpsertCaseManagerRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::SearchServicesResponse> Search(
      const signpost::v1::SearchServicesRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::ImportDirectoryResponse> Import(
      const signpost::v1::ImportDirectoryRequest& request);
  // One page of the HSDS export (bounded by count and by bytes).
  [[nodiscard]] absl::StatusOr<signpost::v1::ExportDirectoryResponse> Export(
      const signpost::v1::ExportDirectoryRequest& request) const;

  // Loads a services file (ORUK/HSDS JSON) and a roster into an empty
  // directory - one that has never held services, teams or case managers
  // - or into any directory when `force`. Returns whether it loaded. A
  // restart therefore never undoes changes made since (capacity, retired
  // services).
  [[nodiscard]] absl::StatusOr<bool> SeedIfEmpty(const std::string& services_json,
                                                 const std::string& source,
                                                 const signpost::v1::DirectoryRoster& roster,
                                                 bool force);

 private:
  // One write of directory records, then the registry rebuilt.
  absl::Status Write(storage::Change change);

  AppDeps deps_;
};

}  // namespace signpost::app

#endif  // SIGNPOST_APP_DIRECTORY_HANDLER_H_
