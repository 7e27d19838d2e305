// NHS number parsing and Modulus 11 checking (ISB 0149; the algorithm and
// test vectors are in tests/data/, provenance in tests/data/PROVENANCE.md).
//
//   auto n = ParseNhsNumber("943 476 5919");  // "9434765919"
//   FormatNhsNumber("9434765919");             // "943 476 5919"
//
// Accepted input: exactly ten digits, optionally grouped with single spaces
// in the 3-3-4 display form. Hyphens and other separators are rejected (ISB
// 0149 mandates acceptance with or without spaces only). Ranges are not
// enforced: a number that passes Modulus 11 is accepted even if it is
// outside the issued ranges, because test numbers (999...) and Scottish CHI
// numbers are legitimate inputs. See docs/adr/0005-nhs-number-policy.md.
#ifndef SIGNPOST_ROUTER_NHS_NUMBER_H_
#define SIGNPOST_ROUTER_NHS_NUMBER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace signpost::router {

// Returns the ten digits, or INVALID_ARGUMENT saying whether the format or
// the check digit is wrong.
[[nodiscard]] absl::StatusOr<std::string> ParseNhsNumber(std::string_view input);

// True when the ten `digits` satisfy Modulus 11. `digits` must be 10 ASCII
// digits; anything else returns false.
bool NhsNumberCheckDigitValid(std::string_view digits);

// "9434765919" -> "943 476 5919". Input must be ten digits; anything else is
// returned unchanged.
std::string FormatNhsNumber(std::string_view digits);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_NHS_NUMBER_H_
