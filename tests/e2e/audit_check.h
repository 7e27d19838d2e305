// Comparing the calls a test made (CallRecorder) with the audit trail
// (ADR 0013): every call to a person-data RPC, and every refused call, has
// exactly one entry, in the order the calls were made.
//
//   std::vector<std::string> wrong =
//       CompareCallsWithTrail(recorder.Calls(), ReadTrail(*auditor));
//   EXPECT_THAT(wrong, IsEmpty());
#ifndef SIGNPOST_TESTS_E2E_AUDIT_CHECK_H_
#define SIGNPOST_TESTS_E2E_AUDIT_CHECK_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "router/access/policy.h"
#include "signpost/v1/audit.grpc.pb.h"
#include "tests/e2e/call_recorder.h"
#include "tests/e2e/server_process.h"

namespace signpost::testing {

// "<rpc> <SUCCESS|DENIED|FAILED>" for a call's final status.
inline std::string ExpectedEntry(const std::string& method, grpc::StatusCode code) {
  const char* outcome = "SUCCESS";
  if (code == grpc::StatusCode::PERMISSION_DENIED || code == grpc::StatusCode::UNAUTHENTICATED) {
    outcome = "DENIED";
  } else if (code != grpc::StatusCode::OK) {
    outcome = "FAILED";
  }
  return method + " " + outcome;
}

// The same for a trail entry.
inline std::string SaidEntry(const signpost::v1::AuditEntry& e) {
  const char* outcome = e.outcome() == signpost::v1::AUDIT_OUTCOME_SUCCESS  ? "SUCCESS"
                        : e.outcome() == signpost::v1::AUDIT_OUTCOME_DENIED ? "DENIED"
                                                                            : "FAILED";
  return e.rpc() + " " + outcome;
}

// A call is audited when its RPC touches person data, or when it was
// refused (any RPC).
inline bool IsAudited(const RecordedCall& c) {
  const router::MethodPolicy* p = router::FindMethodPolicy(c.method);
  return (p != nullptr && p->person_data) || c.code == grpc::StatusCode::PERMISSION_DENIED ||
         c.code == grpc::StatusCode::UNAUTHENTICATED;
}

// The whole trail, less Signpost's own entries (start-up seeding, timers).
inline std::vector<signpost::v1::AuditEntry> ReadTrail(signpost::v1::AuditService::Stub& auditor) {
  std::vector<signpost::v1::AuditEntry> out;
  signpost::v1::ListAuditEntriesRequest request;
  request.set_page_size(500);
  for (;;) {
    signpost::v1::ListAuditEntriesResponse page;
    if (!auditor.ListAuditEntries(CallContext().get(), request, &page).ok()) return out;
    for (const auto& e : page.entries()) {
      if (!e.actor().internal()) out.push_back(e);
    }
    if (page.next_after() == 0) return out;
    request.set_after(page.next_after());
  }
}

// Differences between the calls made (before the trail was read) and the
// trail; the trail's own listing calls at its end are allowed.
inline std::vector<std::string> CompareCallsWithTrail(
    const std::vector<RecordedCall>& calls, const std::vector<signpost::v1::AuditEntry>& trail) {
  std::vector<std::string> expected;
  for (const RecordedCall& c : calls) {
    if (IsAudited(c)) expected.push_back(ExpectedEntry(c.method, c.code));
  }
  std::vector<std::string> wrong;
  for (size_t i = 0; i < std::max(expected.size(), trail.size()); ++i) {
    const std::string want = i < expected.size() ? expected[i] : "ListAuditEntries SUCCESS";
    const std::string got = i < trail.size() ? SaidEntry(trail[i]) : "(no entry)";
    if (want != got) wrong.push_back(absl::StrCat("#", i, ": call ", want, ", trail ", got));
    if (wrong.size() >= 20) break;
  }
  return wrong;
}

}  // namespace signpost::testing

#endif  // SIGNPOST_TESTS_E2E_AUDIT_CHECK_H_
