// Errors as values with field detail, shared by every layer and both
// transports (gRPC trailers, HTTP bodies) and the CLI.
//
//   return InvalidArgument("accept request", {{"by.id", "is required"}});
//   // INVALID_ARGUMENT "invalid accept request: by.id: is required", carrying
//   // a google.rpc.BadRequest listing every field.
//   std::vector<FieldViolation> v = FieldViolationsOf(status);
//   google::rpc::Status wire = ToRpcStatus(status);   // for the wire
//
// Internal, data-loss and unknown errors never show their text on the
// wire (ToRpcStatus replaces it): storage messages can name ids and paths.
#ifndef SIGNPOST_PROTO_ERRORS_H_
#define SIGNPOST_PROTO_ERRORS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "google/rpc/status.pb.h"

namespace signpost {

struct FieldViolation {
  std::string field;        // e.g. "submission.person.nhs_number"
  std::string description;  // e.g. "fails the NHS number Modulus 11 check"
  bool operator==(const FieldViolation&) const = default;
};

// Type URLs of the details INVALID_ARGUMENT carries.
inline constexpr char kBadRequestTypeUrl[] = "type.googleapis.com/google.rpc.BadRequest";
inline constexpr char kFieldViolationsTypeUrl[] = "type.googleapis.com/signpost.v1.FieldViolations";

// INVALID_ARGUMENT "invalid <what>: <field>: <description>; ..." listing
// every violation (must be non-empty), with both details as payloads.
absl::Status InvalidArgument(std::string_view what, const std::vector<FieldViolation>& violations);

// The field violations an INVALID_ARGUMENT carries (empty if none).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

// The wire form of a status: code, a message safe to show, and details.
google::rpc::Status ToRpcStatus(const absl::Status& status);

// Back from the wire: code, message and any field violations.
absl::Status FromRpcStatus(const google::rpc::Status& rpc);

}  // namespace signpost

#endif  // SIGNPOST_PROTO_ERRORS_H_
