// The gRPC adapter for signpost.v1.TriageService (callback API). Thin: each
// call runs TriageHandler on the worker pool via RunUnary().
#ifndef SIGNPOST_SERVICES_TRIAGE_SERVICE_H_
#define SIGNPOST_SERVICES_TRIAGE_SERVICE_H_

#include "services/triage_handler.h"
#include "services/worker_pool.h"
#include "signpost/v1/triage_service.grpc.pb.h"

namespace signpost::services {

class TriageServiceImpl final : public signpost::v1::TriageService::CallbackService {
 public:
  // References must outlive the service.
  TriageServiceImpl(TriageHandler& handler, WorkerPool& pool);

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
  TriageHandler& handler_;
  WorkerPool& pool_;
};

}  // namespace signpost::services

#endif  // SIGNPOST_SERVICES_TRIAGE_SERVICE_H_
