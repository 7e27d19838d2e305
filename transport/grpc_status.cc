#include "transport/grpc_status.h"

#include "proto/signpost/errors.h"

namespace signpost::transport {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const google::rpc::Status rpc = ToRpcStatus(status);
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (rpc.details().empty()) return grpc::Status(code, rpc.message());
  return grpc::Status(code, rpc.message(), rpc.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  google::rpc::Status rpc;
  if (status.error_details().empty() || !rpc.ParseFromString(status.error_details())) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  rpc.set_code(status.error_code());
  rpc.set_message(status.error_message());
  return FromRpcStatus(rpc);
}

}  // namespace signpost::transport
