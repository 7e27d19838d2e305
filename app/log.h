// Structured JSON logging on spdlog, one object per line.
//
// Log lines carry ids (referral id, request id, method) and never personal
// data: no names, NHS numbers, dates of birth, postcodes or free text.
//
//   InitLogging({.level = "info"});
//   LogRpc("SubmitReferral", request_id, referral_id, code, latency);
//   LogInfo("server started", {{"address", addr}});
#ifndef SIGNPOST_APP_LOG_H_
#define SIGNPOST_APP_LOG_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace signpost::app {

struct LogOptions {
  std::string level = "info";  // trace, debug, info, warn, error
};

using LogFields = std::vector<std::pair<std::string, std::string>>;

// Configures the default logger to write JSON lines to stderr. Returns
// INVALID_ARGUMENT for an unknown level.
[[nodiscard]] absl::Status InitLogging(const LogOptions& options);

void LogInfo(const std::string& message, const LogFields& fields = {});
void LogWarn(const std::string& message, const LogFields& fields = {});
void LogError(const std::string& message, const LogFields& fields = {});

// One line per completed RPC. Messages of INTERNAL-class errors are logged
// here (they are hidden from clients).
void LogRpc(const std::string& method, const std::string& request_id,
            const std::string& referral_id, const absl::Status& status, absl::Duration latency);

// JSON string escaping (exposed for tests).
std::string JsonEscape(const std::string& s);

}  // namespace signpost::app

#endif  // SIGNPOST_APP_LOG_H_
