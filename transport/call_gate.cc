#include "transport/call_gate.h"

#include <string>

#include "app/log.h"
#include "router/access/policy.h"

namespace signpost::transport {
namespace {

// The verified client certificate's common name, if the call came over
// mutual TLS.
std::string CertificateSubject(const grpc::ServerContextBase* ctx) {
  const std::shared_ptr<const grpc::AuthContext> auth = ctx->auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return "";
  const std::vector<grpc::string_ref> names = auth->FindPropertyValues("x509_common_name");
  return names.empty() ? "" : std::string(names.front().data(), names.front().size());
}

std::string Authorization(const grpc::ServerContextBase* ctx) {
  const auto& metadata = ctx->client_metadata();
  const auto it = metadata.find("authorization");
  return it == metadata.end() ? "" : std::string(it->second.data(), it->second.size());
}

}  // namespace

absl::StatusOr<router::Caller> CallGate::Admit(const grpc::ServerContextBase* ctx,
                                               const char* method,
                                               const google::protobuf::Message* request) const {
  const std::string authorization = Authorization(ctx);
  const std::string subject = CertificateSubject(ctx);
  absl::StatusOr<router::Caller> caller = authenticator_.Authenticate(
      {.authorization = authorization, .certificate_subject = subject}, clock_.Now());
  if (!caller.ok()) {
    auditor_.RecordRefusal(nullptr, method, caller.status(), request);
    return caller.status();
  }
  if (absl::Status allowed = router::AuthoriseCall(*caller, method); !allowed.ok()) {
    auditor_.RecordRefusal(caller->authenticated() ? &*caller : nullptr, method, allowed, request);
    return allowed;
  }
  return caller;
}

app::AuditContext CallGate::AuditContextFor(const char* method, const router::Caller& who) const {
  const router::MethodPolicy* policy = router::FindMethodPolicy(method);
  return {.caller = who, .rpc = method, .person_data = policy == nullptr || policy->person_data};
}

absl::Status CallGate::Audited(const app::AuditScope& scope,
                               const google::protobuf::Message* request,
                               const google::protobuf::Message* response,
                               absl::Status status) const {
  absl::Status audited = auditor_.RecordCall(scope, request, response, status);
  if (audited.ok()) return status;
  app::LogError("could not audit a call; its data was not returned",
                {{"method", scope.context().rpc}, {"error", audited.ToString()}});
  return absl::UnavailableError("the access could not be audited, so nothing was returned; retry");
}

}  // namespace signpost::transport
