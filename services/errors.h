// Building rich absl::Status values in the transport-free layer.
//
// INVALID_ARGUMENT errors carry every field violation twice: readable in the
// message ("submission.person.nhs_number: fails the ...; request_id: ...")
// and machine-readable as a signpost.v1.FieldViolations payload, which
// grpc_status.h turns into a gRPC status detail.
//
//   return InvalidArgumentFromViolations(violations);
//   const auto fv = ViolationsFromStatus(status);  // for tests and clients
#ifndef SIGNPOST_SERVICES_ERRORS_H_
#define SIGNPOST_SERVICES_ERRORS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "router/validation.h"
#include "signpost/v1/referral_service.pb.h"

namespace signpost::services {

// Type URL of the FieldViolations payload.
inline constexpr char kFieldViolationsTypeUrl[] = "type.googleapis.com/signpost.v1.FieldViolations";

// INVALID_ARGUMENT listing all `violations` (must be non-empty).
absl::Status InvalidArgumentFromViolations(const std::vector<router::FieldViolation>& violations);

// The FieldViolations payload of `status`, if any.
std::optional<signpost::v1::FieldViolations> ViolationsFromStatus(const absl::Status& status);

}  // namespace signpost::services

#endif  // SIGNPOST_SERVICES_ERRORS_H_
