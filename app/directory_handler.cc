#include "app/directory_handler.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "app/audit.h"
#include "app/page_token.h"
#include "common/status_macros.h"
#include "proto/signpost/proto_time.h"
#include "router/directory/hsds_tabular.h"
#include "router/directory/oruk_import.h"
#include "router/request_checks.h"

namespace signpost::app {
namespace {

namespace v1 = ::signpost::v1;
constexpr size_t kMaxImportBytes = 32 << 20;
constexpr int kDefaultExportPage = 200;
constexpr int kMaxExportPage = 1000;
constexpr size_t kMaxExportPageBytes = 1 << 20;
constexpr char kSeededMarker[] = "directory/seeded_from";

void CheckService(const v1::DirectoryServiceRecord& s, router::Violations& v) {
  v.Text("service.id", s.id(), {.max_chars = 128, .required = true});
  v.Text("service.name", s.name(), {.max_chars = 500, .required = true});
  v.Enum("service.status", s.status(), true, v1::ServiceStatus_descriptor());
  const auto& e = s.eligibility();
  if (e.has_min_age_years() && e.has_max_age_years() && e.min_age_years() > e.max_age_years()) {
    v.Add("service.eligibility.max_age_years", "is below min_age_years");
  }
}

router::OrukImport Parse(const v1::ImportDirectoryRequest& request, const std::string& source) {
  if (!request.json().empty()) return router::ImportOrukJson(request.json(), source);
  std::map<std::string, std::string> files;
  for (const auto& f : request.tabular_files()) files[f.name()] = f.content();
  return router::ImportHsdsDataPackage(files, source);
}

void CountErrors(const router::OrukImport& imported, v1::ImportDirectoryResponse& out) {
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
}

}  // namespace

absl::Status DirectoryHandler::Write(storage::Change change) {
  SP_RETURN_IF_ERROR(ApplyAudited(deps_.store, std::move(change), deps_.clock).status());
  return deps_.directory->Reload();
}

absl::StatusOr<v1::DirectoryServiceRecord> DirectoryHandler::Upsert(
    const v1::UpsertServiceRequest& request) {
  router::Violations v;
  CheckService(request.service(), v);
  if (!v.empty()) return v.ToStatus("service");
  v1::DirectoryServiceRecord s = request.service();
  *s.mutable_updated_at() = ToProtoTime(deps_.clock.Now());
  SP_RETURN_IF_ERROR(Write({.services = {s}}));
  return s;
}

absl::StatusOr<v1::DirectoryServiceRecord> DirectoryHandler::Get(
    const v1::GetServiceRequest& request) const {
  router::Violations v;
  v.Text("service_id", request.service_id(), {.max_chars = 128, .required = true});
  if (!v.empty()) return v.ToStatus("service request");
  return deps_.store.GetService(request.service_id());
}

absl::StatusOr<v1::DirectoryServiceRecord> DirectoryHandler::Retire(
    const v1::RetireServiceRequest& request) {
  router::Violations v;
  v.Text("service_id", request.service_id(), {.max_chars = 128, .required = true});
  v.Text("reason", request.reason(), {.max_chars = 500});
  if (!v.empty()) return v.ToStatus("retire request");
  SP_ASSIGN_OR_RETURN(v1::DirectoryServiceRecord s, deps_.store.GetService(request.service_id()));
  s.set_status(v1::SERVICE_STATUS_INACTIVE);
  *s.mutable_updated_at() = ToProtoTime(deps_.clock.Now());
  SP_RETURN_IF_ERROR(Write({.services = {s}}));
  return s;
}

absl::StatusOr<v1::Team> DirectoryHandler::UpsertTeam(const v1::UpsertTeamRequest& request) {
  router::Violations v;
  v.DirectoryId("team.id", request.team().id());
  v.Text("team.service_id", request.team().service_id(), {.max_chars = 128, .required = true});
  v.Text("team.name", request.team().name(), {.max_chars = 200});
  if (!v.empty()) return v.ToStatus("team");
  SP_RETURN_IF_ERROR(Write({.teams = {request.team()}}));
  return request.team();
}

absl::StatusOr<v1::CaseManager> DirectoryHandler::UpsertCaseManager(
    const v1::UpsertCaseManagerRequest& request) {
  v1::CaseManager cm = request.case_manager();
  router::Violations v;
  v.DirectoryId("case_manager.id", cm.id());
  v.DirectoryId("case_manager.team_id", cm.team_id());
  v.Text("case_manager.name", cm.name(), {.max_chars = 200});
  if (cm.caseload_limit() < 0) v.Add("case_manager.caseload_limit", "cannot be negative");
  if (!v.empty()) return v.ToStatus("case manager");
  cm.clear_current_caseload();  // derived from allocations, never stored
  SP_RETURN_IF_ERROR(Write({.case_managers = {cm}}));
  return cm;
}

absl::StatusOr<v1::SearchServicesResponse> DirectoryHandler::Search(
    const v1::SearchServicesRequest& request) const {
  router::Violations v;
  if (request.limit() < 0 || request.limit() > 100) v.Add("limit", "must be between 0 and 100");
  if (!v.empty()) return v.ToStatus("search");
  return deps_.directory->Current()->snapshot->Search(request, deps_.zone);
}

absl::StatusOr<v1::ImportDirectoryResponse> DirectoryHandler::Import(
    const v1::ImportDirectoryRequest& request) {
  size_t bytes = request.json().size();
  for (const auto& f : request.tabular_files()) bytes += f.content().size();
  if ((request.json().empty() == request.tabular_files().empty()) || bytes > kMaxImportBytes) {
    return InvalidArgument("import",
                           {{"json", "give either json or tabular_files (at most 32 MiB in all)"}});
  }
  const router::OrukImport imported =
      Parse(request, request.source().empty() ? "import" : request.source());
  v1::ImportDirectoryResponse out;
  const auto view = deps_.directory->Current();
  storage::Change change;
  for (v1::DirectoryServiceRecord s : imported.services) {
    *s.mutable_updated_at() = ToProtoTime(deps_.clock.Now());
    if (view->snapshot->Find(s.id()) != nullptr) {
      out.set_updated(out.updated() + 1);
    } else {
      out.set_imported(out.imported() + 1);
    }
    change.services.push_back(std::move(s));
  }
  CountErrors(imported, out);
  if (!change.services.empty()) SP_RETURN_IF_ERROR(Write(std::move(change)));
  return out;
}

absl::StatusOr<v1::ExportDirectoryResponse> DirectoryHandler::Export(
    const v1::ExportDirectoryRequest& request) const {
  router::Violations v;
  v.PageSize("page_size", request.page_size(), kMaxExportPage);
  const uint64_t fingerprint = FilterFingerprint(request);
  const std::string after = ResumeFromPageToken(request.page_token(), fingerprint, v);
  if (!v.empty()) return v.ToStatus("export request");
  const auto& services = deps_.directory->Current()->snapshot->services();  // id order
  auto first =
      after.empty()
          ? services.begin()
          : std::upper_bound(services.begin(), services.end(), after,
                             [](const std::string& id, const auto& s) { return id < s.id(); });
  std::ptrdiff_t n = std::min<std::ptrdiff_t>(
      services.end() - first, request.page_size() == 0 ? kDefaultExportPage : request.page_size());
  v1::ExportDirectoryResponse out;
  while (true) {
    const bool last = first + n == services.end();
    out.set_json(router::ExportHsdsJson(
        {first, first + n},
        {.total_items = services.size(), .first_page = after.empty(), .last_page = last}));
    if (out.json().size() <= kMaxExportPageBytes || n <= 1) {
      if (!last) out.set_next_page_token(EncodePageToken((first + n - 1)->id(), fingerprint));
      break;
    }
    n /= 2;  // a page of large records: fewer of them
  }
  out.set_total_items(static_cast<int>(services.size()));
  return out;
}

absl::StatusOr<bool> DirectoryHandler::SeedIfEmpty(const std::string& services_json,
                                                   const std::string& source,
                                                   const v1::DirectoryRoster& roster, bool force) {
  SP_ASSIGN_OR_RETURN(std::optional<std::string> seeded, deps_.store.GetMeta(kSeededMarker));
  const auto view = deps_.directory->Current();
  const bool empty = view->snapshot->size() == 0 && view->roster.teams.empty() &&
                     view->roster.case_managers.empty();
  if (!force && (seeded || !empty)) return false;
  const router::OrukImport imported = router::ImportOrukJson(services_json, source);
  if (!imported.errors.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("seed services rejected: ", imported.errors.size(),
                     " error(s), first: ", imported.errors[0].message));
  }
  storage::Change change;
  for (v1::DirectoryServiceRecord s : imported.services) {
    *s.mutable_updated_at() = ToProtoTime(deps_.clock.Now());
    change.services.push_back(std::move(s));
  }
  change.teams.assign(roster.teams().begin(), roster.teams().end());
  for (v1::CaseManager cm : roster.case_managers()) {
    cm.clear_current_caseload();
    change.case_managers.push_back(std::move(cm));
  }
  change.meta.emplace_back(kSeededMarker, source);
  SP_RETURN_IF_ERROR(Write(std::move(change)));
  return true;
}

}  // namespace signpost::app
