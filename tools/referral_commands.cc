// `signpost` commands for referrers and the closed loop: submit, get, list,
// withdraw, watch, unmet need, health, and `call` for any RPC.
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "proto/signpost/labels.h"
#include "signpost/v1/referral_service.grpc.pb.h"
#include "tools/cli.h"

ABSL_FLAG(std::string, reason, "", "withdraw, hold, error, retriage: the reason.");
ABSL_FLAG(std::string, status, "", "list: comma-separated statuses, e.g. RECEIVED,WITHDRAWN.");
ABSL_FLAG(std::string, channel, "", "list: source channel, e.g. GP.");
ABSL_FLAG(std::string, referrer, "", "list, watch: referrer ODS code.");
ABSL_FLAG(int, page_size, 50, "list, audit person, audit list: page size.");
ABSL_FLAG(bool, all, false, "list: follow page tokens to the end.");
ABSL_FLAG(uint64_t, after, 0, "watch: resume after this event sequence.");
ABSL_FLAG(std::string, referral, "", "watch: only this referral (id or reference).");
ABSL_FLAG(int, limit, 0, "watch: stop after this many events (0 = never).");
ABSL_FLAG(int, idle_exit_ms, 0, "watch: stop after this long with no event (0 = never).");

namespace signpost::cli {
namespace {

namespace v1 = ::signpost::v1;
constexpr char kReferrals[] = "signpost.v1.ReferralService.";

int Submit(const Context& ctx) {
  v1::SubmitReferralRequest request;
  if (!ParseJson("@" + ctx.args[0], &request)) return 2;
  return Invoke(ctx, std::string(kReferrals) + "SubmitReferral", request);
}

int Get(const Context& ctx) {
  v1::GetReferralRequest request;
  request.set_referral_id(ctx.args[0]);
  return Invoke(ctx, std::string(kReferrals) + "GetReferral", request);
}

bool ListFilters(v1::ListReferralsRequest& request) {
  for (absl::string_view name :
       absl::StrSplit(absl::GetFlag(FLAGS_status), ',', absl::SkipEmpty())) {
    std::optional<v1::ReferralStatus> s = ParseEnum<v1::ReferralStatus>(std::string(name));
    if (!s) {
      Usage("unknown status " + std::string(name));
      return false;
    }
    request.add_statuses(*s);
  }
  if (!absl::GetFlag(FLAGS_channel).empty()) {
    std::optional<v1::SourceChannel> c = ParseEnum<v1::SourceChannel>(absl::GetFlag(FLAGS_channel));
    if (!c) {
      Usage("unknown channel " + absl::GetFlag(FLAGS_channel));
      return false;
    }
    request.set_channel(*c);
  }
  request.set_referrer_ods_code(absl::GetFlag(FLAGS_referrer));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  return true;
}

int List(const Context& ctx) {
  v1::ListReferralsRequest request;
  if (!ListFilters(request)) return 2;
  do {
    v1::ListReferralsResponse response;
    grpc::Status status = Call(ctx, std::string(kReferrals) + "ListReferrals", request, &response);
    if (!status.ok()) return Fail(status);
    std::cout << ToJson(response);
    request.set_page_token(response.next_page_token());
  } while (absl::GetFlag(FLAGS_all) && !request.page_token().empty());
  return 0;
}

int Withdraw(const Context& ctx) {
  v1::WithdrawReferralRequest request;
  request.set_referral_id(ctx.args[0]);
  request.set_reason(absl::GetFlag(FLAGS_reason));
  return Invoke(ctx, std::string(kReferrals) + "WithdrawReferral", request);
}

int Unmet(const Context& ctx) {
  return Invoke(ctx, std::string(kReferrals) + "SummariseUnmetNeed",
                v1::SummariseUnmetNeedRequest());
}

// Cancels `call` when no event arrives for `idle_ms`.
class IdleTimer {
 public:
  IdleTimer(grpc::ClientContext& call, int idle_ms) {
    if (idle_ms <= 0) return;
    thread_ = std::thread([this, &call, idle_ms] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!done_) {
        const int64_t seen = generation_;
        if (!cv_.wait_for(lock, std::chrono::milliseconds(idle_ms),
                          [&] { return done_ || generation_ != seen; })) {
          call.TryCancel();
          return;
        }
      }
    });
  }
  ~IdleTimer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  void Touch() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++generation_;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  int64_t generation_ = 0;
  std::thread thread_;
};

