// CallGate: every call's way in. It authenticates the caller (bearer
// token, or the verified client certificate's common name) and checks the
// role gate (router/access/policy.h) before any work is queued, then hands
// the work to the worker pool.
//
//   CallGate gate(pool, authenticator, RealClock());
//   absl::StatusOr<router::Caller> who = gate.Admit(ctx, "GetReferral");
//   // UNAUTHENTICATED / PERMISSION_DENIED: finish the call with it.
//
// Refusals are logged (method and reason, never the token) and audited
// (app/audit.h), and never run the handler, so a refused call reads and
// writes nothing. Admitted calls are audited through Audited().
//
// Thread-safe.
#ifndef SIGNPOST_TRANSPORT_CALL_GATE_H_
#define SIGNPOST_TRANSPORT_CALL_GATE_H_

#include "absl/status/statusor.h"
#include "app/audit.h"
#include "common/clock.h"
#include "grpcpp/grpcpp.h"
#include "identity/authenticator.h"
#include "router/access/caller.h"
#include "transport/worker_pool.h"

namespace signpost::transport {

class CallGate {
 public:
  CallGate(WorkerPool& pool, const identity::Authenticator& authenticator, app::Auditor& auditor,
           const Clock& clock)
      : pool_(pool), authenticator_(authenticator), auditor_(auditor), clock_(clock) {}

  // Who is calling `method`, if they may call it at all. A refusal is
  // audited before it is returned, naming the people `request` (may be
  // null) asked about.
  [[nodiscard]] absl::StatusOr<router::Caller> Admit(
      const grpc::ServerContextBase* ctx, const char* method,
      const google::protobuf::Message* request = nullptr) const;

  // The audit context of an admitted call.
  app::AuditContext AuditContextFor(const char* method, const router::Caller& who) const;

  // Records an admitted call after its work (Auditor::RecordCall) and
  // returns the status to finish it with: `status`, or UNAVAILABLE when
  // the call could not be audited (its data is then not returned).
  [[nodiscard]] absl::Status Audited(const app::AuditScope& scope,
                                     const google::protobuf::Message* request,
                                     const google::protobuf::Message* response,
                                     absl::Status status) const;

  WorkerPool& pool() const { return pool_; }

 private:
  WorkerPool& pool_;
  const identity::Authenticator& authenticator_;
  app::Auditor& auditor_;
  const Clock& clock_;
};

}  // namespace signpost::transport

#endif  // SIGNPOST_TRANSPORT_CALL_GATE_H_
