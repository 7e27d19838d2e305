#include "app/page_token.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/fingerprint.h"
#include "google/protobuf/descriptor.h"
#include "proto/signpost/proto_bytes.h"

namespace signpost::app {
uint64_t FilterFingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const auto* desc = copy->GetDescriptor();
  const auto* refl = copy->GetReflection();
  for (const char* name : {"page_token", "page_size"}) {
    if (const auto* field = desc->FindFieldByName(name)) refl->ClearField(copy.get(), field);
  }
  return Fingerprint64(DeterministicBytes(*copy));
}

std::string EncodePageToken(const std::string& resume_after_id, uint64_t fingerprint) {
  return absl::WebSafeBase64Escape(absl::StrCat("1|", resume_after_id, "|", fingerprint));
}

absl::StatusOr<std::string> DecodePageToken(const std::string& token, uint64_t fingerprint) {
  std::string raw;
  if (token.size() > 256 || !absl::WebSafeBase64Unescape(token, &raw)) {
    return absl::InvalidArgumentError("is not a token issued by this service");
  }
  std::vector<std::string> parts = absl::StrSplit(raw, '|');
  uint64_t fp = 0;
  if (parts.size() != 3 || parts[0] != "1" || !absl::SimpleAtoi(parts[2], &fp)) {
    return absl::InvalidArgumentError("is not a token issued by this service");
  }
  if (fp != fingerprint) {
    return absl::InvalidArgumentError("was issued for different filters; start again without it");
  }
  return parts[1];
}

std::string ResumeFromPageToken(const std::string& token, uint64_t fingerprint,
                                router::Violations& violations) {
  if (token.empty()) return "";
  absl::StatusOr<std::string> after = DecodePageToken(token, fingerprint);
  if (after.ok()) return *after;
  violations.Add("page_token", std::string(after.status().message()));
  return "";
}

}  // namespace signpost::app
