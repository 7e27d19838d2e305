// The gRPC adapter for signpost.v1.AuditService (callback API). Thin: each
// call runs app::AuditHandler on the worker pool via RunUnaryInto(); the
// role gate admits auditors only, and the calls are themselves audited.
#ifndef SIGNPOST_TRANSPORT_AUDIT_SERVICE_H_
#define SIGNPOST_TRANSPORT_AUDIT_SERVICE_H_

#include "app/audit_handler.h"
#include "signpost/v1/audit.grpc.pb.h"
#include "transport/call_gate.h"

namespace signpost::transport {

class AuditServiceImpl final : public signpost::v1::AuditService::CallbackService {
 public:
  // References must outlive the service.
  AuditServiceImpl(app::AuditHandler& handler, const CallGate& gate)
      : handler_(handler), gate_(gate) {}

  grpc::ServerUnaryReactor* VerifyAuditTrail(
      grpc::CallbackServerContext* ctx, const signpost::v1::VerifyAuditTrailRequest* request,
      signpost::v1::VerifyAuditTrailResponse* response) override;
  grpc::ServerUnaryReactor* ListRecordAccess(
      grpc::CallbackServerContext* ctx, const signpost::v1::ListRecordAccessRequest* request,
      signpost::v1::ListRecordAccessResponse* response) override;
  grpc::ServerUnaryReactor* ListAuditEntries(
      grpc::CallbackServerContext* ctx, const signpost::v1::ListAuditEntriesRequest* request,
      signpost::v1::ListAuditEntriesResponse* response) override;

 private:
  app::AuditHandler& handler_;
  const CallGate& gate_;
};

}  // namespace signpost::transport

#endif  // SIGNPOST_TRANSPORT_AUDIT_SERVICE_H_
