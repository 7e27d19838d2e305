// The gRPC adapter for signpost.v1.TriageService (callback API). Thin: each
// call runs app::TriageHandler on the worker pool via RunUnary().
#ifndef SIGNPOST_TRANSPORT_TRIAGE_SERVICE_H_
#define SIGNPOST_TRANSPORT_TRIAGE_SERVICE_H_

#include "app/triage_handler.h"
#include "signpost/v1/triage_service.grpc.pb.h"
#include "transport/call_gate.h"

namespace signpost::transport {

class TriageServiceImpl final : public signpost::v1::TriageService::CallbackService {
 public:
  // References must outlive the service.
  TriageServiceImpl(app::TriageHandler& handler, const CallGate& gate);

  grpc::ServerUnaryReactor* EvaluateReferral(grpc::CallbackServerContext* ctx,
                                             const signpost::v1::EvaluateReferralRequest* request,
                                             signpost::v1::TriageDecision* response) override;
  grpc::ServerUnaryReactor* ReplayRuleSet(grpc::CallbackServerContext* ctx,
                                          const signpost::v1::ReplayRuleSetRequest* request,
                                          signpost::v1::ReplayRuleSetResponse* response) override;
  grpc::ServerUnaryReactor* ActivateRuleSet(
      grpc::CallbackServerContext* ctx, const signpost::v1::ActivateRuleSetRequest* request,
      signpost::v1::ActivateRuleSetResponse* response) override;
  grpc::ServerUnaryReactor* GetActiveRuleSet(grpc::CallbackServerContext* ctx,
                                             const signpost::v1::GetActiveRuleSetRequest* request,
                                             signpost::v1::ActiveRuleSet* response) override;

 private:
  app::TriageHandler& handler_;
  const CallGate& gate_;
};

}  // namespace signpost::transport

#endif  // SIGNPOST_TRANSPORT_TRIAGE_SERVICE_H_
