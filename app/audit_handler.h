// AuditHandler: the auditor's view of the trail (signpost.v1.AuditService;
// ADR 0013). Verification seals first, so it covers every committed entry.
//
//   absl::StatusOr<v1::ListRecordAccessResponse> r = handler.ListRecordAccess(request);
//
// Errors: INVALID_ARGUMENT naming every bad field; NOT_FOUND for an NHS
// number no record holds (the report of attempts by number still runs when
// the person is unknown: see ListRecordAccess). Thread-safe.
#ifndef SIGNPOST_APP_AUDIT_HANDLER_H_
#define SIGNPOST_APP_AUDIT_HANDLER_H_

#include "absl/status/statusor.h"
#include "signpost/v1/audit.pb.h"
#include "storage/store.h"

namespace signpost::app {

class AuditHandler {
 public:
  explicit AuditHandler(storage::Store& store) : store_(store) {}

  // Seals what is committed, then re-derives the chain.
  [[nodiscard]] absl::StatusOr<signpost::v1::VerifyAuditTrailResponse> Verify(
      const signpost::v1::VerifyAuditTrailRequest& request);
  // A subject access report: every entry naming the person - by their NHS
  // number, by their person id, or by the id of any record merged into
  // theirs - oldest first.
  [[nodiscard]] absl::StatusOr<signpost::v1::ListRecordAccessResponse> ListRecordAccess(
      const signpost::v1::ListRecordAccessRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::ListAuditEntriesResponse> ListEntries(
      const signpost::v1::ListAuditEntriesRequest& request) const;

 private:
  storage::Store& store_;
};

}  // namespace signpost::app

#endif  // SIGNPOST_APP_AUDIT_HANDLER_H_
