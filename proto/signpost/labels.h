// Enum labels in one place: the short forms Signpost shows and stores for
// proto enum values, and parsing them back.
//
//   EnumSuffix(v1::PRESENTING_NEED_LOW_MOOD_DEPRESSION)  // "low_mood_depression"
//   EnumCode(v1::DECLINE_REASON_NO_CAPACITY)              // "no-capacity"
//   BandLetter(v1::URGENCY_BAND_B)                        // "B"
//   ParseEnum<v1::PresentingNeed>("anxiety")              // PRESENTING_NEED_ANXIETY
//
// The prefix is the name of the enum's zero value without "UNSPECIFIED"
// (every Signpost enum has one). Thread-safe.
#ifndef SIGNPOST_PROTO_LABELS_H_
#define SIGNPOST_PROTO_LABELS_H_

#include <optional>
#include <string>
#include <string_view>

#include "google/protobuf/generated_enum_reflection.h"
#include "signpost/v1/vocabulary.pb.h"

namespace signpost {

// The value's name without the enum's prefix, lower-case ("low_mood_depression").
std::string EnumSuffix(const google::protobuf::EnumDescriptor* type, int value);
// As EnumSuffix with '-' for '_' ("no-capacity"): the coded reasons on events.
std::string EnumCode(const google::protobuf::EnumDescriptor* type, int value);
// The number of a value named in full ("PRESENTING_NEED_ANXIETY") or by its
// suffix ("anxiety", "ANXIETY", "no-capacity"), case-insensitive.
std::optional<int> ParseEnumValue(const google::protobuf::EnumDescriptor* type,
                                  std::string_view text);

template <typename E>
std::string EnumSuffix(E value) {
  return EnumSuffix(google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value));
}
template <typename E>
std::string EnumCode(E value) {
  return EnumCode(google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value));
}
template <typename E>
std::optional<E> ParseEnum(std::string_view text) {
  std::optional<int> v = ParseEnumValue(google::protobuf::GetEnumDescriptor<E>(), text);
  if (!v) return std::nullopt;
  return static_cast<E>(*v);
}

// "A".."G", or "?" for UNSPECIFIED.
std::string BandLetter(signpost::v1::UrgencyBand band);

}  // namespace signpost

#endif  // SIGNPOST_PROTO_LABELS_H_
