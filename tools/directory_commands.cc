// `signpost directory ...` (DirectoryService) and `signpost triage` /
// `signpost rules ...` (TriageService).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "proto/signpost/labels.h"
#include "signpost/v1/directory_service.pb.h"
#include "signpost/v1/referral_service.pb.h"
#include "tools/cli.h"

ABSL_FLAG(std::string, postcode, "", "directory search: the person's postcode.");
ABSL_FLAG(double, age, -1, "directory search: age in years.");
ABSL_FLAG(std::string, need, "", "directory search: presenting need, e.g. ANXIETY.");
ABSL_FLAG(std::string, pathway, "", "directory search: pathway id, e.g. eip.");
ABSL_FLAG(bool, open_now, false, "directory search: only services open now.");
ABSL_FLAG(bool, explain, false, "directory search: list excluded services and why.");
ABSL_DECLARE_FLAG(std::string, reason);

namespace signpost::cli {
namespace {

namespace v1 = ::signpost::v1;
std::string Directory(const std::string& rpc) { return "signpost.v1.DirectoryService." + rpc; }

int Import(const Context& ctx) {
  v1::ImportDirectoryRequest request;
  const std::string& path = ctx.args[0];
  if (std::filesystem::is_directory(path)) {  // an HSDS tabular data package
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
      if (!entry.is_regular_file()) continue;
      v1::TabularFile* f = request.add_tabular_files();
      f->set_name(std::filesystem::relative(entry.path(), path).string());
      if (!ReadFile(entry.path().string(), f->mutable_content())) return 2;
    }
  } else if (!ReadFile(path, request.mutable_json())) {
    return 2;
  }
  request.set_source(path);
  v1::ImportDirectoryResponse response;
  grpc::Status status = Call(ctx, Directory("ImportDirectory"), request, &response);
  if (!status.ok()) return Fail(status);
  std::cout << ToJson(response);
  return response.rejected() == 0 ? 0 : 3;  // 3: some records rejected
}

int Export(const Context& ctx) {
  v1::ExportDirectoryRequest request;
  do {
    v1::ExportDirectoryResponse response;
    grpc::Status status = Call(ctx, Directory("ExportDirectory"), request, &response);
    if (!status.ok()) return Fail(status);
    std::cout << response.json() << "\n";
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return 0;
}

bool SearchRequest(v1::SearchServicesRequest& request) {
  request.set_postcode(absl::GetFlag(FLAGS_postcode));
  if (absl::GetFlag(FLAGS_age) >= 0) request.set_age_years(absl::GetFlag(FLAGS_age));
  if (!absl::GetFlag(FLAGS_need).empty()) {
    std::optional<v1::PresentingNeed> need =
        ParseEnum<v1::PresentingNeed>(absl::GetFlag(FLAGS_need));
    if (!need) {
      Usage("unknown need " + absl::GetFlag(FLAGS_need));
      return false;
    }
    request.add_needs(*need);
  }
  if (!absl::GetFlag(FLAGS_pathway).empty()) request.add_pathways(absl::GetFlag(FLAGS_pathway));
  if (absl::GetFlag(FLAGS_open_now)) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    request.mutable_open_at()->set_seconds(
        std::chrono::duration_cast<std::chrono::seconds>(now).count());
  }
  request.set_explain_exclusions(absl::GetFlag(FLAGS_explain));
  return true;
}

int Search(const Context& ctx) {
  v1::SearchServicesRequest request;
  if (!SearchRequest(request)) return 2;
  v1::SearchServicesResponse response;
  grpc::Status status = Call(ctx, Directory("SearchServices"), request, &response);
  if (!status.ok()) return Fail(status);
  for (const auto& m : response.matches()) {
    std::printf("%-32s %6.1f  %s\n", m.service().id().c_str(), m.score(),
                absl::StrJoin(m.reasons(), "; ").c_str());
  }
  for (const auto& x : response.excluded()) {
    std::printf("  excluded %-28s %s\n", x.service_id().c_str(),
                absl::StrJoin(x.reasons(), "; ").c_str());
  }
  return 0;
}

int GetService(const Context& ctx) {
  v1::GetServiceRequest r;
  r.set_service_id(ctx.args[0]);
  return Invoke(ctx, Directory("GetService"), r);
}

int Retire(const Context& ctx) {
  v1::RetireServiceRequest r;
  r.set_service_id(ctx.args[0]);
  r.set_reason(absl::GetFlag(FLAGS_reason));
  return Invoke(ctx, Directory("RetireService"), r);
}

int Upsert(const Context& ctx) {
  v1::UpsertServiceRequest r;
  if (!ParseJson("@" + ctx.args[0], r.mutable_service())) return 2;
  return Invoke(ctx, Directory("UpsertService"), r);
}

}  // namespace

std::vector<Command> DirectoryCommands() {
  return {
      {"directory import", "FILE_OR_DIR", "Import ORUK/HSDS JSON or a tabular package.", Import, 1,
       1},
      {"directory export", "", "The whole directory as HSDS JSON, page by page.", Export},
      {"directory search", "[--postcode=P --age=N --need=N --pathway=P --open_now --explain]",
       "Services for a person, with reasons and exclusions.", Search},
      {"directory get", "SERVICE", "One service.", GetService, 1, 1},
      {"directory retire", "SERVICE [--reason=R]", "Retire a service (never routed to again).",
       Retire, 1, 1},
      {"directory upsert", "FILE", "Create or replace a service (DirectoryServiceRecord JSON).",
       Upsert, 1, 1},
  };
}

}  // namespace signpost::cli
