#include "proto/signpost/labels.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "google/protobuf/descriptor.h"

namespace signpost {
namespace {

std::string Prefix(const google::protobuf::EnumDescriptor* type) {
  const google::protobuf::EnumValueDescriptor* zero = type->FindValueByNumber(0);
  if (zero == nullptr) return "";
  const std::string& name = zero->name();
  const std::string suffix = "UNSPECIFIED";
  return absl::EndsWith(name, suffix) ? name.substr(0, name.size() - suffix.size()) : "";
}

}  // namespace

std::string EnumSuffix(const google::protobuf::EnumDescriptor* type, int value) {
  const google::protobuf::EnumValueDescriptor* v = type->FindValueByNumber(value);
  if (v == nullptr) return std::to_string(value);
  const std::string prefix = Prefix(type);
  std::string name =
      absl::StartsWith(v->name(), prefix) ? v->name().substr(prefix.size()) : v->name();
  return absl::AsciiStrToLower(name);
}

std::string EnumCode(const google::protobuf::EnumDescriptor* type, int value) {
  std::string s = EnumSuffix(type, value);
  std::replace(s.begin(), s.end(), '_', '-');
  return s;
}

std::optional<int> ParseEnumValue(const google::protobuf::EnumDescriptor* type,
                                  std::string_view text) {
  std::string upper = absl::AsciiStrToUpper(absl::string_view(text.data(), text.size()));
  std::replace(upper.begin(), upper.end(), '-', '_');
  if (upper.empty()) return std::nullopt;
  for (const std::string& name : {upper, Prefix(type) + upper}) {
    if (const auto* v = type->FindValueByName(name)) return v->number();
  }
  return std::nullopt;
}

std::string BandLetter(v1::UrgencyBand band) {
  if (band == v1::URGENCY_BAND_UNSPECIFIED) return "?";
  return absl::AsciiStrToUpper(EnumSuffix(band));
}

}  // namespace signpost
