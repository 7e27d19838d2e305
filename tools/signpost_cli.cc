// signpost: command-line client for the Signpost gRPC API.
//
//   signpost submit referral.json          # SubmitReferralRequest as JSON
//   signpost get 01J...                    # by id or reference ("K7QM-4XD2")
//   signpost list --status=RECEIVED --referrer=A81001
//   signpost withdraw K7QM-4XD2 --reason="Patient moved out of area"
//   signpost watch --after=0 --limit=10 --idle_exit_ms=2000
//   signpost health
//   signpost triage referral.json [--rules_file=F]   # dry run (EvaluateReferral)
//   signpost rules check FILE                      # local validation, no server
//   signpost rules active | activate FILE | replay FILE [--from=T --to=T]
//   signpost directory import FILE_OR_CSV_DIR | export | search [--postcode=P --age=N
//            --need=ANXIETY --pathway=eip --open_now --explain]
//   signpost case person ID_OR_NHS | timeline ID_OR_NHS | assessment ID_OR_NHS
//            | duplicates | overdue [--within_hours=N] | caseload CM | queue TEAM
//            | accept REF [--case_manager=CM] | start REF | contact REF
//            | close REF --outcome=TREATMENT_COMPLETED   (all with --by=STAFF_ID)
//
// Global flags: --server (default 127.0.0.1:50051), --timeout_ms.
// Output is JSON with proto field names. Exit status: 0 ok, 1 RPC error
// (code, message and each field violation on stderr), 2 usage error.
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "router/triage/triage_engine.h"
#include "signpost/v1/directory_service.grpc.pb.h"
#include "signpost/v1/referral_service.grpc.pb.h"
#include "signpost/v1/triage_service.grpc.pb.h"
#include "tools/case_commands.h"
#include "tools/cli_common.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "Server address host:port.");
ABSL_FLAG(int, timeout_ms, 10000, "Deadline for unary calls.");
ABSL_FLAG(std::string, reason, "", "withdraw: the reason.");
ABSL_FLAG(std::string, status, "", "list: comma-separated statuses, e.g. RECEIVED,WITHDRAWN.");
ABSL_FLAG(std::string, channel, "", "list: source channel, e.g. GP.");
ABSL_FLAG(std::string, referrer, "", "list/watch: referrer ODS code.");
ABSL_FLAG(int, page_size, 50, "list: page size.");
ABSL_FLAG(bool, all, false, "list: follow page tokens to the end.");
ABSL_FLAG(uint64_t, after, 0, "watch: resume after this event sequence.");
ABSL_FLAG(std::string, referral, "", "watch: only this referral (id or reference).");
ABSL_FLAG(int, limit, 0, "watch: stop after this many events (0 = never).");
ABSL_FLAG(int, idle_exit_ms, 0, "watch: stop after this long with no event (0 = never).");
ABSL_FLAG(std::string, rules_file, "", "triage: evaluate with this candidate rule file.");
ABSL_FLAG(std::string, from, "", "rules replay: received at or after (RFC 3339).");
ABSL_FLAG(std::string, postcode, "", "directory search: the person's postcode.");
ABSL_FLAG(double, age, -1, "directory search: age in years.");
ABSL_FLAG(std::string, need, "", "directory search: presenting need, e.g. ANXIETY.");
ABSL_FLAG(std::string, pathway, "", "directory search: pathway id, e.g. eip.");
ABSL_FLAG(bool, open_now, false, "directory search: only services open now.");
ABSL_FLAG(bool, explain, false, "directory search: list excluded services and why.");
ABSL_FLAG(std::string, to, "", "rules replay: received before (RFC 3339).");

namespace {

namespace v1 = ::signpost::v1;

using signpost::cli::Fail;
using signpost::cli::SetDeadline;
using signpost::cli::ToJson;

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

bool ReadRequest(const std::string& path, v1::SubmitReferralRequest* request) {
  std::string text;
  if (!ReadFile(path, &text)) return false;
  auto parsed = google::protobuf::util::JsonStringToMessage(text, request);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s is not a SubmitReferralRequest: %s\n", path.c_str(),
                 parsed.ToString().c_str());
    return false;
  }
  return true;
}

