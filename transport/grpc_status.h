// The one place absl::Status becomes grpc::Status (and back, for clients).
//
// Codes map one-to-one (both follow google.rpc.Code). Payloads that are
// field violations travel as google.rpc.BadRequest details of a
// google.rpc.Status in the grpc-status-details-bin trailer. Messages of
// INTERNAL/DATA_LOSS/UNKNOWN errors are replaced by a generic text so that
// storage internals never reach clients; the original is logged.
#ifndef SIGNPOST_TRANSPORT_GRPC_STATUS_H_
#define SIGNPOST_TRANSPORT_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace signpost::transport {

grpc::Status ToGrpcStatus(const absl::Status& status);

// Inverse of ToGrpcStatus, for the CLI and tests: restores the code, the
// message and the field violations (proto/signpost/errors.h) if present.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace signpost::transport

#endif  // SIGNPOST_TRANSPORT_GRPC_STATUS_H_
