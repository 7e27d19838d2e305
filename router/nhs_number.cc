#include "router/nhs_number.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"

namespace signpost::router {

bool NhsNumberCheckDigitValid(std::string_view digits) {
  if (digits.size() != 10) return false;
  int sum = 0;
  for (int i = 0; i < 10; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(digits[i]))) return false;
    if (i < 9) sum += (digits[i] - '0') * (10 - i);
  }
  const int raw = 11 - (sum % 11);
  if (raw == 10) return false;  // never issued
  const int check = raw == 11 ? 0 : raw;
  return check == digits[9] - '0';
}

absl::StatusOr<std::string> ParseNhsNumber(std::string_view input) {
  std::string digits;
  bool format_ok = true;
  if (input.size() == 10) {
    digits = std::string(input);
  } else if (input.size() == 12 && input[3] == ' ' && input[7] == ' ') {
    digits = std::string(input.substr(0, 3));
    digits.append(input.substr(4, 3)).append(input.substr(8, 4));
  } else {
    format_ok = false;
  }
  if (format_ok) {
    for (char c : digits) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) format_ok = false;
    }
  }
  if (!format_ok) {
    return absl::InvalidArgumentError("must be 10 digits, optionally written 3-3-4 with spaces");
  }
  if (!NhsNumberCheckDigitValid(digits)) {
    return absl::InvalidArgumentError("fails the NHS number Modulus 11 check");
  }
  return digits;
}

std::string FormatNhsNumber(std::string_view digits) {
  if (digits.size() != 10) return std::string(digits);
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::string(digits);
  }
  std::string out(digits.substr(0, 3));
  out.append(" ").append(digits.substr(3, 3)).append(" ").append(digits.substr(6, 4));
  return out;
}

}  // namespace signpost::router