int Submit(v1::ReferralService::Stub& stub, const std::string& path) {
  v1::SubmitReferralRequest request;
  if (!ReadRequest(path, &request)) return 2;
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  v1::SubmitReferralResponse response;
  grpc::Status status = stub.SubmitReferral(&ctx, request, &response);
  if (!status.ok()) return Fail(status);
  std::cout << ToJson(response);
  return 0;
}

int Get(v1::ReferralService::Stub& stub, const std::string& id) {
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  v1::GetReferralRequest request;
  request.set_referral_id(id);
  v1::Referral response;
  grpc::Status status = stub.GetReferral(&ctx, request, &response);
  if (!status.ok()) return Fail(status);
  std::cout << ToJson(response);
  return 0;
}

int List(v1::ReferralService::Stub& stub) {
  v1::ListReferralsRequest request;
  for (absl::string_view name :
       absl::StrSplit(absl::GetFlag(FLAGS_status), ',', absl::SkipEmpty())) {
    v1::ReferralStatus s;
    std::string full = "REFERRAL_STATUS_" + absl::AsciiStrToUpper(name);
    if (!v1::ReferralStatus_Parse(full, &s)) {
      std::fprintf(stderr, "unknown status %s\n", std::string(name).c_str());
      return 2;
    }
    request.add_statuses(s);
  }
  if (!absl::GetFlag(FLAGS_channel).empty()) {
    v1::SourceChannel c;
    if (!v1::SourceChannel_Parse(
            "SOURCE_CHANNEL_" + absl::AsciiStrToUpper(absl::GetFlag(FLAGS_channel)), &c)) {
      std::fprintf(stderr, "unknown channel %s\n", absl::GetFlag(FLAGS_channel).c_str());
      return 2;
    }
    request.set_channel(c);
  }
  request.set_referrer_ods_code(absl::GetFlag(FLAGS_referrer));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  do {
    grpc::ClientContext ctx;
    SetDeadline(ctx);
    v1::ListReferralsResponse response;
    grpc::Status status = stub.ListReferrals(&ctx, request, &response);
    if (!status.ok()) return Fail(status);
    std::cout << ToJson(response);
    request.set_page_token(response.next_page_token());
  } while (absl::GetFlag(FLAGS_all) && !request.page_token().empty());
  return 0;
}

int Withdraw(v1::ReferralService::Stub& stub, const std::string& id) {
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  v1::WithdrawReferralRequest request;
  request.set_referral_id(id);
  request.set_reason(absl::GetFlag(FLAGS_reason));
  v1::WithdrawReferralResponse response;
  grpc::Status status = stub.WithdrawReferral(&ctx, request, &response);
  if (!status.ok()) return Fail(status);
  std::cout << ToJson(response);
  return 0;
}

int Watch(v1::ReferralService::Stub& stub) {
  grpc::ClientContext ctx;
  v1::WatchReferralsRequest request;
  request.set_after_sequence(absl::GetFlag(FLAGS_after));
  request.set_referral_id(absl::GetFlag(FLAGS_referral));
  request.set_referrer_ods_code(absl::GetFlag(FLAGS_referrer));
  const int limit = absl::GetFlag(FLAGS_limit);
  const int idle_ms = absl::GetFlag(FLAGS_idle_exit_ms);
  auto reader = stub.WatchReferrals(&ctx, request);

  // An idle timer cancels the stream when no event arrives for idle_ms.
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  int64_t generation = 0;
  std::thread idle_timer;
  if (idle_ms > 0) {
    idle_timer = std::thread([&] {
      std::unique_lock<std::mutex> lock(mu);
      while (!done) {
        const int64_t seen = generation;
        if (!cv.wait_for(lock, std::chrono::milliseconds(idle_ms),
                         [&] { return done || generation != seen; })) {
          ctx.TryCancel();
          return;
        }
      }
    });
  }
  v1::ReferralEvent event;
  int count = 0;
  while (reader->Read(&event)) {
    std::cout << ToJson(event) << std::flush;
    {
      std::lock_guard<std::mutex> lock(mu);
      ++generation;
    }
    cv.notify_all();
    if (limit > 0 && ++count >= limit) {
      ctx.TryCancel();
      break;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
  }
  cv.notify_all();
  if (idle_timer.joinable()) idle_timer.join();
  grpc::Status status = reader->Finish();
  if (status.error_code() == grpc::StatusCode::CANCELLED) return 0;  // we stopped it
  if (!status.ok()) return Fail(status);
  return 0;
}

int Health(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  grpc::health::v1::HealthCheckRequest request;  // service "" = whole server
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&ctx, request, &response);
  if (!status.ok()) return Fail(status);
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()) << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}

