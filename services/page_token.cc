#include "services/page_token.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace signpost::services {
namespace {

uint64_t Fnv1a64(const std::string& bytes) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

uint64_t FilterFingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const auto* desc = copy->GetDescriptor();
  const auto* refl = copy->GetReflection();
  for (const char* name : {"page_token", "page_size"}) {
    if (const auto* field = desc->FindFieldByName(name)) refl->ClearField(copy.get(), field);
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  return Fnv1a64(bytes);
}

std::string EncodePageToken(const std::string& resume_after_id, uint64_t fingerprint) {
  return absl::WebSafeBase64Escape(absl::StrCat("1|", resume_after_id, "|", fingerprint));
}

absl::StatusOr<std::string> DecodePageToken(const std::string& token, uint64_t fingerprint) {
  std::string raw;
  if (token.size() > 256 || !absl::WebSafeBase64Unescape(token, &raw)) {
    return absl::InvalidArgumentError("page_token: is not a token issued by this service");
  }
  std::vector<std::string> parts = absl::StrSplit(raw, '|');
  uint64_t fp = 0;
  if (parts.size() != 3 || parts[0] != "1" || !absl::SimpleAtoi(parts[2], &fp)) {
    return absl::InvalidArgumentError("page_token: is not a token issued by this service");
  }
  if (fp != fingerprint) {
    return absl::InvalidArgumentError(
        "page_token: was issued for different filters; start again without it");
  }
  return parts[1];
}

}  // namespace signpost::services
