#include "app/log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace signpost::app {
namespace {

std::string Render(const std::string& message, const LogFields& fields) {
  std::string out = absl::StrCat("\"msg\":\"", JsonEscape(message), "\"");
  for (const auto& [k, v] : fields) {
    absl::StrAppend(&out, ",\"", JsonEscape(k), "\":\"", JsonEscape(v), "\"");
  }
  return out;
}

}  // namespace

std::string JsonEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

absl::Status InitLogging(const LogOptions& options) {
  const auto level = spdlog::level::from_str(options.level);
  if (level == spdlog::level::off && options.level != "off") {
    return absl::InvalidArgumentError(absl::StrCat("log_level: unknown level ", options.level));
  }
  auto logger = spdlog::stderr_logger_mt("signpost");
  logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})",
                      spdlog::pattern_time_type::utc);
  logger->set_level(level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  return absl::OkStatus();
}

void LogInfo(const std::string& message, const LogFields& fields) {
  spdlog::info("{}", Render(message, fields));
}
void LogWarn(const std::string& message, const LogFields& fields) {
  spdlog::warn("{}", Render(message, fields));
}
void LogError(const std::string& message, const LogFields& fields) {
  spdlog::error("{}", Render(message, fields));
}

void LogRpc(const std::string& method, const std::string& request_id,
            const std::string& referral_id, const absl::Status& status, absl::Duration latency) {
  LogFields fields = {{"method", method},
                      {"code", absl::StatusCodeToString(status.code())},
                      {"latency_ms", absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(latency))}};
  if (!request_id.empty()) fields.emplace_back("request_id", request_id);
  if (!referral_id.empty()) fields.emplace_back("referral_id", referral_id);
  const bool server_fault = status.code() == absl::StatusCode::kInternal ||
                            status.code() == absl::StatusCode::kDataLoss ||
                            status.code() == absl::StatusCode::kUnavailable ||
                            status.code() == absl::StatusCode::kUnknown;
  if (server_fault) {
    fields.emplace_back("error", std::string(status.message()));
    LogError("rpc", fields);
  } else {
    LogInfo("rpc", fields);
  }
}

}  // namespace signpost::app