int Triage(v1::TriageService::Stub& stub, const std::string& path) {
  v1::SubmitReferralRequest submit;
  if (!ReadRequest(path, &submit)) return 2;
  v1::EvaluateReferralRequest request;
  *request.mutable_submission() = submit.submission();
  if (!absl::GetFlag(FLAGS_rules_file).empty() &&
      !ReadFile(absl::GetFlag(FLAGS_rules_file), request.mutable_rule_set_text())) {
    return 2;
  }
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  v1::TriageDecision decision;
  grpc::Status status = stub.EvaluateReferral(&ctx, request, &decision);
  if (!status.ok()) return Fail(status);
  std::cout << ToJson(decision);
  return 0;
}

bool ParseTime(const std::string& text, google::protobuf::Timestamp* out) {
  if (text.empty()) return true;
  if (!google::protobuf::util::TimeUtil::FromString(text, out)) {
    std::fprintf(stderr, "not an RFC 3339 time: %s\n", text.c_str());
    return false;
  }
  return true;
}

int Rules(v1::TriageService::Stub& stub, const std::vector<char*>& args) {
  const std::string verb = args.size() > 2 ? args[2] : "";
  if (verb == "check" && args.size() == 4) {
    std::string text;
    if (!ReadFile(args[3], &text)) return 2;
    auto engine = signpost::router::TriageEngine::FromText(text);
    if (!engine.ok()) {
      std::fprintf(stderr, "%s\n", std::string(engine.status().message()).c_str());
      return 1;
    }
    std::printf("valid: version %s, %d rules\n", (*engine)->version().c_str(),
                (*engine)->rule_set().rules_size());
    return 0;
  }
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  if (verb == "active" && args.size() == 3) {
    v1::ActiveRuleSet active;
    grpc::Status status = stub.GetActiveRuleSet(&ctx, {}, &active);
    if (!status.ok()) return Fail(status);
    std::printf("%s (activated %s)\n", active.rule_set_version().c_str(),
                google::protobuf::util::TimeUtil::ToString(active.activated_at()).c_str());
    return 0;
  }
  if (verb == "activate" && args.size() == 4) {
    v1::ActivateRuleSetRequest request;
    if (!ReadFile(args[3], request.mutable_rule_set_text())) return 2;
    v1::ActivateRuleSetResponse response;
    grpc::Status status = stub.ActivateRuleSet(&ctx, request, &response);
    if (!status.ok()) return Fail(status);
    std::cout << ToJson(response);
    return 0;
  }
  if (verb == "replay" && args.size() == 4) {
    v1::ReplayRuleSetRequest request;
    if (!ReadFile(args[3], request.mutable_candidate_rule_set_text())) return 2;
    if (!ParseTime(absl::GetFlag(FLAGS_from), request.mutable_received_after()) ||
        !ParseTime(absl::GetFlag(FLAGS_to), request.mutable_received_before())) {
      return 2;
    }
    if (absl::GetFlag(FLAGS_from).empty()) request.clear_received_after();
    if (absl::GetFlag(FLAGS_to).empty()) request.clear_received_before();
    v1::ReplayRuleSetResponse response;
    grpc::Status status = stub.ReplayRuleSet(&ctx, request, &response);
    if (!status.ok()) return Fail(status);
    std::cout << ToJson(response);
    return response.under_triaged_size() == 0 ? 0 : 3;  // 3: under-triage found
  }
  std::fprintf(stderr, "usage: signpost rules check FILE | active | activate FILE | replay FILE\n");
  return 2;
}

