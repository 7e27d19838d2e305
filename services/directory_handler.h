// DirectoryHandler: the transport-free core of signpost.v1.DirectoryService.
//
// Writes go to the DirectoryStore (one synced batch each; an import is one
// batch) and then rebuild the registry's snapshot, so routing sees them at
// once. Search runs on the current snapshot. Thread-safe.
#ifndef SIGNPOST_SERVICES_DIRECTORY_HANDLER_H_
#define SIGNPOST_SERVICES_DIRECTORY_HANDLER_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "services/directory_registry.h"
#include "signpost/v1/directory.pb.h"

namespace signpost::services {

class DirectoryHandler {
 public:
  DirectoryHandler(DirectoryRegistry& registry, const Clock& clock, absl::TimeZone zone);

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
  [[nodiscard]] absl::StatusOr<signpost::v1::ExportDirectoryResponse> Export() const;

 private:
  DirectoryRegistry& registry_;
  const Clock& clock_;
  const absl::TimeZone zone_;
};

}  // namespace signpost::services

#endif  // SIGNPOST_SERVICES_DIRECTORY_HANDLER_H_
