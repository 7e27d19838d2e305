// The audit trail from the application's side (ADR 0013, docs/ACCESS.md):
// who did what to whose record, for every call that touches person data,
// every refused call, and every change Signpost makes on its own account.
//
// A call's audit context travels with the call on its worker thread, as an
// AuditScope the transport opens around the handler (the same ambient
// pattern as google-cloud-cpp's OptionsSpan; handlers run synchronously on
// that thread). Every write goes through ApplyAudited, which puts the
// entry for the change into the change's own batch, naming the scope's
// caller (or Signpost itself when there is no call). After the handler,
// the transport calls Auditor::RecordCall: a call whose change was
// written is already audited; any other call to a person-data RPC gets
// its entry now, synced, before the response leaves.
//
//   AuditScope scope({.caller = who, .rpc = "GetPerson"});
//   auto person = handler.GetPerson(request);          // may ApplyAudited
//   SP_RETURN_IF_ERROR(auditor.RecordCall(scope, &request, &*person, person.status()));
//
// Entries name subjects (person ids and NHS numbers) and objects found in
// the records written or returned - never their clinical content.
#ifndef SIGNPOST_APP_AUDIT_H_
#define SIGNPOST_APP_AUDIT_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/clock.h"
#include "google/protobuf/message.h"
#include "router/access/caller.h"
#include "signpost/v1/audit.pb.h"
#include "storage/store.h"

namespace signpost::app {

struct AuditContext {
  router::Caller caller;
  // The RPC's short name ("GetPerson").
  std::string rpc;
  // Break-glass access: the clinician's reason (purpose becomes
  // emergency treatment).
  std::string break_glass_reason;
  // Whether the RPC reads or writes person data (router/access/policy.h).
  bool person_data = true;
  // Signpost acting on its own account (a timer): `rpc` names the job.
  bool internal = false;
};

// The current call's audit state on this thread, while it lives.
// Not copyable; scopes nest (the inner one is current until destroyed).
class AuditScope {
 public:
  explicit AuditScope(AuditContext context);
  ~AuditScope();
  AuditScope(const AuditScope&) = delete;
  AuditScope& operator=(const AuditScope&) = delete;

  // The innermost scope on this thread, or nullptr outside any call.
  static AuditScope* Current();

  const AuditContext& context() const { return context_; }
  // A change carrying this call's entry was committed.
  bool written() const { return written_; }
  void MarkWritten() { written_ = true; }
  // The call is using a break-glass grant: its entries carry the reason
  // and the purpose emergency treatment.
  void NoteBreakGlass(std::string reason) { context_.break_glass_reason = std::move(reason); }

 private:
  AuditContext context_;
  bool written_ = false;
  AuditScope* previous_;
};

// The entry for `change`, as the current scope's caller, or as Signpost
// itself doing `job` when there is no scope.
signpost::v1::AuditEntry EntryForChange(const storage::Change& change, absl::Time now,
                                        std::string_view job);

// Store::Apply with the change's audit entry in its batch (see above).
// `job` names the work when it runs outside any call ("breach-timer").
[[nodiscard]] absl::StatusOr<storage::Applied> ApplyAudited(storage::Store& store,
                                                            storage::Change change,
                                                            const Clock& clock,
                                                            std::string_view job = "internal");

// The ISO 27789 action a call to `rpc` performs when it writes nothing.
signpost::v1::AuditAction ReadActionOf(std::string_view rpc);

// Records calls that wrote nothing, and refusals. Thread-safe.
class Auditor {
 public:
  Auditor(storage::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // After a call's work: if the call is to a person-data RPC and no
  // change of it was written, appends its entry, synced: subjects and
  // objects named by `request` and, when the call succeeded, `response`
  // (either may be null); the outcome from `status`. An error means the
  // call must not return its data.
  [[nodiscard]] absl::Status RecordCall(const AuditScope& scope,
                                        const google::protobuf::Message* request,
                                        const google::protobuf::Message* response,
                                        const absl::Status& status);
  // A call refused before it ran (UNAUTHENTICATED, PERMISSION_DENIED):
  // buffered, since it disclosed nothing. `caller` is null when the
  // caller could not be authenticated; the subjects `request` names (may
  // be null) are recorded, so a subject access report lists attempts.
  void RecordRefusal(const router::Caller* caller, std::string_view rpc, const absl::Status& status,
                     const google::protobuf::Message* request = nullptr);

 private:
  storage::Store& store_;
  const Clock& clock_;
};

// Chains the trail's new entries and logs the new head (the anchor an
// operator can compare with `signpost audit verify` later). For a timer.
absl::StatusOr<int> SealAuditTrail(storage::Store& store);

}  // namespace signpost::app

#endif  // SIGNPOST_APP_AUDIT_H_