int Directory(v1::DirectoryService::Stub& stub, const std::vector<char*>& args) {
  const std::string verb = args.size() > 2 ? args[2] : "";
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  if (verb == "import" && args.size() == 4) {
    v1::ImportDirectoryRequest request;
    const std::string path = args[3];
    if (std::filesystem::is_directory(path)) {  // HSDS tabular data package
      for (const auto& entry : std::filesystem::directory_iterator(path)) {
        v1::TabularFile* f = request.add_tabular_files();
        f->set_name(entry.path().filename().string());
        if (!ReadFile(entry.path().string(), f->mutable_content())) return 2;
      }
    } else if (!ReadFile(path, request.mutable_json())) {
      return 2;
    }
    request.set_source(path);
    v1::ImportDirectoryResponse response;
    grpc::Status status = stub.ImportDirectory(&ctx, request, &response);
    if (!status.ok()) return Fail(status);
    std::cout << ToJson(response);
    return response.rejected() == 0 ? 0 : 3;  // 3: some records rejected
  }
  if (verb == "export" && args.size() == 3) {
    v1::ExportDirectoryRequest request;
    do {
      grpc::ClientContext page_ctx;
      SetDeadline(page_ctx);
      v1::ExportDirectoryResponse response;
      grpc::Status status = stub.ExportDirectory(&page_ctx, request, &response);
      if (!status.ok()) return Fail(status);
      std::cout << response.json() << "\n";
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return 0;
  }
  if (verb == "search" && args.size() == 3) {
    v1::SearchServicesRequest request;
    request.set_postcode(absl::GetFlag(FLAGS_postcode));
    if (absl::GetFlag(FLAGS_age) >= 0) request.set_age_years(absl::GetFlag(FLAGS_age));
    if (!absl::GetFlag(FLAGS_need).empty()) {
      v1::PresentingNeed need;
      if (!v1::PresentingNeed_Parse(
              "PRESENTING_NEED_" + absl::AsciiStrToUpper(absl::GetFlag(FLAGS_need)), &need)) {
        std::fprintf(stderr, "unknown need %s\n", absl::GetFlag(FLAGS_need).c_str());
        return 2;
      }
      request.add_needs(need);
    }
    if (!absl::GetFlag(FLAGS_pathway).empty()) request.add_pathways(absl::GetFlag(FLAGS_pathway));
    if (absl::GetFlag(FLAGS_open_now)) {
      const auto now = std::chrono::system_clock::now().time_since_epoch();
      request.mutable_open_at()->set_seconds(
          std::chrono::duration_cast<std::chrono::seconds>(now).count());
    }
    request.set_explain_exclusions(absl::GetFlag(FLAGS_explain));
    v1::SearchServicesResponse response;
    grpc::Status status = stub.SearchServices(&ctx, request, &response);
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
  std::fprintf(stderr, "usage: signpost directory import FILE | export | search [flags]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "signpost <submit FILE | get ID | list | withdraw ID --reason=R | watch | health |\n"
      "          triage FILE | rules check FILE | rules active | rules activate FILE |\n"
      "          rules replay FILE | directory ... | case ...>");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) {
    std::fprintf(stderr, "usage: %s\n", absl::ProgramUsageMessage().data());
    return 2;
  }
  const std::string command = args[1];
  auto channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_server), grpc::InsecureChannelCredentials());
  auto stub = v1::ReferralService::NewStub(channel);
  if (command == "submit" && args.size() == 3) return Submit(*stub, args[2]);
  if (command == "get" && args.size() == 3) return Get(*stub, args[2]);
  if (command == "list" && args.size() == 2) return List(*stub);
  if (command == "withdraw" && args.size() == 3) return Withdraw(*stub, args[2]);
  if (command == "watch" && args.size() == 2) return Watch(*stub);
  if (command == "health" && args.size() == 2) return Health(channel);
  auto triage = v1::TriageService::NewStub(channel);
  if (command == "triage" && args.size() == 3) return Triage(*triage, args[2]);
  if (command == "rules") return Rules(*triage, args);
  auto directory = v1::DirectoryService::NewStub(channel);
  if (command == "directory") return Directory(*directory, args);
  if (command == "case") return signpost::cli::CaseCommand(channel, args);
  std::fprintf(stderr, "usage: %s\n", absl::ProgramUsageMessage().data());
  return 2;
}
