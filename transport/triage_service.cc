#include "transport/triage_service.h"

#include "transport/unary_call.h"

namespace signpost::transport {

namespace v1 = ::signpost::v1;

TriageServiceImpl::TriageServiceImpl(app::TriageHandler& handler, const CallGate& gate)
    : handler_(handler), gate_(gate) {}

grpc::ServerUnaryReactor* TriageServiceImpl::EvaluateReferral(
    grpc::CallbackServerContext* ctx, const v1::EvaluateReferralRequest* request,
    v1::TriageDecision* response) {
  return RunUnaryInto(ctx, gate_, "EvaluateReferral", request, response,
                      [this, request] { return handler_.Evaluate(*request); });
}

grpc::ServerUnaryReactor* TriageServiceImpl::ReplayRuleSet(grpc::CallbackServerContext* ctx,
                                                           const v1::ReplayRuleSetRequest* request,
                                                           v1::ReplayRuleSetResponse* response) {
  return RunUnaryInto(ctx, gate_, "ReplayRuleSet", request, response,
                      [this, request] { return handler_.Replay(*request); });
}

grpc::ServerUnaryReactor* TriageServiceImpl::ActivateRuleSet(
    grpc::CallbackServerContext* ctx, const v1::ActivateRuleSetRequest* request,
    v1::ActivateRuleSetResponse* response) {
  return RunUnaryInto(ctx, gate_, "ActivateRuleSet", request, response,
                      [this, request] { return handler_.Activate(*request); });
}

grpc::ServerUnaryReactor* TriageServiceImpl::GetActiveRuleSet(
    grpc::CallbackServerContext* ctx, const v1::GetActiveRuleSetRequest* request,
    v1::ActiveRuleSet* response) {
  return RunUnaryInto(ctx, gate_, "GetActiveRuleSet", request, response,
                      [this] { return absl::StatusOr<v1::ActiveRuleSet>(handler_.GetActive()); });
}

}  // namespace signpost::transport
