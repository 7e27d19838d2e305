#include "services/directory_handler.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "proto/signpost/proto_time.h"
#include "router/directory/hsds_tabular.h"
#include "router/directory/oruk_import.h"
#include "services/errors.h"

namespace signpost::services {
namespace {

namespace v1 = ::signpost::v1;
constexpr size_t kMaxImportBytes = 32 << 20;

std::vector<router::FieldViolation> CheckService(const v1::DirectoryServiceRecord& s) {
  std::vector<router::FieldViolation> v;
  if (s.id().empty() || s.id().size() > 128) v.push_back({"service.id", "is required (max 128)"});
  if (s.name().empty()) v.push_back({"service.name", "is required"});
  if (s.status() == v1::SERVICE_STATUS_UNSPECIFIED || !v1::ServiceStatus_IsValid(s.status())) {
    v.push_back({"service.status", "is required"});
  }
  const auto& e = s.eligibility();
  if (e.has_min_age_years() && e.has_max_age_years() && e.min_age_years() > e.max_age_years()) {
    v.push_back({"service.eligibility.max_age_years", "is below min_age_years"});
  }
  return v;
}

}  // namespace

DirectoryHandler::DirectoryHandler(DirectoryRegistry& registry, const Clock& clock,
                                   absl::TimeZone zone)
    : registry_(registry), clock_(clock), zone_(zone) {}

absl::StatusOr<v1::DirectoryServiceRecord> DirectoryHandler::Upsert(
    const v1::UpsertServiceRequest& request) {
  v1::DirectoryServiceRecord s = request.service();
  if (auto v = CheckService(s); !v.empty()) return InvalidArgumentFromViolations(v);
  *s.mutable_updated_at() = ToProtoTime(clock_.Now());
  SP_RETURN_IF_ERROR(registry_.store().PutServices({s}));
  SP_RETURN_IF_ERROR(registry_.Reload());
  return s;
}

absl::StatusOr<v1::DirectoryServiceRecord> DirectoryHandler::Get(
    const v1::GetServiceRequest& request) const {
  if (request.service_id().empty()) {
    return InvalidArgumentFromViolations({{"service_id", "is required"}});
  }
  return registry_.store().GetService(request.service_id());
}

absl::StatusOr<v1::DirectoryServiceRecord> DirectoryHandler::Retire(
    const v1::RetireServiceRequest& request) {
  if (request.service_id().empty()) {
    return InvalidArgumentFromViolations({{"service_id", "is required"}});
  }
  SP_ASSIGN_OR_RETURN(v1::DirectoryServiceRecord s, registry_.store().GetService(request.service_id()));
  s.set_status(v1::SERVICE_STATUS_INACTIVE);
  *s.mutable_updated_at() = ToProtoTime(clock_.Now());
  SP_RETURN_IF_ERROR(registry_.store().PutServices({s}));
  SP_RETURN_IF_ERROR(registry_.Reload());
  return s;
}

absl::StatusOr<v1::Team> DirectoryHandler::UpsertTeam(const v1::UpsertTeamRequest& request) {
  std::vector<router::FieldViolation> v;
  if (request.team().id().empty()) v.push_back({"team.id", "is required"});
  if (request.team().service_id().empty()) v.push_back({"team.service_id", "is required"});
  if (!v.empty()) return InvalidArgumentFromViolations(v);
  SP_RETURN_IF_ERROR(registry_.store().PutTeam(request.team()));
  SP_RETURN_IF_ERROR(registry_.Reload());
  return request.team();
}

absl::StatusOr<v1::CaseManager> DirectoryHandler::UpsertCaseManager(
    const v1::UpsertCaseManagerRequest& request) {
  const v1::CaseManager& cm = request.case_manager();
  std::vector<router::FieldViolation> v;
  if (cm.id().empty()) v.push_back({"case_manager.id", "is required"});
  if (cm.team_id().empty()) v.push_back({"case_manager.team_id", "is required"});
  if (cm.caseload_limit() < 0 || cm.current_caseload() < 0) {
    v.push_back({"case_manager.caseload_limit", "caseloads cannot be negative"});
  }
  if (!v.empty()) return InvalidArgumentFromViolations(v);
  SP_RETURN_IF_ERROR(registry_.store().PutCaseManager(cm));
  SP_RETURN_IF_ERROR(registry_.Reload());
  return cm;
}

absl::StatusOr<v1::SearchServicesResponse> DirectoryHandler::Search(
    const v1::SearchServicesRequest& request) const {
  if (request.limit() < 0 || request.limit() > 100) {
    return InvalidArgumentFromViolations({{"limit", "must be between 0 and 100"}});
  }
  return registry_.Current()->snapshot->Search(request, zone_);
}

absl::StatusOr<v1::ImportDirectoryResponse> DirectoryHandler::Import(
    const v1::ImportDirectoryRequest& request) {
  size_t bytes = request.json().size();
  for (const auto& f : request.tabular_files()) bytes += f.content().size();
  if ((request.json().empty() == request.tabular_files().empty()) || bytes > kMaxImportBytes) {
    return InvalidArgumentFromViolations(
        {{"json", "give either json or tabular_files (at most 32 MiB in all)"}});
  }
  const std::string source = request.source().empty() ? "import" : request.source();
  router::OrukImport imported;
  if (!request.json().empty()) {
    imported = router::ImportOrukJson(request.json(), source);
  } else {
    std::map<std::string, std::string> files;
    for (const auto& f : request.tabular_files()) files[f.name()] = f.content();
    imported = router::ImportHsdsDataPackage(files, source);
  }
  v1::ImportDirectoryResponse out;
  const auto view = registry_.Current();
  std::vector<v1::DirectoryServiceRecord> services = imported.services;
  for (auto& s : services) {
    *s.mutable_updated_at() = ToProtoTime(clock_.Now());
    if (view->snapshot->Find(s.id()) != nullptr) {
      out.set_updated(out.updated() + 1);
    } else {
      out.set_imported(out.imported() + 1);
    }
  }
  std::set<int> rejected;
  for (const auto& e : imported.errors) {
    rejected.insert(e.record);
    v1::ImportError* err = out.add_errors();
    err->set_record(e.record);
    err->set_record_id(e.record_id);
    err->set_field(e.field);
    err->set_message(e.message);
  }
  out.set_rejected(static_cast<int>(rejected.size()));
  if (!services.empty()) {
    SP_RETURN_IF_ERROR(registry_.store().PutServices(services));  // one synced batch
    SP_RETURN_IF_ERROR(registry_.Reload());
  }
  return out;
}

absl::StatusOr<v1::ExportDirectoryResponse> DirectoryHandler::Export() const {
  v1::ExportDirectoryResponse out;
  out.set_json(router::ExportHsdsJson(registry_.Current()->snapshot->services()));
  return out;
}

}  // namespace signpost::services
