// RunUnary: the shared shape of every unary gRPC handler.
//
// The CallGate admits the caller first (authentication and the role gate:
// a refused call never reaches its handler, and is audited). The work then
// runs on the WorkerPool (handlers block on storage) inside an AuditScope
// (app/audit.h), skipping calls already cancelled or past their deadline.
// Before the call finishes, the Auditor records it - a call to a
// person-data RPC that wrote nothing gets its entry now, synced, naming
// the subjects of `request` and `response` - and a call that cannot be
// audited returns UNAVAILABLE instead of its data. One log line per call;
// the call finishes with ToGrpcStatus(). A full pool answers
// RESOURCE_EXHAUSTED at once. Work that takes a `const router::Caller&`
// is given the admitted caller.
//
//   return RunUnary(ctx, gate_, "GetReferral", request, response, "", [=] {
//     auto r = handler_.Get(*request);
//     if (!r.ok()) return Outcome{r.status(), ""};
//     *response = *std::move(r);
//     return Outcome{absl::OkStatus(), response->referral_id()};
//   });
#ifndef SIGNPOST_TRANSPORT_UNARY_CALL_H_
#define SIGNPOST_TRANSPORT_UNARY_CALL_H_

#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "app/audit.h"
#include "app/log.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"
#include "router/validation.h"
#include "transport/call_gate.h"
#include "transport/grpc_status.h"
#include "transport/worker_pool.h"

namespace signpost::transport {

// Result of one unary call's work: its status and, for the log, the
// referral it concerned.
struct Outcome {
  absl::Status status;
  std::string referral_id;
};

// Runs `work` on the pool and finishes the call from there. `request` and
// `response` (filled by `work`) must live until the call finishes.
template <typename Work>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* ctx, const CallGate& gate,
                                   const char* method, const google::protobuf::Message* request,
                                   const google::protobuf::Message* response,
                                   std::string request_id, Work work) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  const absl::Time start = absl::Now();
  // Only log request ids of a safe shape; anything else may be garbage.
  if (!router::IsValidRequestId(request_id)) request_id.clear();
  absl::StatusOr<router::Caller> caller = gate.Admit(ctx, method, request);
  if (!caller.ok()) {
    app::LogRpc(method, request_id, "", caller.status(), absl::Now() - start);
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  auto task = [ctx, reactor, method, request, response, request_id, start, &gate,
               who = *std::move(caller), work = std::move(work)]() mutable {
    Outcome outcome;
    if (ctx->IsCancelled()) {
      outcome.status = absl::CancelledError("cancelled before it started");
    } else if (ctx->deadline() < std::chrono::system_clock::now()) {
      outcome.status = absl::DeadlineExceededError("deadline passed before the call started");
    } else {
      app::AuditScope scope(gate.AuditContextFor(method, who));
      if constexpr (std::is_invocable_v<Work&, const router::Caller&>) {
        outcome = work(who);
      } else {
        outcome = work();
      }
      outcome.status = gate.Audited(scope, request, response, outcome.status);
    }
    app::LogRpc(method, request_id, outcome.referral_id, outcome.status, absl::Now() - start);
    reactor->Finish(ToGrpcStatus(outcome.status));
  };
  if (!gate.pool().TrySchedule(std::move(task))) {
    const absl::Status busy = absl::ResourceExhaustedError("server busy; retry with backoff");
    app::LogRpc(method, request_id, "", busy, absl::Now() - start);
    reactor->Finish(ToGrpcStatus(busy));
  }
  return reactor;
}

// RunUnary for the common case: `call` returns absl::StatusOr<Response>,
// whose value becomes the RPC's response. A `call` taking a
// `const router::Caller&` is given the admitted caller.
//
//   return RunUnaryInto(ctx, gate_, "GetService", request, response,
//                       [this, request] { return handler_.Get(*request); });
template <typename Response, typename Call>
grpc::ServerUnaryReactor* RunUnaryInto(grpc::CallbackServerContext* ctx, const CallGate& gate,
                                       const char* method, const google::protobuf::Message* request,
                                       Response* response, Call call) {
  return RunUnary(ctx, gate, method, request, response, "",
                  [response, call = std::move(call)](const router::Caller& who) mutable {
                    auto result = [&] {
                      if constexpr (std::is_invocable_v<Call&, const router::Caller&>) {
                        return call(who);
                      } else {
                        return call();
                      }
                    }();
                    if (!result.ok()) return Outcome{result.status(), ""};
                    *response = *std::move(result);
                    return Outcome{absl::OkStatus(), ""};
                  });
}

}  // namespace signpost::transport

#endif  // SIGNPOST_TRANSPORT_UNARY_CALL_H_
