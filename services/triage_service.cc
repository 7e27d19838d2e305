#include "services/triage_service.h"

#include "services/unary_call.h"

namespace signpost::services {

namespace v1 = ::signpost::v1;

TriageServiceImpl::TriageServiceImpl(TriageHandler& handler, WorkerPool& pool)
    : handler_(handler), pool_(pool) {}

grpc::ServerUnaryReactor* TriageServiceImpl::EvaluateReferral(
    grpc::CallbackServerContext* ctx, const v1::EvaluateReferralRequest* request,
    v1::TriageDecision* response) {
  return RunUnary(ctx, pool_, "EvaluateReferral", "", [this, request, response] {
    auto result = handler_.Evaluate(*request);
    if (!result.ok()) return Outcome{result.status(), ""};
    *response = *std::move(result);
    return Outcome{absl::OkStatus(), ""};
  });
}

grpc::ServerUnaryReactor* TriageServiceImpl::ReplayRuleSet(
    grpc::CallbackServerContext* ctx, const v1::ReplayRuleSetRequest* request,
    v1::ReplayRuleSetResponse* response) {
  return RunUnary(ctx, pool_, "ReplayRuleSet", "", [this, request, response] {
    auto result = handler_.Replay(*request);
    if (!result.ok()) return Outcome{result.status(), ""};
    *response = *std::move(result);
    return Outcome{absl::OkStatus(), ""};
  });
}

grpc::ServerUnaryReactor* TriageServiceImpl::ActivateRuleSet(
    grpc::CallbackServerContext* ctx, const v1::ActivateRuleSetRequest* request,
    v1::ActivateRuleSetResponse* response) {
  return RunUnary(ctx, pool_, "ActivateRuleSet", "", [this, request, response] {
    auto result = handler_.Activate(*request);
    if (!result.ok()) return Outcome{result.status(), ""};
    *response = *std::move(result);
    return Outcome{absl::OkStatus(), ""};
  });
}

grpc::ServerUnaryReactor* TriageServiceImpl::GetActiveRuleSet(
    grpc::CallbackServerContext* ctx, const v1::GetActiveRuleSetRequest* request,
    v1::ActiveRuleSet* response) {
  return RunUnary(ctx, pool_, "GetActiveRuleSet", "", [this, response] {
    *response = handler_.GetActive();
    return Outcome{absl::OkStatus(), ""};
  });
}

}  // namespace signpost::services
