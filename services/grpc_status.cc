#include "services/grpc_status.h"

#include "absl/strings/cord.h"
#include "services/errors.h"
#include "signpost/v1/referral_service.pb.h"

namespace signpost::services {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message(status.message());
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kDataLoss || status.code() == absl::StatusCode::kUnknown) {
    message = "internal error; the request was not completed";
  }
  auto violations = ViolationsFromStatus(status);
  if (!violations) return grpc::Status(code, message);
  signpost::v1::RpcStatus rpc;
  rpc.set_code(static_cast<int>(status.code()));
  rpc.set_message(message);
  rpc.add_details()->PackFrom(*violations);
  return grpc::Status(code, message, rpc.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  signpost::v1::RpcStatus rpc;
  if (!status.error_details().empty() && rpc.ParseFromString(status.error_details())) {
    for (const auto& any : rpc.details()) {
      signpost::v1::FieldViolations violations;
      if (any.UnpackTo(&violations)) {
        out.SetPayload(kFieldViolationsTypeUrl, absl::Cord(violations.SerializeAsString()));
      }
    }
  }
  return out;
}

}  // namespace signpost::services
