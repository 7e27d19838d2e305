#include "services/case_inputs.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/strings.h"

namespace signpost::services {
namespace {

constexpr size_t kMaxIdLength = 64;

bool IsStaffIdChar(char c) {
  return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == ':' || c == '-';
}

}  // namespace

absl::StatusOr<std::string> ResolveReferralId(const storage::ReferralStore& store,
                                              const std::string& id_or_reference) {
  if (id_or_reference.empty()) return absl::InvalidArgumentError("referral_id: is required");
  if (id_or_reference.size() > kMaxIdLength) {
    return absl::InvalidArgumentError("referral_id: is too long");
  }
  const std::string upper = absl::AsciiStrToUpper(id_or_reference);
  if (IsReferralId(upper)) return upper;
  if (std::optional<std::string> ref = CanonicalReference(id_or_reference)) {
    return store.ResolveReference(*ref);
  }
  return absl::InvalidArgumentError(
      "referral_id: is neither a referral id nor a reference like K7QM-4XD2");
}

void CheckStaff(const signpost::v1::StaffRef& staff, std::string_view field,
                std::vector<router::FieldViolation>& violations) {
  const std::string id_field = absl::StrCat(Sv(field), ".id");
  if (staff.id().empty()) {
    violations.push_back({id_field, "is required"});
  } else if (staff.id().size() > kMaxIdLength || !absl::c_all_of(staff.id(), IsStaffIdChar)) {
    violations.push_back({id_field, "must be 1-64 of A-Z a-z 0-9 . _ : -"});
  }
  CheckText(staff.name(), absl::StrCat(Sv(field), ".name"), 200, false, false, violations);
  CheckText(staff.role(), absl::StrCat(Sv(field), ".role"), 100, false, false, violations);
}

void CheckText(const std::string& text, std::string_view field, size_t max, bool required,
               bool multiline, std::vector<router::FieldViolation>& violations) {
  if (required && absl::StripAsciiWhitespace(text).empty()) {
    violations.push_back({std::string(field), "is required"});
  } else if (text.size() > max) {
    violations.push_back({std::string(field), absl::StrCat("is longer than ", max, " characters")});
  } else if (router::HasControlCharacters(text, multiline)) {
    violations.push_back({std::string(field), "contains control characters"});
  }
}

void CheckOpaqueId(const std::string& id, std::string_view field,
                   std::vector<router::FieldViolation>& violations) {
  if (id.empty()) {
    violations.push_back({std::string(field), "is required"});
  } else if (id.size() > kMaxIdLength || !absl::c_all_of(id, absl::ascii_isalnum)) {
    violations.push_back({std::string(field), "is not an id issued by Signpost"});
  }
}

}  // namespace signpost::services
