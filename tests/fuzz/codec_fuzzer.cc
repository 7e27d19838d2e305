// libFuzzer: every small decoder of outside or stored bytes: key codec,
// referral ids and references, NHS numbers, postcodes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/ids.h"
#include "router/nhs_number.h"
#include "router/validation.h"
#include "storage/key_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view cursor = in;
  while (auto s = signpost::storage::ConsumeOrderedString(&cursor)) {
    // Round trip: re-encoding what was decoded must decode to the same.
    std::string encoded;
    signpost::storage::AppendOrderedString(&encoded, *s);
    std::string_view again = encoded;
    if (signpost::storage::ConsumeOrderedString(&again) != s) __builtin_trap();
  }
  std::string_view ints = in;
  while (signpost::storage::ConsumeUint64(&ints)) {
  }
  (void)signpost::storage::keys::DecodeEvent(in);
  (void)signpost::storage::keys::ReferralIdFromIndex(in);
  (void)signpost::ReferralIdTime(in);
  (void)signpost::CanonicalReference(in);
  (void)signpost::router::ParseNhsNumber(in);
  (void)signpost::router::CanonicalPostcode(in);
  (void)signpost::router::IsValidEmail(in);
  return 0;
}
