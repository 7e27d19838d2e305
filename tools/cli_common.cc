#include "tools/cli_common.h"

#include <chrono>
#include <cstdio>

#include "absl/flags/flag.h"
#include "google/protobuf/util/json_util.h"
#include "services/errors.h"
#include "services/grpc_status.h"

namespace signpost::cli {

std::string ToJson(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.add_whitespace = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(m, &out, options).ok()) return "{}";
  return out;
}

int Fail(const grpc::Status& status) {
  absl::Status s = signpost::services::FromGrpcStatus(status);
  std::fprintf(stderr, "error: %s: %s\n", absl::StatusCodeToString(s.code()).c_str(),
               std::string(s.message()).c_str());
  if (auto violations = signpost::services::ViolationsFromStatus(s)) {
    for (const auto& v : violations->violations()) {
      std::fprintf(stderr, "  %s: %s\n", v.field().c_str(), v.description().c_str());
    }
  }
  return 1;
}

void SetDeadline(grpc::ClientContext& ctx) {
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(absl::GetFlag(FLAGS_timeout_ms)));
}

}  // namespace signpost::cli