int Watch(const Context& ctx) {
  grpc::ClientContext call;
  ctx.Authorise(call);
  v1::WatchReferralsRequest request;
  request.set_after_sequence(absl::GetFlag(FLAGS_after));
  request.set_referral_id(absl::GetFlag(FLAGS_referral));
  request.set_referrer_ods_code(absl::GetFlag(FLAGS_referrer));
  auto stub = v1::ReferralService::NewStub(ctx.channel);
  auto reader = stub->WatchReferrals(&call, request);
  const int limit = absl::GetFlag(FLAGS_limit);
  int count = 0;
  {
    IdleTimer idle(call, absl::GetFlag(FLAGS_idle_exit_ms));
    v1::ReferralEvent event;
    while (reader->Read(&event)) {
      std::cout << ToJson(event) << std::flush;
      idle.Touch();
      if (limit > 0 && ++count >= limit) {
        call.TryCancel();
        break;
      }
    }
  }
  grpc::Status status = reader->Finish();
  if (status.error_code() == grpc::StatusCode::CANCELLED) return 0;  // we stopped it
  return status.ok() ? 0 : Fail(status);
}

int Health(const Context& ctx) {
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status =
      Call(ctx, "grpc.health.v1.Health.Check", grpc::health::v1::HealthCheckRequest(), &response);
  if (!status.ok()) return Fail(status);
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()) << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}

// Any unary RPC by its full name, with the request as JSON (or @FILE).
int GenericCall(const Context& ctx) {
  std::string method = ctx.args[0];
  if (method.find('.') == std::string::npos) return Usage("give Service.Method");
  if (method.rfind("signpost.", 0) != 0) method = "signpost.v1." + method;
  const auto* desc = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(method);
  if (desc == nullptr) return Usage("no such method " + method + " (signpost methods lists them)");
  if (desc->server_streaming() || desc->client_streaming()) return Usage("streaming: use watch");
  std::unique_ptr<google::protobuf::Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(desc->input_type())
          ->New());
  if (!ParseJson(ctx.args.size() > 1 ? ctx.args[1] : "{}", request.get())) return 2;
  return Invoke(ctx, method, *request);
}

int Methods(const Context&) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* service :
       {"ReferralService", "CaseService", "TriageService", "DirectoryService"}) {
    const auto* s = pool->FindServiceByName(std::string("signpost.v1.") + service);
    if (s == nullptr) continue;
    for (int i = 0; i < s->method_count(); ++i) {
      const auto* m = s->method(i);
      std::printf("%s.%s(%s)%s\n", service, m->name().c_str(), m->input_type()->name().c_str(),
                  m->server_streaming() ? " stream" : "");
    }
  }
  return 0;
}

}  // namespace

std::vector<Command> ReferralCommands() {
  return {
      {"health", "", "Is the server serving?", Health},
      {"submit", "FILE", "Submit a referral (SubmitReferralRequest as JSON).", Submit, 1, 1},
      {"get", "ID_OR_REFERENCE", "A referral by id or phone reference (K7QM-4XD2).", Get, 1, 1},
      {"list", "[--status=S,S --channel=C --referrer=ODS --all]", "List referrals, oldest first.",
       List},
      {"withdraw", "ID --reason=TEXT", "The referrer withdraws an open referral.", Withdraw, 1, 1},
      {"watch", "[--after=SEQ --referrer=ODS --referral=ID --limit=N --idle_exit_ms=MS]",
       "Stream referral events from a cursor.", Watch},
      {"unmet", "", "Unmet need: unmatched referrals by category and area.", Unmet},
      {"call", "Service.Method [JSON|@FILE]", "Call any unary RPC with a JSON request.",
       GenericCall, 1, 2},
      {"methods", "", "List every RPC (for signpost call).", Methods},
  };
}

}  // namespace signpost::cli
