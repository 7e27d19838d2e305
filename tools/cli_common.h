// Helpers shared by the `signpost` CLI's command groups.
#ifndef SIGNPOST_TOOLS_CLI_COMMON_H_
#define SIGNPOST_TOOLS_CLI_COMMON_H_

#include <string>

#include "absl/flags/declare.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"

ABSL_DECLARE_FLAG(int, timeout_ms);

namespace signpost::cli {

// JSON with proto field names, indented.
std::string ToJson(const google::protobuf::Message& m);
// Prints the status (and each field violation) on stderr; returns 1.
int Fail(const grpc::Status& status);
// Applies --timeout_ms.
void SetDeadline(grpc::ClientContext& ctx);

}  // namespace signpost::cli

#endif  // SIGNPOST_TOOLS_CLI_COMMON_H_
