#include "transport/audit_service.h"

#include "transport/unary_call.h"

namespace signpost::transport {

namespace v1 = ::signpost::v1;

grpc::ServerUnaryReactor* AuditServiceImpl::VerifyAuditTrail(
    grpc::CallbackServerContext* ctx, const v1::VerifyAuditTrailRequest* request,
    v1::VerifyAuditTrailResponse* response) {
  return RunUnaryInto(ctx, gate_, "VerifyAuditTrail", request, response,
                      [this, request] { return handler_.Verify(*request); });
}

grpc::ServerUnaryReactor* AuditServiceImpl::ListRecordAccess(
    grpc::CallbackServerContext* ctx, const v1::ListRecordAccessRequest* request,
    v1::ListRecordAccessResponse* response) {
  return RunUnaryInto(ctx, gate_, "ListRecordAccess", request, response,
                      [this, request] { return handler_.ListRecordAccess(*request); });
}

grpc::ServerUnaryReactor* AuditServiceImpl::ListAuditEntries(
    grpc::CallbackServerContext* ctx, const v1::ListAuditEntriesRequest* request,
    v1::ListAuditEntriesResponse* response) {
  return RunUnaryInto(ctx, gate_, "ListAuditEntries", request, response,
                      [this, request] { return handler_.ListEntries(*request); });
}

}  // namespace signpost::transport
