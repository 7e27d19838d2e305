// `signpost audit ...`: the auditor's commands (AuditService; ADR 0013).
//   audit verify  - re-derive the hash chain; exit 3 if it is broken
//   audit person  - who has accessed this person's record (subject access)
//   audit list    - the trail in order
#include <cctype>
#include <iostream>

#include "absl/flags/flag.h"
#include "signpost/v1/audit.pb.h"
#include "tools/cli.h"

ABSL_FLAG(uint64_t, anchor_sequence, 0,
          "audit verify: a seal logged earlier (sealed_through) the chain must still pass.");
ABSL_FLAG(std::string, anchor_head, "", "audit verify: that seal's head (hex).");
ABSL_DECLARE_FLAG(uint64_t, after);
ABSL_DECLARE_FLAG(int, page_size);

namespace signpost::cli {
namespace {

namespace v1 = ::signpost::v1;

std::string Rpc(const std::string& name) { return "signpost.v1.AuditService." + name; }

int Verify(const Context& ctx) {
  v1::VerifyAuditTrailRequest request;
  if (absl::GetFlag(FLAGS_anchor_sequence) > 0) {
    request.mutable_anchor()->set_sealed_through(absl::GetFlag(FLAGS_anchor_sequence));
    request.mutable_anchor()->set_head(absl::GetFlag(FLAGS_anchor_head));
  }
  v1::VerifyAuditTrailResponse response;
  grpc::Status status = Call(ctx, Rpc("VerifyAuditTrail"), request, &response);
  if (!status.ok()) return Fail(status);
  std::cout << ToJson(response) << "\n";
  if (response.intact()) return 0;
  for (const auto& p : response.problems()) {
    std::cerr << "audit entry " << p.sequence() << ": " << p.kind() << " - " << p.detail() << "\n";
  }
  return 3;
}

bool LooksLikeNhsNumber(const std::string& s) {
  int digits = 0;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (c != ' ') {
      return false;
    }
  }
  return digits == 10;
}

int Person(const Context& ctx) {
  v1::ListRecordAccessRequest request;
  if (LooksLikeNhsNumber(ctx.args[0])) {
    request.set_nhs_number(ctx.args[0]);
  } else {
    request.set_person_id(ctx.args[0]);
  }
  request.set_after(absl::GetFlag(FLAGS_after));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  return Invoke(ctx, Rpc("ListRecordAccess"), request);
}

int List(const Context& ctx) {
  v1::ListAuditEntriesRequest request;
  request.set_after(absl::GetFlag(FLAGS_after));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  return Invoke(ctx, Rpc("ListAuditEntries"), request);
}

}  // namespace

std::vector<Command> AuditCommands() {
  return {
      {"audit verify", "[--anchor_sequence=N --anchor_head=HEX]",
       "Check the audit trail's hash chain; exit 3 naming each changed, removed, inserted or "
       "reordered entry.",
       Verify, 0, 0},
      {"audit person", "NHS_NUMBER|PERSON_ID [--after=SEQ] [--page_size=N]",
       "Who has accessed this person's record: a subject access report.", Person, 1, 1},
      {"audit list", "[--after=SEQ] [--page_size=N]", "The audit trail in order.", List, 0, 0},
  };
}

}  // namespace signpost::cli
